#include "core/text.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace mxh {
namespace {

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

// Length of the valid UTF-8 sequence at the start of `text` and its code point; 0 if invalid
// (overlong forms, surrogates and values past U+10FFFF are invalid).
std::size_t decodeUtf8(std::string_view text, char32_t& codePoint) {
  const auto lead = static_cast<unsigned char>(text[0]);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    codePoint = lead;
    return 1;
  }
  if ((lead & 0xe0U) == 0xc0U) {
    length = 2;
    min = 0x80;
    codePoint = lead & 0x1fU;
  } else if ((lead & 0xf0U) == 0xe0U) {
    length = 3;
    min = 0x800;
    codePoint = lead & 0x0fU;
  } else if ((lead & 0xf8U) == 0xf0U) {
    length = 4;
    min = 0x10000;
    codePoint = lead & 0x07U;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xc0U) != 0x80U) return 0;
    codePoint = (codePoint << 6U) | (next & 0x3fU);
  }
  if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
  return length;
}

// Characters that must not reach a terminal or a page as themselves: they move the cursor,
// ring bells, or reorder what a person reads (Trojan Source, CVE-2021-42574).
bool mustEscape(char32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c;
}

std::string escapeByte(unsigned char byte) {
  return {'\\', 'x', kHex[byte >> 4U], kHex[byte & 0x0fU]};
}

std::string escapeCodePoint(char32_t c) {
  if (c < 0x80) return escapeByte(static_cast<unsigned char>(c));
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> static_cast<unsigned>(shift)) & 0x0fU];
  return out;
}

}  // namespace

std::string sanitizeForDisplay(std::string_view text, std::size_t maxLength) {
  std::string out;
  out.reserve(std::min(text.size(), maxLength) + 4);
  while (!text.empty()) {
    char32_t codePoint = 0;
    const std::size_t length = decodeUtf8(text, codePoint);
    std::string piece;
    if (length == 0) {
      piece = escapeByte(static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
    } else {
      piece = mustEscape(codePoint) ? escapeCodePoint(codePoint) : std::string(text.substr(0, length));
      text.remove_prefix(length);
    }
    if (out.size() + piece.size() > maxLength) {
      out += "\u2026";
      return out;
    }
    out += piece;
  }
  return out;
}

std::string toLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace mxh

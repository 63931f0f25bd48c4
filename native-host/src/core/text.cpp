#include "core/text.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/limits.h"

namespace mxh {
namespace {

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

struct DecodedCharacter {
  std::size_t length = 0;  // 0: not valid UTF-8 at this position
  char32_t codePoint = 0;
};

// The UTF-8 character at the start of `text` (overlong forms, surrogates and values past
// U+10FFFF are invalid).
DecodedCharacter decodeUtf8(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return {1, lead};
  std::size_t length = 0;
  char32_t min = 0;
  char32_t codePoint = 0;
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
    return {};
  }
  if (text.size() < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xc0U) != 0x80U) return {};
    codePoint = (codePoint << 6U) | (next & 0x3fU);
  }
  if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return {};
  return {length, codePoint};
}

// Characters that must not reach a terminal or a page as themselves: they move the cursor,
// ring bells, or reorder what a person reads (Trojan Source, CVE-2021-42574).
// Invisible characters are escaped too, so what a person reads is what the bytes say, and
// the line and paragraph separators so that one line of text stays one line.
bool mustEscape(char32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xad || c == 0x061c ||
         (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c == 0xfeff;
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
  static constexpr std::string_view kEllipsis = "\u2026";
  std::string out;
  out.reserve(std::min(text.size(), maxLength));
  std::vector<std::size_t> pieceStarts;  // where each piece begins, to cut at a boundary
  while (!text.empty()) {
    const DecodedCharacter character = decodeUtf8(text);
    std::string piece;
    if (character.length == 0) {
      piece = escapeByte(static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
    } else {
      piece = mustEscape(character.codePoint) ? escapeCodePoint(character.codePoint)
                                              : std::string(text.substr(0, character.length));
      text.remove_prefix(character.length);
    }
    if (out.size() + piece.size() > maxLength) {
      // Cut whole pieces until the ellipsis fits too.
      while (!pieceStarts.empty() && out.size() + kEllipsis.size() > maxLength) {
        out.resize(pieceStarts.back());
        pieceStarts.pop_back();
      }
      if (out.size() + kEllipsis.size() <= maxLength) out += kEllipsis;
      return out;
    }
    pieceStarts.push_back(out.size());
    out += piece;
  }
  return out;
}

void UnsafeBytes::merge(const UnsafeBytes& other) {
  nul = nul || other.nul;
  escapeSequence = escapeSequence || other.escapeSequence;
  control = control || other.control;
  invalidUtf8 = invalidUtf8 || other.invalidUtf8;
  invisible = invisible || other.invisible;
}

std::vector<std::string_view> UnsafeBytes::kinds() const {
  std::vector<std::string_view> out;
  if (nul) out.emplace_back("nul");
  if (escapeSequence) out.emplace_back("escape");
  if (control) out.emplace_back("control");
  if (invalidUtf8) out.emplace_back("invalid_utf8");
  if (invisible) out.emplace_back("invisible");
  return out;
}

UnsafeBytes findUnsafeBytes(std::string_view text) {
  UnsafeBytes found;
  while (!text.empty()) {
    const DecodedCharacter character = decodeUtf8(text);
    if (character.length == 0) {
      found.invalidUtf8 = true;
      text.remove_prefix(1);
      continue;
    }
    text.remove_prefix(character.length);
    const char32_t c = character.codePoint;
    if (c == '\t' || !mustEscape(c)) continue;
    if (c == 0) {
      found.nul = true;
    } else if (c == 0x1b) {
      found.escapeSequence = true;
    } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
      found.control = true;
    } else {
      found.invisible = true;
    }
  }
  return found;
}

std::string quotedForDisplay(std::string_view text) {
  return "'" + sanitizeForDisplay(text, limits::kMaxQuotedDisplay) + "'";
}

bool startsWithIgnoreCaseAscii(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equalsIgnoreCaseAscii(text.substr(0, prefix.size()), prefix);
}

std::string displayPath(std::string_view path) {
  return sanitizeForDisplay(path, limits::kMaxPathDisplay);
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

std::string_view trimmed(std::string_view text, std::string_view characters) {
  const auto first = text.find_first_not_of(characters);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(characters) - first + 1);
}

std::string groupedNumber(std::size_t number) {
  std::string digits = std::to_string(number);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), 1, ',');
  }
  return digits;
}

std::vector<std::string_view> splitOn(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

}  // namespace mxh

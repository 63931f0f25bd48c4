// Small text helpers for hostile bytes: server and DNS text is made safe before anyone shows it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mxh {

// Printable text kept, valid UTF-8 included; control characters (C0, DEL, C1), Unicode
// direction overrides and bytes that are not valid UTF-8 become escapes ("\x1b", "\u202e").
// Invisible characters and line separators are escaped as well. The result is at most
// `maxLength` bytes: when cut, at a character boundary and ending in "…". Safe to print on a
// terminal or to put in JSON.
std::string sanitizeForDisplay(std::string_view text, std::size_t maxLength);
// A value quoted in a message: sanitized, short (limits::kMaxQuotedDisplay), in single quotes.
std::string quotedForDisplay(std::string_view text);
// A file path, or a line read from a file, inside a message (limits::kMaxPathDisplay).
std::string displayPath(std::string_view path);

// What a text holds that sanitizeForDisplay escapes, by kind: what a report says of a server
// that sent it. Tab is ordinary text (SMTP reply text allows it, RFC 5321 §4.1.1 textstring);
// valid UTF-8 is too (SMTPUTF8, RFC 6531).
struct UnsafeBytes {
  bool nul = false;             // U+0000
  bool escapeSequence = false;  // ESC: terminal escape sequences ("\x1b[31m")
  bool control = false;         // other C0 and C1 controls and DEL (CR or LF inside a line among them)
  bool invalidUtf8 = false;     // bytes that are not UTF-8
  bool invisible = false;       // direction overrides, zero-width and other invisible characters
  [[nodiscard]] bool any() const { return nul || escapeSequence || control || invalidUtf8 || invisible; }
  void merge(const UnsafeBytes& other);
  // The kinds present, by their names in the report: "nul", "escape", "control", "invalid_utf8",
  // "invisible".
  [[nodiscard]] std::vector<std::string_view> kinds() const;
};
UnsafeBytes findUnsafeBytes(std::string_view text);

std::string toLowerAscii(std::string_view text);
bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b);
bool startsWithIgnoreCaseAscii(std::string_view text, std::string_view prefix);

// `text` without the leading and trailing characters in `characters` (by default space and tab,
// the white space of mail records).
std::string_view trimmed(std::string_view text, std::string_view characters = " \t");
// A count as people read it in English: 65535 is "65,535".
std::string groupedNumber(std::size_t number);
// The parts of `text` between the `separator`s, empty ones included: "a;;b" is a, "", b.
std::vector<std::string_view> splitOn(std::string_view text, char separator);

}  // namespace mxh

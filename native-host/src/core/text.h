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

std::string toLowerAscii(std::string_view text);
bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b);
bool startsWithIgnoreCaseAscii(std::string_view text, std::string_view prefix);

// `text` without the leading and trailing characters in `characters` (by default space and tab,
// the white space of mail records).
std::string_view trimmed(std::string_view text, std::string_view characters = " \t");
// The parts of `text` between the `separator`s, empty ones included: "a;;b" is a, "", b.
std::vector<std::string_view> splitOn(std::string_view text, char separator);

}  // namespace mxh

#include "checks/policy/record_syntax.h"

#include <algorithm>

#include "core/limits.h"
#include "core/text.h"

namespace mxh::checks::record_syntax {

Error syntaxError(std::string message) {
  return Error{Errc::policy_syntax, std::move(message)};
}

std::optional<int> smallNumber(std::string_view text, int max) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), isDigit)) return std::nullopt;
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  if (value > max) return std::nullopt;
  return value;
}

std::string displayRecord(std::string_view text) {
  return sanitizeForDisplay(text, limits::kMaxRecordDisplay);
}

std::string displayName(std::string_view name) {
  return sanitizeForDisplay(name, limits::kMaxNameDisplay);
}

std::string countText(std::size_t count, std::string_view what) {
  return std::to_string(count) + " " + std::string(what) + (count == 1 ? "" : "s");
}

std::string tooLongText(std::size_t length) {
  return "the record is " + groupedNumber(length) + " bytes long, more than the " +
         groupedNumber(limits::kMaxTxtLength) +
         " that mxhealth reads; receivers bound what they read from DNS too and will not use a record this long";
}

}  // namespace mxh::checks::record_syntax

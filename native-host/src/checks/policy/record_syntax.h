// What the readers of mail policy records (SPF, DMARC, TLS-RPT, MTA-STS) share: the syntax error
// they return, the character classes of their grammars, small numbers, how a record is shown, and
// the rule that a failed lookup makes a policy's status unknown, never "none".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "checks/policy/mail_policy.h"
#include "core/error.h"
#include "core/result.h"
#include "dns/resolver.h"

namespace mxh::checks::record_syntax {

// A record or policy that breaks its grammar (Errc::policy_syntax); the message says where.
Error syntaxError(std::string message);

inline bool isWsp(char c) {
  return c == ' ' || c == '\t';
}
inline bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool isAlnum(char c) {
  return isAlpha(c) || isDigit(c);
}

// A run of 1 to 9 digits worth at most `max`.
std::optional<int> smallNumber(std::string_view text, int max);

// A record's text as the report shows it (sanitized, at most limits::kMaxRecordDisplay).
std::string displayRecord(std::string_view text);

// A host or domain name as a finding shows it (sanitized, at most limits::kMaxNameDisplay).
std::string displayName(std::string_view name);

// "1 record", "3 records".
std::string countText(std::size_t count, std::string_view what);

// A failed lookup or a bogus answer: the status is unknown; a bogus answer also gets its reason.
template <typename Report>
bool lookupFailed(const Result<dns::Answer>& answer, const Result<TxtRecords>& txt, Report& report) {
  if (answer.ok()) report.dnssec = answer->dnssec;
  if (txt.ok()) return false;
  report.status = PolicyStatus::unknown;
  report.error = txt.error().message;
  if (answer.ok() && answer->dnssec == dns::DnssecState::bogus) report.bogus = answer->whyBogus;
  return true;
}

}  // namespace mxh::checks::record_syntax

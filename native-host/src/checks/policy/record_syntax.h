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

// Why a record over limits::kMaxTxtLength is not read: "the record is 65,000 bytes long, ...".
std::string tooLongText(std::size_t length);

// The one record of its kind, or nullopt with the report's status and error saying why not: none
// (no record), multiple (`count` of them: the policy is ignored, `multipleMeans` says by whom),
// or invalid because the record is longer than mxhealth reads. Sets report.record when there
// is one record.
template <typename Report>
std::optional<std::string> theOneRecord(const TxtRecords& txt, std::string_view kind, std::string_view name,
                                        std::string_view multipleMeans, Report& report) {
  if (txt.count == 0) {
    report.status = PolicyStatus::none;
    return std::nullopt;
  }
  if (txt.count > 1) {
    report.status = PolicyStatus::multiple;
    report.error = countText(txt.count, std::string(kind) + " record") + " at " + displayName(name) + "; " +
                   std::string(multipleMeans);
    return std::nullopt;
  }
  const dns::TxtText& record = txt.records.front();
  report.record = displayRecord(record.text);
  if (!record.complete()) {
    report.status = PolicyStatus::invalid;
    report.error = tooLongText(record.length);
    return std::nullopt;
  }
  return record.text;
}

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

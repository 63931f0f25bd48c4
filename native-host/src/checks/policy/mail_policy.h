// SPF (RFC 7208), DMARC (RFC 7489) and TLS-RPT (RFC 8460): the domain's sender-authentication
// and TLS-reporting records, read and judged in summary next to the transport checks. SPF is
// parsed far enough to find its final `all` and its redirect, never evaluated.
// Thread-safety: plain functions; checkMailPolicies uses the Resolver it is given (one thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/report/report.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/result.h"
#include "dns/resolver.h"
#include "dns/wire.h"

namespace mxh::checks {

// The three TXT lookups together, within the check's own deadline.
inline constexpr std::chrono::milliseconds kMailPolicyTimeout{10000};

// ok: one valid record; none: no record (NXDOMAIN, NODATA or no TXT of that kind); multiple:
// more than one (senders then use none); invalid: one record that does not parse; unknown: the
// lookup failed (never "none" from an error).
enum class PolicyStatus { ok, none, multiple, invalid, unknown };
std::string_view policyStatusName(PolicyStatus status);

// The TXT records of one kind (SPF, DMARC, ...) in one answer, decoded, or the reason the lookup
// says nothing: an Error for a failed lookup or a DNSSEC-bogus answer. NXDOMAIN and NODATA: none.
// Every record of the answer is looked at (its size is bounded by DNS itself), so where the
// resolver puts a record among hundreds of others does not decide whether it is found.
struct TxtRecords {
  std::vector<dns::TxtText> records;  // of the kind, in answer order, at most limits::kMaxTxtRecords
  std::size_t count = 0;              // of the kind, all of them
  std::size_t malformed = 0;          // RDATA that does not decode (of no known kind)
  dns::DnssecState dnssec = dns::DnssecState::unvalidated;
};
using TxtKind = bool (*)(std::string_view text);
Result<TxtRecords> readTxtAnswer(const Result<dns::Answer>& answer, std::string_view name, TxtKind isKind);

// ---- SPF (RFC 7208) ----

struct SpfRecord {
  std::optional<std::string> all;       // the first `all`: "-all", "~all", "?all" or "+all"
  std::optional<std::string> redirect;  // the redirect= modifier's domain-spec
};

// True for a TXT record that is an SPF record: "v=spf1" (any case) then a space or the end.
bool isSpfRecord(std::string_view text);
// Parses terms far enough to judge: known mechanisms with the arguments they need, ip4/ip6
// addresses, at most one redirect= and exp=. The error says what is wrong.
Result<SpfRecord> parseSpf(std::string_view text);

struct SpfReport {
  PolicyStatus status = PolicyStatus::unknown;
  std::optional<std::string> record;  // the one SPF record (sanitized)
  std::vector<std::string> records;   // every SPF record at the domain (sanitized)
  std::optional<std::string> all;
  std::optional<std::string> redirect;  // sanitized
  std::optional<std::string> error;     // why invalid, multiple or unknown
  std::optional<std::string> bogus;     // DNSSEC validation failed (the resolver's reason)
  dns::DnssecState dnssec = dns::DnssecState::unvalidated;
};

// Pure: the SPF report for the TXT answer at the domain.
SpfReport readSpf(const Result<dns::Answer>& answer, std::string_view domain);

// ---- DMARC (RFC 7489) ----

struct DmarcRecord {
  std::string policy;                          // p=: none, quarantine or reject (lower case)
  std::optional<std::string> subdomainPolicy;  // sp=
  std::optional<int> pct;                      // pct= as given (0..100); absent means 100
  std::vector<std::string> rua;                // as given, trimmed
};

// True for a TXT record that claims to be DMARC: it starts with "v" "=" "DMARC1" (spaces
// allowed around "="). Such a record that does not parse is reported invalid rather than
// dropped, so a typo does not look like a missing record.
bool isDmarcRecord(std::string_view text);
Result<DmarcRecord> parseDmarc(std::string_view text);

struct DmarcReport {
  PolicyStatus status = PolicyStatus::unknown;
  std::optional<std::string> record;  // sanitized
  std::optional<std::string> policy;
  std::optional<std::string> subdomainPolicy;
  std::optional<int> pct;
  std::vector<std::string> rua;  // sanitized, at most limits::kMaxReportUris
  std::optional<std::string> error;
  std::optional<std::string> bogus;
  dns::DnssecState dnssec = dns::DnssecState::unvalidated;
};

// Pure: the DMARC report for the TXT answer at _dmarc.<domain>. Only that name is asked: the
// fallback to the organizational domain's record (RFC 7489 §6.6.3) is not done, so a subdomain
// covered by its parent's record reads as none.
DmarcReport readDmarc(const Result<dns::Answer>& answer, std::string_view domain);

// ---- TLS-RPT (RFC 8460) ----

struct TlsRptRecord {
  std::vector<std::string> rua;  // mailto: and https: URIs
};

// True for a TXT record that starts with "v=TLSRPTv1" (RFC 8460 §3: case-sensitive).
bool isTlsRptRecord(std::string_view text);
Result<TlsRptRecord> parseTlsRpt(std::string_view text);

struct TlsRptReport {
  PolicyStatus status = PolicyStatus::unknown;
  std::optional<std::string> record;  // sanitized
  std::vector<std::string> rua;       // sanitized, at most limits::kMaxReportUris
  std::optional<std::string> error;
  std::optional<std::string> bogus;
  dns::DnssecState dnssec = dns::DnssecState::unvalidated;
};

// Pure: the TLS-RPT report for the TXT answer at _smtp._tls.<domain>.
TlsRptReport readTlsRpt(const Result<dns::Answer>& answer, std::string_view domain);

// ---- together ----

struct MailPolicyReport {
  SpfReport spf;
  DmarcReport dmarc;
  TlsRptReport tlsRpt;
};

// The TXT records at <domain>, _dmarc.<domain> and _smtp._tls.<domain>, asked at once.
MailPolicyReport checkMailPolicies(dns::Resolver& resolver, const std::string& domain, Deadline deadline,
                                   const CancelToken& cancel);

// spf.none, spf.multiple, spf.invalid, spf.pass_all, spf.neutral_all, spf.softfail_all, spf.no_all,
// dmarc.none, dmarc.multiple, dmarc.invalid, dmarc.policy_none, tls_rpt.invalid, and dnssec.bogus
// for a record set that fails validation. Unknown statuses and a missing TLS-RPT record make none.
std::vector<Finding> spfFindings(const std::string& domain, const SpfReport& report);
std::vector<Finding> dmarcFindings(const std::string& domain, const DmarcReport& report);
std::vector<Finding> tlsRptFindings(const std::string& domain, const TlsRptReport& report);
std::vector<Finding> mailPolicyFindings(const std::string& domain, const MailPolicyReport& report);

// The report's "spf", "dmarc" and "tls_rpt" members (docs/report.md).
nlohmann::ordered_json toJson(const SpfReport& report);
nlohmann::ordered_json toJson(const DmarcReport& report);
nlohmann::ordered_json toJson(const TlsRptReport& report);

}  // namespace mxh::checks

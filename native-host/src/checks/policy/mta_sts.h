// MTA-STS (RFC 8461): the _mta-sts TXT record, the policy fetched over HTTPS from
// mta-sts.<domain> (certificate validated, no redirects, size and time capped), the MX patterns
// and, with the port-25 probe results, whether senders that enforce the policy can deliver.
// Thread-safety: plain functions; fetchMtaSts uses the Resolver it is given (one thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/options/contact_policy.h"
#include "checks/report/report.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/result.h"
#include "dns/resolver.h"
#include "dns/wire.h"

namespace mxh::checks {

// The whole policy fetch (address lookup, connect, TLS, HTTP), within the check's own deadline.
// RFC 8461 §3.3 allows senders up to a minute; a check needs an answer sooner.
inline constexpr std::chrono::milliseconds kMtaStsFetchTimeout{10000};
// Where the policy is, on the host mta-sts.<domain> (RFC 8461 §3.2).
inline constexpr std::string_view kMtaStsWellKnownPath = "/.well-known/mta-sts.txt";

enum class StsMode { enforce, testing, none };
std::string_view stsModeName(StsMode mode);

// ---- pure parsers ----

struct StsTxtRecord {
  std::string id;  // 1*32 letters and digits
};
// True for a TXT record that begins "v=STSv1" (RFC 8461 §3.1: other records are ignored).
bool isStsTxtRecord(std::string_view text);
// "v=STSv1; id=...;" with optional extensions; the error says what is wrong.
Result<StsTxtRecord> parseStsTxt(std::string_view text);

struct StsPolicy {
  StsMode mode = StsMode::none;
  std::vector<std::string> mx;  // patterns, lower case: "mx1.example.com", "*.example.net"
  std::uint32_t maxAge = 0;
};
// RFC 8461 §3.2: "key: value" lines ended by LF or CRLF; version STSv1, mode and max_age
// required (the first of each counts), mx required unless mode is none; unknown keys ignored.
Result<StsPolicy> parseStsPolicy(std::string_view body);

// RFC 8461 §4.1: a pattern is a host name, or "*." and a name where "*" stands for exactly one
// label. Case-insensitive; a trailing dot on the host is ignored.
bool mxPatternMatches(std::string_view pattern, std::string_view host);
std::optional<std::string> matchingPattern(const std::vector<std::string>& patterns, std::string_view host);

// ---- the fetch (network) ----

enum class PolicyFetchOutcome {
  fetched,          // HTTP 200 with a body (not yet parsed)
  no_host,          // mta-sts.<domain> has no address (NXDOMAIN or NODATA)
  lookup_failed,    // the address lookup failed (timeout, SERVFAIL, bogus)
  not_found,        // HTTP 404 or 410: no policy there
  unreachable,      // connection failed (refused, timeout, unreachable, reset, not HTTP)
  bad_certificate,  // the certificate is not valid for mta-sts.<domain>
  http_error,       // another status: a redirect (never followed), 5xx, ...
  too_large,        // the body is over limits::kMaxPolicyBytes
  cancelled,
};
std::string_view policyFetchOutcomeName(PolicyFetchOutcome outcome);

// What fetchMtaSts learned, unjudged; evaluateMtaSts judges it.
struct MtaStsFetch {
  std::string domain;
  // _mta-sts.<domain> TXT
  std::optional<std::string> txtError;   // the lookup failed: nothing is known about the TXT
  std::optional<std::string> txtBogus;   // the answer failed DNSSEC validation (why)
  std::vector<dns::TxtText> txtRecords;  // the records that begin "v=STSv1" (raw text, first 64)
  // https://mta-sts.<domain>/.well-known/mta-sts.txt
  std::string policyUrl;
  PolicyFetchOutcome policyOutcome = PolicyFetchOutcome::lookup_failed;
  std::optional<std::string> policyError;    // why it was not fetched (sanitized)
  std::optional<std::string> policyBody;     // the body of a 200 answer (at most limits::kMaxPolicyBytes)
  std::optional<std::string> contentType;    // of that answer
  std::optional<std::string> policyAddress;  // the address the policy came from (or the last tried)
};

// The TXT record, then the policy host's addresses (through `resolver`, not the system's), then
// the HTTPS fetch from each address in turn until one answers. `caFile` adds trust anchors.
// `contact` decides which of the policy host's addresses may be contacted, as for the MX hosts;
// the others are reported, never contacted.
MtaStsFetch fetchMtaSts(dns::Resolver& resolver, const std::string& domain, const std::optional<std::string>& caFile,
                        const ContactPolicy& contact, Deadline deadline, const CancelToken& cancel);

// ---- evaluation (pure) ----

// One MX host's port-25 certificate, as the probes saw it. nullopt: no TLS handshake on port 25
// (not probed, connection failed, no STARTTLS): nothing is known. With several addresses, false
// if any address failed.
struct MxCertificateFacts {
  std::string mxHost;
  std::optional<bool> chainVerified;  // the chain verifies against the trust store (and --ca-file)
  std::optional<bool> hostnameMatch;  // the certificate is valid for mxHost
};

enum class MtaStsStatus {
  ok,               // TXT and a valid policy; every MX covered (certificate results are per MX)
  none,             // no TXT and no policy: the domain does not use MTA-STS
  txt_only,         // TXT but no policy (no policy host, or 404)
  policy_only,      // a valid policy but no TXT: senders never fetch it
  unreachable,      // TXT, but the policy host does not answer (connection, HTTP status, redirect)
  bad_certificate,  // TXT, but the policy host's certificate is not valid for its name
  invalid,          // the TXT or the policy does not parse (or several TXT records)
  mx_not_covered,   // a valid policy (enforce or testing) that does not list every MX host
  unknown,          // a lookup failed: nothing can be said
};
std::string_view mtaStsStatusName(MtaStsStatus status);

struct MtaStsTxtReport {
  std::string record;  // sanitized; with several records, the first
  std::optional<std::string> id;
  bool valid = false;
  std::optional<std::string> error;
};

struct MtaStsPolicyReport {
  std::string url;
  bool fetched = false;  // an HTTP 200 body was received
  std::optional<StsMode> mode;
  std::vector<std::string> mx;  // sanitized
  std::optional<std::uint32_t> maxAge;
  std::optional<std::string> error;  // why it was not fetched, or why it does not parse
  std::optional<std::string> text;   // the body, sanitized and capped
};

struct MxCoverage {
  std::string host;
  std::optional<std::string> pattern;  // the first pattern that matches
  bool covered = false;
  std::optional<bool> certificateOk;  // chain verified and name matches; nullopt: not known
};

struct MtaStsReport {
  MtaStsStatus status = MtaStsStatus::unknown;
  std::optional<MtaStsTxtReport> txt;        // null when there is no v=STSv1 TXT record
  std::optional<MtaStsPolicyReport> policy;  // null when the status is none
  std::vector<MxCoverage> mxCoverage;        // every MX host, when a policy was parsed
  std::optional<std::string> error;          // a short reason for a status that is not ok
  std::optional<std::string> bogus;          // the TXT answer failed DNSSEC validation (why)
};

MtaStsReport evaluateMtaSts(const MtaStsFetch& fetch, const std::vector<MxCertificateFacts>& mxHosts);

// mta_sts.txt_without_policy, policy_without_txt, unreachable, bad_certificate, invalid (errors
// but policy_without_txt: warning), mx_not_covered and cert_invalid (errors in enforce mode,
// warnings in testing), testing and none_mode (info), dnssec.bogus. None for ok, none, unknown.
std::vector<Finding> mtaStsFindings(const std::string& domain, const MtaStsReport& report);

// The report's "mta_sts" member (docs/report.md).
nlohmann::ordered_json toJson(const MtaStsReport& report);

}  // namespace mxh::checks

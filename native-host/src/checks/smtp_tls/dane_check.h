// DANE for the MX hosts (RFC 7672): the TLSA lookups at _25._tcp.<host> (run before the SMTP
// probes, which need the records at the port-25 handshake), then the verdict per host once the
// probes have checked the chains, its findings and its JSON (docs/report.md, mx_records[].dane).
// Thread-safety: lookupTlsa uses the caller's Resolver (one thread); the rest are pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/report/report.h"
#include "checks/smtp_tls/smtp_probing.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/result.h"
#include "dns/resolver.h"
#include "smtp/probe.h"
#include "tls/dane.h"

namespace mxh::checks {

// What DNS said about the TLSA records of the MX hosts.
struct DaneLookup {
  struct Host {
    std::string host;                        // the MX host name (the TLSA base domain)
    std::string owner;                       // "_25._tcp.<host>"
    std::optional<Error> error;              // the lookup failed (timeout, SERVFAIL, …): unknown
    bool present = false;                    // TLSA records exist (false: NXDOMAIN or NODATA)
    std::optional<dns::DnssecState> dnssec;  // of the answer, denials included; nullopt when not answered
    std::string whyBogus;                    // when bogus
    std::vector<tls::TlsaRecord> records;    // decoded, at most limits::kMaxTlsaRecords
    std::size_t malformed = 0;               // RDATA that could not be decoded
  };
  std::map<std::string, Host> hosts;  // by MX host name
  std::vector<DnssecEntry> dnssec;    // one "TLSA" entry per answered query, for report.dnssec
};

// All _25._tcp.<host> TLSA queries at once. Hosts that cannot have TLSA records (an address
// written as the MX target, the root ".") are recorded as having none, without a query.
DaneLookup lookupTlsa(dns::Resolver& resolver, const std::vector<std::string>& mxHosts, Deadline deadline,
                      const CancelToken& cancel);

// The facts for one host from the answer to its TLSA query (the pure half of lookupTlsa).
DaneLookup::Host tlsaHostFacts(const std::string& host, const Result<dns::Answer>& answer);

// The records the port-25 probes check (probeMxHosts' `tlsa`): of DNSSEC-secure RRsets only,
// and only the records usable for SMTP (tls::usableForSmtp). Hosts with none are left out.
TlsaByHost usableSecureTlsa(const DaneLookup& lookup);

enum class DaneStatus {
  none,         // no TLSA records at _25._tcp.<host>
  insecure,     // TLSA records, but not DNSSEC-signed: senders ignore them
  unusable,     // signed TLSA records, none usable for SMTP (PKIX usages 0/1, bad parameters)
  match,        // every port-25 chain that was checked matched a usable record
  mismatch,     // the port-25 chain of at least one address matched none
  not_checked,  // signed usable records, but no port-25 TLS handshake completed
  unknown,      // the lookup failed, or failed DNSSEC validation, or DNSSEC was not validated
};
std::string_view daneStatusName(DaneStatus status);

struct TlsaEntry {
  tls::TlsaRecord record;
  bool usable = false;
};

struct DaneReport {
  std::string host;
  DaneStatus status = DaneStatus::none;
  std::vector<TlsaEntry> tlsa;
  std::optional<dns::DnssecState> dnssec;
  std::optional<tls::TlsaRecord> matched;      // a record that matched (status match)
  std::optional<std::string> error;            // what went wrong, in plain words
  std::vector<std::string> mismatchAddresses;  // addresses whose port-25 chain failed DANE
};

// The verdict for one host. `probesOfHost`: that host's probes (probeMxHosts' list for it); only
// the port-25 ones that carry a DANE outcome count.
DaneReport evaluateDane(const DaneLookup::Host& host, const std::vector<smtp::ProbeResult>& probesOfHost);

// dane.insecure (warning), dane.mismatch (error), dane.unusable (warning), dane.unknown (info),
// and dnssec.bogus (error) for TLSA records that fail validation. A match is no finding.
std::vector<Finding> daneFindings(const DaneReport& report);

// mx_records[].dane: {"status", "tlsa": [...], "dnssec", "matched", "error"}.
nlohmann::ordered_json toJson(const DaneReport& report);

// smtp_probes[].dane: null, or {"verified": bool, "matched": {...} | null, "error": null | "text"}.
nlohmann::ordered_json daneOutcomeToJson(const std::optional<tls::DaneOutcome>& outcome);

}  // namespace mxh::checks

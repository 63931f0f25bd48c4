// Reverse DNS of the MX addresses: the PTR names of each address, whether a name resolves back
// to the address (forward-confirmed) and whether it is the MX host name. Receivers judge a
// sending server by its reverse DNS, so this matters for the mail the MX host itself sends.
// Thread-safety: plain functions; checkReverseDns uses the Resolver it is given (one thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
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
#include "dns/ip_address.h"
#include "dns/resolver.h"

namespace mxh::checks {

// Each of the two rounds (PTR, then the PTR names' addresses), within the check's own deadline.
inline constexpr std::chrono::milliseconds kReverseDnsTimeout{10000};

enum class PtrStatus {
  ok,           // a PTR name resolves back to the address and is the MX host name (or its CNAME target)
  mismatch,     // a PTR name resolves back, but it is another name than the MX host
  unconfirmed,  // PTR names exist, but none resolves back to the address
  none,         // no PTR record (NXDOMAIN or NODATA)
  unknown,      // a lookup failed: nothing can be said
};
std::string_view ptrStatusName(PtrStatus status);

// One address to look up, and the MX host it belongs to.
struct PtrTarget {
  dns::IpAddress ip;
  std::string mxHost;                  // lower case, no trailing dot
  std::optional<std::string> mxCname;  // the canonical name, when the MX host is an alias
};

struct PtrReport {
  PtrStatus status = PtrStatus::unknown;
  std::vector<std::string> names;        // sanitized, lower case, at most limits::kMaxPtrNamesPerAddress
  std::optional<bool> forwardConfirmed;  // null when there are no names or the lookups failed
  std::optional<bool> matchesMx;         // a PTR name is the MX host name (or its CNAME target)
  std::optional<std::string> error;      // why the status is unknown
  dns::DnssecState dnssec = dns::DnssecState::unvalidated;  // of the PTR answer
};

// Round 1, pure: the PTR answer read into names (status none or unknown when there are none).
// `acceptedNames` are the MX host names this address stands for: they go first when names are
// capped. The status of a report with names is settled by confirmPtr.
PtrReport readPtrAnswer(const Result<dns::Answer>& answer, const std::vector<std::string>& acceptedNames);

// Round 2, pure: `forward[i]` is the A (IPv4) or AAAA (IPv6) answer for report.names[i], or
// nullopt when that name was not looked up (not a host name, or over the cap).
void confirmPtr(PtrReport& report, const dns::IpAddress& address, const std::vector<std::string>& acceptedNames,
                const std::vector<std::optional<Result<dns::Answer>>>& forward);

// Every target's reverse DNS: all PTR queries at once, then the forward lookups of all PTR
// names at once. Keyed by the address text (IpAddress::toString); an address shared by several
// MX hosts matches any of them.
std::map<std::string, PtrReport> checkReverseDns(dns::Resolver& resolver, const std::vector<PtrTarget>& targets,
                                                 Deadline deadline, const CancelToken& cancel);

// ptr.none, ptr.unconfirmed, ptr.mismatch (warnings) and ptr.unknown (info); none when ok.
std::vector<Finding> ptrFindings(const std::string& mxHost, const std::string& ip, const PtrReport& report);

// {"status", "names", "forward_confirmed", "matches_mx", "error", "dnssec"} (docs/report.md).
nlohmann::ordered_json toJson(const PtrReport& report);

}  // namespace mxh::checks

// The DNS half of an MX check: asks the questions (MX, then A/AAAA of every MX host, all at once)
// and records the answers as facts. No judgement here: findings.h turns facts into findings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checks/report/report.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "core/error.h"
#include "dns/domain_name.h"
#include "dns/ip_address.h"
#include "dns/resolver.h"

namespace mxh::checks {

struct MxEntry {
  std::uint16_t priority = 0;
  std::string host;  // lower case, no trailing dot; "." for the root (Null MX)
  bool implicit = false;
};

struct HostFacts {
  std::string host;
  bool ipLiteral = false;                 // the MX target is written as an address: never looked up
  bool validName = true;                  // LDH host name syntax (RFC 1123)
  std::optional<std::string> cname;       // the canonical name, when the host is an alias
  std::vector<dns::IpAddress> addresses;  // usable addresses: IPv4 first, then IPv6, each sorted
  std::optional<std::string> failure;     // why there is no usable address (when there is none)
  // The resolver gave no answer: for the whole host when it has no address, or for one
  // address family while the other answered.
  std::vector<Error> lookupErrors;
  std::optional<std::string> bogus;  // why its address records failed DNSSEC validation (then unusable)

  // No address, and only because the lookup itself failed: nothing is known about the host.
  [[nodiscard]] bool unknown() const { return addresses.empty() && !lookupErrors.empty() && !bogus; }
};

struct MxFacts {
  std::optional<Error> lookupError;  // the MX question could not be answered: could not check
  bool nxdomain = false;
  std::optional<std::string> mxBogus;  // why the MX RRset failed DNSSEC validation
  std::vector<MxEntry> records;        // sorted by priority, then host; at most kMaxMxRecords
  std::size_t recordsPublished = 0;    // before the cap
  std::size_t recordsMalformed = 0;    // MX RDATA that could not be decoded
  bool implicitMx = false;
  bool nullMx = false;                     // a lone "." (RFC 7505)
  bool nullMixed = false;                  // "." among other records
  std::map<std::string, HostFacts> hosts;  // by host name, each looked up once
  std::vector<DnssecEntry> dnssec;
};

MxFacts lookupMx(dns::Resolver& resolver, const dns::DomainName& domain, Deadline deadline, const CancelToken& cancel);

}  // namespace mxh::checks

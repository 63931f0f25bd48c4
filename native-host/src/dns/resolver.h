// DNS lookups through libunbound: many queries at once, each bounded by a deadline and a cancel
// token. Answers keep apart "could not ask" (timeout, SERVFAIL, REFUSED: an Error), NXDOMAIN,
// NODATA and data, each with its DNSSEC state and TTL.
// Thread-safety: one Resolver belongs to one thread at a time (one per check).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/cancel.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/result.h"

namespace mxh::dns {

enum class RrType : std::uint16_t {
  A = 1,
  NS = 2,
  CNAME = 5,
  SOA = 6,
  PTR = 12,
  MX = 15,
  TXT = 16,
  AAAA = 28,
  DS = 43,
  DNSKEY = 48,
  TLSA = 52,
};
std::string_view rrTypeName(RrType type);

enum class DnssecState {
  secure,       // validated: signatures check out up to a trust anchor
  insecure,     // validated as unsigned (no DS at a delegation): nothing to check
  bogus,        // validation failed: validating resolvers refuse this data
  unvalidated,  // we did not validate (no trust anchor, or the resolver strips DNSSEC)
};
std::string_view dnssecStateName(DnssecState state);

enum class Outcome { data, nodata, nxdomain };

struct Query {
  std::string name;  // presentation form, no trailing dot needed
  RrType type;
};

struct Answer {
  Outcome outcome = Outcome::nodata;
  std::vector<std::vector<std::uint8_t>> rdata;  // one entry per record, uncompressed wire format
  std::string canonicalName;                     // final name after CNAMEs (lower case, no dot)
  std::uint32_t ttl = 0;
  DnssecState dnssec = DnssecState::unvalidated;
  std::string whyBogus;  // sanitized; empty unless bogus

  // True when the resolver followed a CNAME from `queriedName`.
  [[nodiscard]] bool followedCname(std::string_view queriedName) const;
};

struct ResolverConfig {
  // "ADDR" or "ADDR@PORT", IPv4 or IPv6. Empty: the system's resolvers from resolvConfPath.
  std::vector<std::string> forwarders;
  std::string resolvConfPath = "/etc/resolv.conf";
  // A file of DS or DNSKEY records. nullopt: the system's root key, where one is installed.
  std::optional<std::string> trustAnchorFile;
  bool validate = true;
  std::chrono::milliseconds queryTimeout = limits::kDnsQueryTimeout;
};

// How the resolver was set up, for the report.
struct ResolverInfo {
  std::string mode;                  // "system" or "forward"
  std::vector<std::string> servers;  // as given: "127.0.0.1", "::1@5353"
  bool dnssecValidation = false;
  std::optional<std::string> trustAnchor;  // the file in use
  bool systemTrustAnchor = false;          // the anchor is the system's root key (not chosen)
  std::vector<std::string> anchorZones;    // the zones the anchor is for ("." for the root key)
};

class Resolver {
 public:
  static Result<Resolver> create(const ResolverConfig& config);
  Resolver(Resolver&&) noexcept;
  Resolver& operator=(Resolver&&) noexcept;
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  ~Resolver();

  // Runs every query at once; result i answers query i. A query unanswered by the deadline
  // (or by the per-query timeout) is dns.timeout; after `cancel`, request.cancelled.
  std::vector<Result<Answer>> resolveAll(std::span<const Query> queries, Deadline deadline, const CancelToken& cancel);
  Result<Answer> resolve(const Query& query, Deadline deadline, const CancelToken& cancel);

  [[nodiscard]] const ResolverInfo& info() const;

 private:
  struct Impl;
  explicit Resolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A resolver address ("ADDR" or "ADDR@PORT") checked and put in libunbound's form; the error
// (dns.config) says what is wrong.
Result<std::string> parseForwarder(std::string_view text);

// The nameserver addresses of a resolv.conf, in order.
std::vector<std::string> nameserversFromResolvConf(std::string_view text);

}  // namespace mxh::dns

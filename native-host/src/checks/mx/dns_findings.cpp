#include "checks/mx/dns_findings.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/limits.h"

namespace mxh::checks {
namespace {

using dns::IpAddress;

std::string joinedAddresses(const std::vector<IpAddress>& addresses) {
  std::string out;
  for (const IpAddress& address : addresses) out += (out.empty() ? "" : ", ") + address.toString();
  return out;
}

// Findings about one MX host.
void evaluateHost(const HostFacts& host, int timesListed, std::vector<Finding>& out) {
  const std::string& name = host.host;
  if (host.ipLiteral) {
    out.push_back(makeFinding(
        "mx.ip_literal", Severity::error,
        "An MX record points to " + name + ", an IP address; an MX must name a host, and senders cannot deliver to it.",
        {name}, "RFC 5321 §5.1"));
    return;
  }
  if (timesListed > 1) {
    out.push_back(makeFinding("mx.duplicate_host", Severity::warning,
                              "The MX host " + name + " is listed " + std::to_string(timesListed) +
                                  " times; the extra records add no redundancy.",
                              {name}));
  }
  if (!host.validName) {
    out.push_back(makeFinding("mx.invalid_name", Severity::warning,
                              "The MX host name " + name +
                                  " is not a valid host name (only letters, digits and hyphens are allowed); "
                                  "many senders refuse it.",
                              {name}, "RFC 1123 §2.1"));
  }
  if (host.cname) {
    out.push_back(makeFinding("mx.cname", Severity::warning,
                              "The MX host " + name + " is an alias (CNAME) for " + *host.cname +
                                  "; an MX must point to the real host name, and some senders refuse aliases.",
                              {name}, "RFC 2181 §10.3"));
  }
  if (host.bogus) {
    out.push_back(makeFinding("dnssec.bogus", Severity::error,
                              "The address records of MX host " + name + " fail DNSSEC validation (" + *host.bogus +
                                  "); senders that validate DNSSEC cannot reach it, and mxhealth does not use them.",
                              {name}, "RFC 4035 §4.3"));
    return;
  }
  if (host.unknown()) {
    out.push_back(makeFinding("mx.address_lookup_failed", Severity::warning,
                              "The addresses of MX host " + name + " could not be looked up (" +
                                  host.lookupErrors.front().message + "), so it was not checked.",
                              {name}));
    return;
  }
  if (host.addresses.empty()) {
    out.push_back(makeFinding("mx.unresolvable", Severity::error,
                              "The MX host " + name + " has no address: " + host.failure.value_or("unknown reason") +
                                  ". Mail cannot be delivered to it.",
                              {name}, "RFC 5321 §5.1"));
    return;
  }
  for (const Error& error : host.lookupErrors) {
    out.push_back(makeFinding("mx.address_lookup_failed", Severity::warning,
                              "Part of the address lookup for MX host " + name + " failed (" + error.message +
                                  "); it may have addresses that were not seen.",
                              {name}));
  }
}

// One finding for every non-public address of every MX host: the same fact, said once.
void nonPublicAddresses(const std::string& domain, const MxFacts& facts, const ContactPolicy& contact,
                        std::vector<Finding>& out) {
  std::vector<std::string> listed;
  std::optional<std::string> firstHost;
  std::optional<std::string> firstIp;
  for (const auto& [name, host] : facts.hosts) {
    for (const IpAddress& address : host.addresses) {
      const dns::AddressScope scope = dns::classifyAddress(address);
      if (scope.isPublic) continue;
      if (!firstHost) {
        firstHost = name;
        firstIp = address.toString();
      }
      listed.push_back(name + " " + address.toString() + " (" + std::string(scope.name) + ")");
    }
  }
  if (listed.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < listed.size() && i < limits::kMaxListedInMessage; ++i)
    list += (i ? ", " : "") + listed[i];
  if (listed.size() > limits::kMaxListedInMessage) {
    list += " and " + std::to_string(listed.size() - limits::kMaxListedInMessage) + " more";
  }
  const std::string what =
      (listed.size() == 1 ? "An MX address of " + domain + " is"
                          : std::to_string(listed.size()) + " MX addresses of " + domain + " are") +
      " in a non-public range that senders on the internet cannot reach: " + list;
  out.push_back(contact.allowsNonPublic()
                    ? makeFinding("mx.non_public_address", Severity::info,
                                  what + ". Non-public addresses are allowed in this check's settings, so they are "
                                         "treated as a private deployment.",
                                  {firstHost, firstIp}, "RFC 6890")
                    : makeFinding("mx.non_public_address", Severity::warning,
                                  what + ". mxhealth does not contact them unless non-public addresses are allowed "
                                         "in its settings (for a private deployment).",
                                  {firstHost, firstIp}, "RFC 6890"));
}

// Findings about the MX hosts together: redundancy, reachability, IPv6.
void evaluateHostSet(const std::string& domain, const MxFacts& facts, const ContactPolicy& contact,
                     std::vector<Finding>& out) {
  std::vector<const HostFacts*> reachable;
  std::size_t unknown = 0;
  bool anyIpv6 = false;
  bool anyPublic = false;
  for (const auto& [name, host] : facts.hosts) {
    if (host.unknown()) ++unknown;
    if (host.addresses.empty()) continue;
    reachable.push_back(&host);
    for (const IpAddress& address : host.addresses) {
      anyIpv6 = anyIpv6 || address.family() == IpAddress::Family::v6;
      anyPublic = anyPublic || dns::classifyAddress(address).isPublic;
    }
  }

  if (reachable.empty()) {
    if (!facts.hosts.empty() && unknown == facts.hosts.size()) {
      out.push_back(makeFinding("dns.mx_lookup_failed", Severity::error,
                                "The addresses of the mail servers of " + domain +
                                    " could not be looked up, so nothing is known about them."));
      return;
    }
    // When some hosts could not be looked up, it is unknown whether any is reachable.
    if (!facts.hosts.empty() && unknown == 0) {
      out.push_back(makeFinding(
          "mx.no_reachable", Severity::error,
          "None of the MX hosts of " + domain + " resolves to a usable address: no one can deliver mail to it.", {},
          "RFC 5321 §5.1"));
    }
    return;
  }
  if (!contact.allowsNonPublic() && !anyPublic) {
    out.push_back(makeFinding(
        "mx.no_public_address", Severity::error,
        "No MX host of " + domain + " has a public address: mail from the internet cannot reach it.", {}, "RFC 6890"));
  }
  const bool sameAddresses =
      reachable.size() >= 2 && std::all_of(reachable.begin(), reachable.end(), [&](const HostFacts* host) {
        return host->addresses == reachable.front()->addresses;
      });
  if (sameAddresses) {
    const auto& shared = reachable.front()->addresses;
    out.push_back(makeFinding("mx.single_address", Severity::warning,
                              "All MX hosts of " + domain + " resolve to the same address" +
                                  (shared.size() > 1 ? "es (" : " (") + joinedAddresses(shared) +
                                  "): the backup MX gives no redundancy.",
                              {std::nullopt, shared.front().toString()}));
  }
  if (facts.hosts.size() == 1 && !facts.implicitMx) {
    out.push_back(makeFinding("mx.single", Severity::info,
                              domain + " has a single MX host (" + facts.hosts.begin()->first +
                                  "); while it is down, senders queue mail and retry later.",
                              {facts.hosts.begin()->first}));
  }
  nonPublicAddresses(domain, facts, contact, out);
  if (!anyIpv6) {
    out.push_back(makeFinding(
        "mx.no_ipv6", Severity::info,
        "No MX host of " + domain + " has an IPv6 address; senders on IPv6-only networks cannot reach it."));
  }
}

}  // namespace

std::vector<Finding> evaluateDns(const std::string& domain, const MxFacts& facts, const ContactPolicy& contact) {
  std::vector<Finding> out;
  if (facts.lookupError) {
    out.push_back(
        makeFinding("dns.mx_lookup_failed", Severity::error,
                    "The mail servers of " + domain + " could not be looked up: " + facts.lookupError->message + "."));
    return out;
  }
  // Validation failure first: a forged or broken answer says nothing about the domain itself.
  if (facts.mxBogus) {
    out.push_back(makeFinding("dnssec.bogus", Severity::error,
                              "The MX records of " + domain + " fail DNSSEC validation (" + *facts.mxBogus +
                                  "); senders that validate DNSSEC will not deliver mail to it.",
                              {domain}, "RFC 4035 §4.3"));
  } else if (facts.nxdomain) {
    out.push_back(makeFinding(
        "domain.nxdomain", Severity::error,
        "The domain " + domain + " does not exist (the DNS answered NXDOMAIN): no mail can be delivered to it.", {},
        "RFC 1035"));
    return out;
  }
  if (facts.recordsMalformed > 0) {
    out.push_back(makeFinding("mx.malformed", Severity::error,
                              std::to_string(facts.recordsMalformed) + " MX record" +
                                  (facts.recordsMalformed > 1 ? "s" : "") + " of " + domain +
                                  " could not be decoded; senders ignore or reject such records.",
                              {}, "RFC 1035 §3.3.9"));
  }
  if (facts.nullMx) {
    out.push_back(makeFinding("mx.null", Severity::warning,
                              domain + " publishes a Null MX: it declares that it accepts no email, so mail to it "
                                       "bounces at once. That is right only for a domain that never receives mail.",
                              {}, "RFC 7505"));
    return out;
  }
  if (facts.nullMixed) {
    out.push_back(makeFinding("mx.null_mixed", Severity::error,
                              domain +
                                  " mixes a Null MX (\".\") with other MX records; a Null MX must be the only one, "
                                  "and senders may treat the domain as accepting no mail.",
                              {}, "RFC 7505 §3"));
  }
  if (facts.implicitMx) {
    out.push_back(makeFinding("mx.implicit", Severity::warning,
                              domain + " has no MX record, so senders fall back to its address record (implicit MX). "
                                       "That works but is fragile: publish an MX record.",
                              {}, "RFC 5321 §5.1"));
  }
  if (facts.records.empty() && !facts.mxBogus && facts.recordsMalformed == 0) {
    out.push_back(makeFinding("mx.none", Severity::error,
                              domain + " has no MX record and no address, so it cannot receive email.", {},
                              "RFC 5321 §5.1"));
  }
  if (facts.recordsPublished > facts.records.size()) {
    out.push_back(makeFinding("mx.too_many", Severity::warning,
                              domain + " publishes " + std::to_string(facts.recordsPublished) +
                                  " MX records; only the first " + std::to_string(limits::kMaxMxRecords) +
                                  " (by priority) were checked."));
  }

  std::map<std::string, int> timesListed;
  for (const MxEntry& record : facts.records) ++timesListed[record.host];
  for (const auto& [name, host] : facts.hosts) evaluateHost(host, timesListed[name], out);
  evaluateHostSet(domain, facts, contact, out);

  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  return out;
}

}  // namespace mxh::checks

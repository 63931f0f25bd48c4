#include "checks/findings.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/limits.h"

namespace mxh::checks {
namespace {

using dns::IpAddress;

Finding finding(std::string code, Severity severity, std::string message, std::optional<std::string> host = {},
                std::optional<std::string> ip = {}, std::optional<std::string> reference = {}) {
  return {std::move(code), severity, std::move(message), std::move(host), std::move(ip), std::move(reference)};
}

void evaluateHosts(const std::string& domain, const MxFacts& facts, const CheckOptions& options,
                   std::vector<Finding>& out) {
  std::map<std::string, int> timesListed;
  for (const MxEntry& record : facts.records) ++timesListed[record.host];

  std::set<IpAddress> allAddresses;
  bool anyReachable = false;
  bool anyIpv6 = false;
  bool anyPublic = false;
  std::size_t distinctHosts = 0;

  for (const auto& [name, host] : facts.hosts) {
    ++distinctHosts;
    if (host.ipLiteral) {
      out.push_back(finding("mx.ip_literal", Severity::error,
                            "The MX record of " + domain + " points to " + name +
                                ", an IP address; an MX must name a host, and senders will not deliver to it.",
                            name, {}, "RFC 5321 §5.1"));
      continue;
    }
    if (timesListed[name] > 1) {
      out.push_back(finding("mx.duplicate_host", Severity::warning,
                            "The MX host " + name + " is listed " + std::to_string(timesListed[name]) +
                                " times; the extra records add no redundancy.",
                            name));
    }
    if (host.cname) {
      out.push_back(finding("mx.cname", Severity::warning,
                            "The MX host " + name + " is an alias (CNAME) for " + *host.cname +
                                "; an MX must point to the real host name, and some senders refuse aliases.",
                            name, {}, "RFC 2181 §10.3"));
    }
    if (host.bogus) {
      out.push_back(finding("dnssec.bogus", Severity::error,
                            "The address records of MX host " + name + " fail DNSSEC validation (" + *host.bogus +
                                "); senders that validate DNSSEC cannot reach it.",
                            name, {}, "RFC 4035 §4.3"));
    }
    if (host.addresses.empty()) {
      out.push_back(finding("mx.unresolvable", Severity::error,
                            "The MX host " + name + " has no address: " + host.failure.value_or("unknown reason") +
                                ". Mail cannot be delivered to it.",
                            name));
      continue;
    }
    for (const std::string& error : host.lookupErrors) {
      out.push_back(finding("mx.address_lookup_failed", Severity::warning,
                            "Part of the address lookup for MX host " + name + " failed: " + error + ".", name));
    }
    anyReachable = true;
    for (const IpAddress& address : host.addresses) {
      allAddresses.insert(address);
      if (address.family() == IpAddress::Family::v6) anyIpv6 = true;
      const dns::AddressScope scope = dns::classifyAddress(address);
      if (scope.isPublic) {
        anyPublic = true;
        continue;
      }
      const std::string ip = address.toString();
      const std::string what = "The MX host " + name + " resolves to " + ip + ", a " + std::string(scope.name) +
                               " address that is not reachable from the internet";
      out.push_back(options.allowPrivate
                        ? finding("mx.non_public_address", Severity::info,
                                  what + "; it is contacted because --allow-private was given.", name, ip, "RFC 6890")
                        : finding("mx.non_public_address", Severity::warning,
                                  what + "; mxhealth does not contact it (use --allow-private to allow that).", name,
                                  ip, "RFC 6890"));
    }
  }

  if (!anyReachable) {
    if (!facts.hosts.empty()) {
      out.push_back(
          finding("mx.no_reachable", Severity::error,
                  "None of the MX hosts of " + domain + " resolves to an address: no one can deliver mail to it."));
    }
    return;
  }
  if (!options.allowPrivate && !anyPublic) {
    out.push_back(finding("mx.no_public_address", Severity::error,
                          "No MX host of " + domain + " has a public address: mail from the internet cannot reach it.",
                          {}, {}, "RFC 6890"));
  }
  if (distinctHosts >= 2 && allAddresses.size() == 1) {
    out.push_back(finding("mx.single_address", Severity::warning,
                          "All MX hosts of " + domain + " share one address (" + allAddresses.begin()->toString() +
                              "): the backup MX gives no redundancy.",
                          {}, allAddresses.begin()->toString()));
  }
  if (distinctHosts == 1 && !facts.implicitMx) {
    out.push_back(finding("mx.single", Severity::info,
                          domain + " has a single MX host (" + facts.hosts.begin()->first +
                              "); while it is down, senders queue mail and retry later.",
                          facts.hosts.begin()->first));
  }
  if (!anyIpv6) {
    out.push_back(
        finding("mx.no_ipv6", Severity::info,
                "No MX host of " + domain + " has an IPv6 address; senders on IPv6-only networks cannot reach it."));
  }
}

}  // namespace

std::vector<Finding> evaluateDns(const std::string& domain, const MxFacts& facts, const CheckOptions& options) {
  std::vector<Finding> out;
  if (facts.lookupError) {
    out.push_back(
        finding("dns.mx_lookup_failed", Severity::error,
                "The MX records of " + domain + " could not be looked up: " + facts.lookupError->message + "."));
    return out;
  }
  if (facts.nxdomain) {
    out.push_back(
        finding("domain.nxdomain", Severity::error,
                "The domain " + domain + " does not exist (the DNS answered NXDOMAIN): no mail can be delivered to it.",
                {}, {}, "RFC 1035"));
    return out;
  }
  if (facts.mxBogus) {
    out.push_back(finding("dnssec.bogus", Severity::error,
                          "The MX records of " + domain + " fail DNSSEC validation (" + *facts.mxBogus +
                              "); senders that validate DNSSEC will not deliver mail to it.",
                          domain, {}, "RFC 4035 §4.3"));
  }
  if (facts.nullMx) {
    out.push_back(finding("mx.null", Severity::warning,
                          domain + " publishes a Null MX: it declares that it accepts no email, so mail to it "
                                   "bounces at once. That is right only for a domain that never receives mail.",
                          {}, {}, "RFC 7505"));
    return out;
  }
  if (facts.nullMixed) {
    out.push_back(finding("mx.null_mixed", Severity::error,
                          domain + " mixes a Null MX (\".\") with other MX records; a Null MX must be the only one, "
                                   "and senders may treat the domain as accepting no mail.",
                          {}, {}, "RFC 7505 §3"));
  }
  if (facts.implicitMx) {
    out.push_back(finding("mx.implicit", Severity::warning,
                          domain + " has no MX record, so senders fall back to its address record (implicit MX). "
                                   "That works but is fragile: publish an MX record.",
                          {}, {}, "RFC 5321 §5.1"));
  }
  if (facts.records.empty() && !facts.mxBogus) {
    out.push_back(finding("mx.none", Severity::error,
                          domain + " has no MX record and no address, so it cannot receive email.", {}, {},
                          "RFC 5321 §5.1"));
  }
  if (facts.recordsPublished > facts.records.size()) {
    out.push_back(finding("mx.too_many", Severity::warning,
                          domain + " publishes " + std::to_string(facts.recordsPublished) +
                              " MX records; only the first " + std::to_string(limits::kMaxMxRecords) +
                              " (by priority) were checked."));
  }
  evaluateHosts(domain, facts, options, out);
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  return out;
}

}  // namespace mxh::checks

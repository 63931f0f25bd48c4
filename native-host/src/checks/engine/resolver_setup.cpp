#include "checks/engine/resolver_setup.h"

#include "checks/options/option_files.h"

namespace mxh::checks {

Result<ResolverSetup> setUpResolver(const CheckOptions& options, Deadline deadline, const CancelToken& cancel) {
  auto validating = dns::Resolver::create(resolverConfig(options, true));
  if (!validating) return validating.error();
  ResolverSetup setup;
  const dns::ResolverInfo& info = validating->info();
  if (!info.dnssecValidation) {
    setup.note =
        "DNSSEC was not validated: no trust anchor was found (install dns-root-data or choose a trust "
        "anchor file)";
  }
  if (!info.dnssecValidation || info.anchorZones.empty()) {
    setup.validating = info.dnssecValidation;
    setup.resolver.emplace(std::move(validating).value());
    return setup;
  }
  const std::string anchorZone = info.anchorZones.front();
  const auto key = validating->resolve({anchorZone, dns::RrType::DNSKEY}, deadline, cancel);
  if (key && key->dnssec == dns::DnssecState::secure) {
    setup.resolver.emplace(std::move(validating).value());
    return setup;
  }
  if (!key && (key.error().code == Errc::dns_timeout || key.error().code == Errc::cancelled)) {
    std::string servers;
    for (const std::string& server : info.servers) servers += (servers.empty() ? "" : ", ") + server;
    setup.unreachable = key.error().code == Errc::cancelled
                            ? key.error()
                            : Error{Errc::dns_timeout, "the DNS resolver (" + servers + ") did not answer in time"};
    setup.resolver.emplace(std::move(validating).value());
    return setup;
  }
  const bool bogus = key && key->dnssec == dns::DnssecState::bogus;
  const std::string zoneName = anchorZone == "." ? "the root zone" : "the zone " + anchorZone;
  if (!bogus && !info.systemTrustAnchor) {
    // A chosen anchor whose zone does not answer validated: keep validating, answers will say.
    setup.resolver.emplace(std::move(validating).value());
    return setup;
  }
  auto plain = dns::Resolver::create(resolverConfig(options, false));
  if (!plain) return plain.error();
  setup.resolver.emplace(std::move(plain).value());
  setup.validating = false;
  if (bogus) {
    setup.untrusted = true;
    setup.note = "DNSSEC was not validated: the key of " + zoneName + " failed validation through this resolver (" +
                 key->whyBogus + "); something between you and the zone may be rewriting DNS answers";
  } else {
    setup.note =
        "DNSSEC was not validated: the resolver did not return a validated root zone key (it strips "
        "DNSSEC data or cannot reach the root), so validating through it would fail for every domain";
  }
  return setup;
}

}  // namespace mxh::checks

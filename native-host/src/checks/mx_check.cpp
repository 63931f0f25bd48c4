#include "checks/mx_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "checks/assessment.h"
#include "checks/findings.h"
#include "checks/mx_lookup.h"
#include "checks/senders.h"
#include "checks/side_checks.h"
#include "checks/smtp_findings.h"
#include "checks/smtp_probing.h"
#include "core/text.h"
#include "dns/resolver.h"

#ifndef MXHEALTH_VERSION
#define MXHEALTH_VERSION "0.0.0"
#endif

namespace mxh::checks {
namespace {

dns::ResolverConfig resolverConfig(const CheckOptions& options, bool validate) {
  dns::ResolverConfig config;
  config.forwarders = options.resolvers;
  config.resolvConfPath = options.resolvConfPath;
  config.trustAnchorFile = options.trustAnchor;
  config.validate = validate;
  return config;
}

// Validation works only if the resolver passes DNSSEC data through; many home routers strip it,
// which would make every answer look bogus. So ask for the trust anchor zone's DNSKEY first (the
// root's, with the system key): if that does not validate, check without DNSSEC and say so.
struct ResolverSetup {
  std::optional<dns::Resolver> resolver;
  bool validating = true;  // the side thread's resolver is set up the same way
  // The anchor's own key failed validation through this resolver: something rewrites DNS, so
  // its negative answers say nothing about a domain.
  bool untrusted = false;
  std::optional<std::string> note;
  std::optional<Error> unreachable;  // the resolver did not answer at all
};

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

ResolverReport describeResolver(const dns::ResolverInfo& info, const std::optional<std::string>& note) {
  return {info.mode, info.servers, info.dnssecValidation, info.trustAnchor, note};
}

std::vector<MxRecordReport> describeRecords(const MxFacts& facts) {
  std::vector<MxRecordReport> records;
  for (const MxEntry& entry : facts.records) {
    MxRecordReport record;
    record.priority = entry.priority;
    record.host = entry.host;
    record.implicit = entry.implicit;
    if (entry.host == ".") {
      if (facts.nullMixed) record.error = "a Null MX (\".\") must be the only MX record of a domain";
      records.push_back(std::move(record));
      continue;
    }
    const auto found = facts.hosts.find(entry.host);
    if (found == facts.hosts.end()) continue;  // lookupMx records every host it lists
    const HostFacts& host = found->second;
    for (const dns::IpAddress& address : host.addresses) {
      const dns::AddressScope scope = dns::classifyAddress(address);
      record.ips.push_back(address.toString());
      record.addresses.push_back({address.toString(), address.version(), scope.isPublic,
                                  scope.isPublic ? std::nullopt : std::optional<std::string>(scope.name)});
    }
    record.reachable = !host.addresses.empty();
    if (!record.reachable) record.error = host.failure;
    record.cname = host.cname;
    records.push_back(std::move(record));
  }
  return records;
}

// When every MX host's address lookup went unanswered, nothing was learned about them.
std::optional<Error> allAddressLookupsFailed(const MxFacts& facts) {
  if (facts.hosts.empty()) return std::nullopt;
  const bool allUnknown =
      std::all_of(facts.hosts.begin(), facts.hosts.end(), [](const auto& entry) { return entry.second.unknown(); });
  if (!allUnknown) return std::nullopt;
  const Error& first = facts.hosts.begin()->second.lookupErrors.front();
  return Error{first.code, "no MX host's address could be looked up: " + first.message};
}

// The addresses whose reverse DNS and blocklist listings are asked: those a sender could use
// (public ones, or any with --allow-private), each with the MX hosts it stands for.
SideInputs sideInputs(const std::string& domain, const MxFacts& facts, const CheckOptions& options,
                      std::vector<BlocklistDef> blocklists) {
  SideInputs inputs;
  inputs.domain = domain;
  inputs.blocklists = std::move(blocklists);
  inputs.caFile = options.caFile;
  inputs.allowPrivate = options.allowPrivate;
  for (const auto& [name, host] : facts.hosts) {
    bool any = false;
    for (const dns::IpAddress& address : host.addresses) {
      if (!options.allowPrivate && !dns::classifyAddress(address).isPublic) continue;
      inputs.ptrTargets.push_back({address, name, host.cname});
      any = true;
    }
    if (any) inputs.mxHosts.push_back(name);
  }
  return inputs;
}

bool anyHostBogus(const MxFacts& facts) {
  return std::any_of(facts.hosts.begin(), facts.hosts.end(), [](const auto& entry) { return entry.second.bogus; });
}

// A bogus answer may be forged: validating senders get SERVFAIL, the others see the data. The
// data comes from an unvalidated lookup; the validated one keeps what failed and why.
MxFacts withUnvalidatedData(MxFacts validated, MxFacts unvalidated) {
  unvalidated.mxBogus = validated.mxBogus;
  unvalidated.dnssec = std::move(validated.dnssec);
  for (auto& [name, host] : unvalidated.hosts) {
    const auto found = validated.hosts.find(name);
    if (found != validated.hosts.end() && found->second.bogus) host.bogus = found->second.bogus;
  }
  return unvalidated;
}

// One dnssec.bogus finding per zone (docs/report.md): the first one found stands for the names
// of the domain's own zone, and for each other parent of an MX host.
void oneBogusFindingPerZone(const std::string& domain, std::vector<Finding>& findings) {
  std::set<std::string> zones;
  std::erase_if(findings, [&](const Finding& f) {
    if (f.code != "dnssec.bogus") return false;
    std::string zone = f.host.value_or(domain);
    if (zone == domain || zone.ends_with("." + domain)) {
      zone = domain;
    } else if (const auto dot = zone.find('.'); dot != std::string::npos) {
      zone = zone.substr(dot + 1);
    }
    return !zones.insert(zone).second;
  });
}

SenderDnsFacts senderDnsFacts(const MxFacts& facts, bool validating) {
  SenderDnsFacts dns;
  dns.validated = validating;
  dns.nxdomain = facts.nxdomain;
  dns.noMail = facts.records.empty() && !facts.mxBogus && facts.recordsMalformed == 0 && !facts.lookupError;
  dns.mxBogus = facts.mxBogus;
  for (const auto& [name, host] : facts.hosts) {
    if (host.bogus) dns.bogusHosts.emplace(name, *host.bogus);
  }
  return dns;
}

}  // namespace

std::vector<OptionProblem> checkOptionFiles(const CheckOptions& options) {
  std::vector<OptionProblem> problems;
  const auto readable = [](const std::string& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && std::ifstream(path).good();
  };
  // Checked here in words first: OpenSSL's and libunbound's own errors name no setting.
  if (options.caFile) {
    if (!readable(*options.caFile)) {
      problems.push_back({"ca_file", "The CA file " + sanitizeForDisplay(*options.caFile, 200) +
                                         " does not exist or cannot be read."});
    } else if (auto context = tls::TlsClientContext::create(options.caFile); !context) {
      problems.push_back({"ca_file", "The CA file " + sanitizeForDisplay(*options.caFile, 200) +
                                         " holds no PEM certificates that can be used."});
    }
  }
  if (options.trustAnchor) {
    if (!readable(*options.trustAnchor)) {
      problems.push_back({"trust_anchor", "The trust anchor file " + sanitizeForDisplay(*options.trustAnchor, 200) +
                                              " does not exist or cannot be read."});
    } else if (auto resolver = dns::Resolver::create(resolverConfig(options, true)); !resolver) {
      problems.push_back({"trust_anchor", "The trust anchor file " + sanitizeForDisplay(*options.trustAnchor, 200) +
                                              " is not a usable DS or DNSKEY file."});
    }
  }
  for (const std::string& server : options.resolvers) {
    if (auto parsed = dns::parseForwarder(server); !parsed) {
      problems.push_back({"resolver", "The resolver " + sanitizeForDisplay(server, 80) +
                                          " is not an IP address (optionally with @port)."});
    }
  }
  return problems;
}

std::string_view mxhealthVersion() {
  return MXHEALTH_VERSION;
}

Result<Report> runCheck(const Target& target, const CheckOptions& options, const CancelToken& cancel,
                        const CheckObserver& observer) {
  const auto started = SteadyClock::now();
  const Deadline deadline = Deadline::after(options.timeout);
  Report report;
  report.version = std::string(mxhealthVersion());
  report.input = target.input;
  report.domain = target.domain.ascii;
  report.domainUnicode = target.domain.unicode;
  report.checkedAt = utcTimestampNow();

  // 0. A bad CA file, trust anchor, resolver or blocklist choice is a mistake in the request:
  // say so, naming the option, before anything runs.
  if (const auto problems = checkOptionFiles(options); !problems.empty()) {
    const OptionProblem& first = problems.front();
    return Error{first.option == "ca_file" ? Errc::tls_config : Errc::dns_config, first.message, first.option};
  }
  auto blocklists = selectBlocklists(options.blocklists, options.blocklistsSet, options.dqsKey);
  if (!blocklists) return blocklists.error();
  std::optional<tls::TlsClientContext> tls;
  if (options.smtpProbe) {
    auto context = tls::TlsClientContext::create(options.caFile);
    if (!context) return context.error();
    tls.emplace(std::move(context).value());
  }

  // 1. The resolver.
  auto setup = setUpResolver(options, deadline, cancel);
  if (!setup) return setup.error();
  dns::Resolver& resolver = *setup->resolver;
  report.resolver = describeResolver(resolver.info(), setup->note);

  // 2. DNS: the MX records and their hosts' addresses.
  MxFacts facts;
  if (setup->unreachable) {
    facts.lookupError = setup->unreachable;
  } else {
    facts = lookupMx(resolver, target.domain, deadline, cancel);
  }
  if (setup->validating && !facts.lookupError && (facts.mxBogus || anyHostBogus(facts))) {
    if (auto plain = dns::Resolver::create(resolverConfig(options, false))) {
      MxFacts unvalidated = lookupMx(*plain, target.domain, deadline, cancel);
      if (!unvalidated.lookupError) facts = withUnvalidatedData(std::move(facts), std::move(unvalidated));
    }
  }
  // Through a resolver that fails validation at the trust anchor itself, "does not exist" may be
  // the rewriting's doing: no verdict about the domain.
  if (setup->untrusted && !facts.lookupError && (facts.nxdomain || facts.records.empty())) {
    facts.lookupError = Error{Errc::dns_untrusted,
                              "your resolver's answers fail DNSSEC validation, so its answer that " + report.domain +
                                  (facts.nxdomain ? " does not exist" : " has no mail servers") + " cannot be trusted"};
  }
  if (cancel.cancelled()) return Error{Errc::cancelled, "the check was cancelled"};
  if (observer.onDns && !facts.lookupError) {
    Report dnsStage = report;
    dnsStage.mxRecords = describeRecords(facts);
    dnsStage.count = dnsStage.mxRecords.size();
    dnsStage.nullMx = facts.nullMx;
    dnsStage.implicitMx = facts.implicitMx;
    observer.onDns(dnsStage);
  }

  // 3. DANE: the TLSA records must be known before the port-25 handshakes that check them.
  // A domain that does not exist has no policies to look up either: domain.nxdomain says it all.
  const bool sideChecks = !facts.lookupError && !facts.nxdomain;
  SideInputs inputs = sideInputs(report.domain, facts, options, std::move(blocklists).value());
  std::optional<DaneLookup> tlsa;
  if (sideChecks && !inputs.mxHosts.empty()) tlsa = lookupTlsa(resolver, inputs.mxHosts, deadline, cancel);

  // 4. Beside the probes, on a thread and resolver of their own: reverse DNS, blocklists and the
  // domain's mail policies.
  std::optional<SideReport> side;
  std::optional<dns::Resolver> sideResolver;
  std::jthread sideThread;
  const auto runSide = [&](dns::Resolver& sideDns) {
    side = runSideChecks(sideDns, inputs, deadline, cancel);
    if (observer.onSide && !cancel.cancelled()) {
      Report sideStage = report;
      sideStage.mxRecords = describeRecords(facts);
      sideStage.side = std::make_shared<const SideReport>(*side);
      observer.onSide(sideStage);
    }
  };
  if (sideChecks) {
    if (auto created = dns::Resolver::create(resolverConfig(options, setup->validating))) {
      sideResolver.emplace(std::move(created).value());
      sideThread = std::jthread([&] { runSide(*sideResolver); });
    }
  }

  // 5. SMTP: every address of every MX host that resolved, on every chosen port, in parallel.
  ProbesByHost probes;
  const bool probing = options.smtpProbe && !facts.lookupError && !facts.hosts.empty();
  if (probing) {
    probes = probeMxHosts(facts, options, *tls, deadline, cancel, observer.onProbe,
                          tlsa ? usableSecureTlsa(*tlsa) : TlsaByHost{});
  }
  if (sideThread.joinable()) {
    sideThread.join();
  } else if (sideChecks && !cancel.cancelled()) {
    runSide(resolver);  // no second resolver could be made: after the probes, then
  }
  if (cancel.cancelled()) return Error{Errc::cancelled, "the check was cancelled"};

  // 6. The MX records with their probes, and what needs both the probes and the side checks:
  // DANE (the port-25 chains against the TLSA records) and MTA-STS (the MX certificates).
  report.mxRecords = describeRecords(facts);
  for (MxRecordReport& record : report.mxRecords) {
    const auto found = probes.find(record.host);
    if (found == probes.end()) continue;
    record.smtpProbes = found->second;
    record.smtpProbe = representativeProbe(found->second);
  }
  if (side) {
    if (tlsa) {
      for (const MxRecordReport& record : report.mxRecords) {
        const auto host = tlsa->hosts.find(record.host);
        if (host != tlsa->hosts.end()) side->dane.emplace(record.host, evaluateDane(host->second, record.smtpProbes));
      }
    }
    side->mtaSts = evaluateMtaSts(side->mtaStsFetch, certificateFacts(report.mxRecords));
  }

  // 7. Findings: the facts judged one by one.
  report.findings = evaluateDns(report.domain, facts, options);
  if (probing) {
    auto smtpFindings = evaluateProbes(report.domain, probes);
    report.findings.insert(report.findings.end(), smtpFindings.begin(), smtpFindings.end());
  }
  if (side) {
    auto found = sideFindings(report.domain, report.mxRecords, *side);
    report.findings.insert(report.findings.end(), found.begin(), found.end());
  }
  oneBogusFindingPerZone(report.domain, report.findings);
  for (Finding& f : report.findings) f.dimension = dimensionOf(f.code);
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  report.error = facts.lookupError ? facts.lookupError : allAddressLookupsFailed(facts);

  // 8. The report, with the reference API's aggregates.
  report.count = report.mxRecords.size();
  report.hasValidMx = std::any_of(report.mxRecords.begin(), report.mxRecords.end(),
                                  [](const MxRecordReport& r) { return r.reachable; });
  report.allReachable = !report.mxRecords.empty() && std::all_of(report.mxRecords.begin(), report.mxRecords.end(),
                                                                 [](const MxRecordReport& r) { return r.reachable; });
  const ProbeSummary summary = summarizeProbes(probes);
  report.smtpProbeEnabled = probing;
  report.anySmtpOk = summary.anySmtpOk;
  report.allTlsOk = summary.allTlsOk;
  report.nullMx = facts.nullMx;
  report.implicitMx = facts.implicitMx;
  report.dnssec = std::move(facts.dnssec);
  if (tlsa) report.dnssec.insert(report.dnssec.end(), tlsa->dnssec.begin(), tlsa->dnssec.end());
  if (side) report.side = std::make_shared<const SideReport>(std::move(*side));

  // 9. What each kind of sender does, the assessment it implies, and the verdict.
  if (!report.error) {
    const bool port25 = std::find(options.ports.begin(), options.ports.end(), 25) != options.ports.end();
    report.senders =
        evaluateSenders(report, senderDnsFacts(facts, setup->validating && report.resolver.dnssecValidation),
                        {probing, port25, summary.port25Blocked});
  }
  AssessmentFacts assessmentFacts;
  assessmentFacts.resolverUntrusted = setup->untrusted;
  for (const auto& [host, list] : probes) {
    for (const smtp::ProbeResult& probe : list) {
      // Port 25 is where senders deliver; the submission ports say nothing about delivery.
      assessmentFacts.probed =
          assessmentFacts.probed || (probe.port == 25 && probe.status != smtp::ProbeStatus::skipped);
    }
  }
  report.assessment = assess(report, assessmentFacts);
  if (!report.error) alignSeverities(report.findings, *report.assessment);
  for (const Finding& f : report.findings) {
    if (f.severity != Severity::info) report.issues.push_back(f.message);
  }
  report.verdict = verdictFor(*report.assessment, report.error.has_value());
  report.durationMs = millisecondsSince(started);
  return report;
}

}  // namespace mxh::checks

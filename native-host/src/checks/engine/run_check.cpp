#include "checks/engine/run_check.h"

#include <algorithm>
#include <memory>
#include <set>
#include <system_error>
#include <thread>

#include "checks/engine/resolver_setup.h"
#include "checks/engine/side_checks.h"
#include "checks/mx/dns_findings.h"
#include "checks/mx/mx_lookup.h"
#include "checks/options/contact_policy.h"
#include "checks/options/option_files.h"
#include "checks/smtp_tls/smtp_findings.h"
#include "checks/smtp_tls/smtp_probing.h"
#include "checks/verdict/assessment.h"
#include "checks/verdict/senders.h"
#include "core/text.h"
#include "dns/resolver.h"
#include "tls/tls_client.h"

#ifndef MXHEALTH_VERSION
#define MXHEALTH_VERSION "0.0.0"
#endif

namespace mxh::checks {
namespace {

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

// The addresses whose reverse DNS and blocklist listings are asked: those the contact policy
// allows, each with the MX hosts it stands for.
SideInputs sideInputs(const std::string& domain, const MxFacts& facts, const CheckOptions& options,
                      const ContactPolicy& contact, std::vector<BlocklistDef> blocklists) {
  SideInputs inputs;
  inputs.domain = domain;
  inputs.blocklists = std::move(blocklists);
  inputs.caFile = options.caFile;
  inputs.contact = contact;
  for (const auto& [name, host] : facts.hosts) {
    bool any = false;
    for (const dns::IpAddress& address : host.addresses) {
      if (!contact.mayContact(address)) continue;
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

Error cancelledError() {
  return Error{Errc::cancelled, "the check was cancelled"};
}

// ---- 1. The plan: what the options ask for, checked and set up before anything is asked.

struct CheckPlan {
  std::vector<BlocklistDef> blocklists;
  std::shared_ptr<const tls::TlsClientContext> tls;  // when probing
  ContactPolicy contact{false};
  ResolverSetup dns;
};

Result<CheckPlan> planCheck(const CheckOptions& options, Deadline deadline, const CancelToken& cancel) {
  // A bad CA file, trust anchor or resolver is a mistake in the request: say so, naming the
  // option, before anything runs.
  if (const auto problems = checkOptionFiles(options); !problems.empty()) {
    const OptionProblem& first = problems.front();
    return Error{first.option == "ca_file" ? Errc::tls_config : Errc::dns_config, first.message, first.option};
  }
  CheckPlan plan;
  plan.contact = ContactPolicy::of(options);
  auto blocklists = selectBlocklists(options.blocklists, options.blocklistsSet, options.dqsKey);
  if (!blocklists) return blocklists.error();
  plan.blocklists = std::move(blocklists).value();
  if (options.smtpProbe) {
    auto context = tls::TlsClientContext::shared(options.caFile);
    if (!context) return context.error();
    plan.tls = std::move(context).value();
  }
  auto setup = setUpResolver(options, deadline, cancel);
  if (!setup) return setup.error();
  plan.dns = std::move(setup).value();
  return plan;
}

// ---- 2. DNS facts: the MX records and their hosts' addresses.

MxFacts gatherMxFacts(const Target& target, const CheckOptions& options, CheckPlan& plan, Deadline deadline,
                      const CancelToken& cancel) {
  MxFacts facts;
  if (plan.dns.unreachable) {
    facts.lookupError = plan.dns.unreachable;
    return facts;
  }
  facts = lookupMx(*plan.dns.resolver, target.domain, deadline, cancel);
  if (plan.dns.validating && !facts.lookupError && (facts.mxBogus || anyHostBogus(facts))) {
    if (auto plain = dns::Resolver::create(resolverConfig(options, false))) {
      MxFacts unvalidated = lookupMx(*plain, target.domain, deadline, cancel);
      if (!unvalidated.lookupError) facts = withUnvalidatedData(std::move(facts), std::move(unvalidated));
    }
  }
  // Through a resolver that fails validation at the trust anchor itself, "does not exist" may be
  // the rewriting's doing: no verdict about the domain.
  if (plan.dns.untrusted && !facts.lookupError && (facts.nxdomain || facts.records.empty())) {
    facts.lookupError =
        Error{Errc::dns_untrusted,
              "your resolver's answers fail DNSSEC validation, so its answer that " + target.domain.ascii +
                  (facts.nxdomain ? " does not exist" : " has no mail servers") + " cannot be trusted"};
  }
  return facts;
}

// ---- 3. Probes and side facts, in parallel.

struct GatheredFacts {
  std::optional<DaneLookup> tlsa;
  bool probing = false;
  ProbesByHost probes;
  std::optional<SideFacts> side;
};

GatheredFacts probeAndGather(const std::string& domain, const MxFacts& facts, const CheckOptions& options,
                             CheckPlan& plan, Deadline deadline, const CancelToken& cancel,
                             const CheckObserver& observer) {
  GatheredFacts gathered;
  dns::Resolver& resolver = *plan.dns.resolver;
  // DANE: the TLSA records must be known before the port-25 handshakes that check them. A domain
  // that does not exist has no policies to look up either: domain.nxdomain says it all.
  const bool sideChecks = !facts.lookupError && !facts.nxdomain;
  const SideInputs inputs = sideInputs(domain, facts, options, plan.contact, std::move(plan.blocklists));
  if (sideChecks && !inputs.mxHosts.empty()) gathered.tlsa = lookupTlsa(resolver, inputs.mxHosts, deadline, cancel);

  // Beside the probes, on a thread of their own: reverse DNS, blocklists and the domain's mail
  // policies. The thread takes the check's resolver, which this one does not touch again until
  // the join: the probes ask no DNS question (one resolver per check, not two: each libunbound
  // context costs about 1.5 MB).
  std::jthread sideThread;
  const auto runSide = [&] {
    gathered.side = runSideChecks(resolver, inputs, deadline, cancel);
    if (observer.onSide && !cancel.cancelled()) observer.onSide(SideStage{*gathered.side});
  };
  if (sideChecks) {
    try {
      sideThread = std::jthread(runSide);
    } catch (const std::system_error&) {
      // Out of threads: the side checks run after the probes instead.
    }
  }

  // SMTP: every address of every MX host that resolved, on every chosen port, in parallel.
  gathered.probing = options.smtpProbe && !facts.lookupError && !facts.hosts.empty();
  if (gathered.probing) {
    const ProbeListener onProbe = [&](const std::string& host, const smtp::ProbeResult& probe) {
      if (observer.onProbe) observer.onProbe(ProbeStage{host, probe});
    };
    gathered.probes = probeMxHosts(facts, options, plan.contact, *plan.tls, deadline, cancel, onProbe,
                                   gathered.tlsa ? usableSecureTlsa(*gathered.tlsa) : TlsaByHost{});
  }
  if (sideThread.joinable()) {
    sideThread.join();
  } else if (sideChecks && !cancel.cancelled()) {
    runSide();
  }
  return gathered;
}

// ---- 4. Evaluation: what needs the probes and the side facts together, then the findings.

struct Evaluation {
  std::vector<MxRecordReport> records;  // with their probes
  std::shared_ptr<const SideReport> side;
  std::vector<Finding> findings;
};

Evaluation evaluate(const std::string& domain, const MxFacts& facts, GatheredFacts& gathered,
                    const ContactPolicy& contact) {
  Evaluation evaluation;
  evaluation.records = describeRecords(facts);
  for (MxRecordReport& record : evaluation.records) {
    const auto found = gathered.probes.find(record.host);
    if (found == gathered.probes.end()) continue;
    record.smtpProbes = found->second;
    record.smtpProbe = representativeProbe(found->second);
  }
  if (gathered.side) {
    // DANE: the port-25 chains against the TLSA records; MTA-STS: the policy against the MX
    // certificates. The side report is built once, from the facts and these.
    std::map<std::string, DaneReport> dane;
    if (gathered.tlsa) {
      for (const MxRecordReport& record : evaluation.records) {
        const auto host = gathered.tlsa->hosts.find(record.host);
        if (host != gathered.tlsa->hosts.end())
          dane.emplace(record.host, evaluateDane(host->second, record.smtpProbes));
      }
    }
    MtaStsReport mtaSts = evaluateMtaSts(gathered.side->mtaStsFetch, certificateFacts(evaluation.records));
    evaluation.side =
        std::make_shared<const SideReport>(SideReport{std::move(*gathered.side), std::move(mtaSts), std::move(dane)});
  }

  // Findings: the facts judged one by one.
  evaluation.findings = evaluateDns(domain, facts, contact);
  if (gathered.probing) {
    auto smtpFindings = evaluateProbes(domain, gathered.probes);
    evaluation.findings.insert(evaluation.findings.end(), smtpFindings.begin(), smtpFindings.end());
  }
  if (evaluation.side) {
    auto found = sideFindings(domain, evaluation.records, *evaluation.side);
    evaluation.findings.insert(evaluation.findings.end(), found.begin(), found.end());
  }
  oneBogusFindingPerZone(domain, evaluation.findings);
  for (Finding& f : evaluation.findings) f.dimension = dimensionOf(f.code);
  std::stable_sort(evaluation.findings.begin(), evaluation.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  return evaluation;
}

}  // namespace

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

  auto plan = planCheck(options, deadline, cancel);
  if (!plan) return plan.error();
  report.resolver = describeResolver(plan->dns.resolver->info(), plan->dns.note);

  MxFacts facts = gatherMxFacts(target, options, *plan, deadline, cancel);
  if (cancel.cancelled()) return cancelledError();
  if (observer.onDns && !facts.lookupError) {
    const std::vector<MxRecordReport> records = describeRecords(facts);
    observer.onDns(DnsStage{report.domain, facts.nullMx, facts.implicitMx, records, options.ports, options.smtpProbe});
  }

  GatheredFacts gathered = probeAndGather(report.domain, facts, options, *plan, deadline, cancel, observer);
  if (cancel.cancelled()) return cancelledError();

  Evaluation evaluation = evaluate(report.domain, facts, gathered, plan->contact);

  // ---- 5. The report, with the reference API's aggregates.
  report.mxRecords = std::move(evaluation.records);
  report.findings = std::move(evaluation.findings);
  report.side = std::move(evaluation.side);
  report.error = facts.lookupError ? facts.lookupError : allAddressLookupsFailed(facts);
  report.count = report.mxRecords.size();
  report.hasValidMx = std::any_of(report.mxRecords.begin(), report.mxRecords.end(),
                                  [](const MxRecordReport& r) { return r.reachable; });
  report.allReachable = !report.mxRecords.empty() && std::all_of(report.mxRecords.begin(), report.mxRecords.end(),
                                                                 [](const MxRecordReport& r) { return r.reachable; });
  const ProbeSummary summary = summarizeProbes(gathered.probes);
  report.smtpProbeEnabled = gathered.probing;
  report.anySmtpOk = summary.anySmtpOk;
  report.allTlsOk = summary.allTlsOk;
  report.nullMx = facts.nullMx;
  report.implicitMx = facts.implicitMx;
  report.dnssec = std::move(facts.dnssec);
  if (gathered.tlsa)
    report.dnssec.insert(report.dnssec.end(), gathered.tlsa->dnssec.begin(), gathered.tlsa->dnssec.end());

  // ---- 6. What each kind of sender does, the assessment it implies, and the verdict.
  if (!report.error) {
    const bool port25 = std::find(options.ports.begin(), options.ports.end(), 25) != options.ports.end();
    report.senders =
        evaluateSenders(report, senderDnsFacts(facts, plan->dns.validating && report.resolver.dnssecValidation),
                        {gathered.probing, port25, summary.port25Blocked});
  }
  AssessmentFacts assessmentFacts;
  assessmentFacts.resolverUntrusted = plan->dns.untrusted;
  for (const auto& [host, list] : gathered.probes) {
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

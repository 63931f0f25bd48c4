#include "checks/verdict/assessment.h"

#include <algorithm>
#include <optional>
#include <string>

#include "checks/engine/side_checks.h"
#include "checks/verdict/senders.h"

namespace mxh::checks {
namespace {

using Status = DimensionStatus;

DimensionAssessment dim(Status status, std::string summary) {
  return {status, std::move(summary)};
}

const Finding* firstOf(const std::vector<Finding>& findings, Dimension dimension, Severity atLeast) {
  // Findings are sorted most severe first, so the first match is the most severe of its dimension.
  const auto found = std::find_if(findings.begin(), findings.end(),
                                  [&](const Finding& f) { return f.dimension == dimension && f.severity >= atLeast; });
  return found == findings.end() ? nullptr : &*found;
}

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z')
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  return text;
}

bool delivered(DeliveryOutcome outcome) {
  return outcome == DeliveryOutcome::delivered_verified || outcome == DeliveryOutcome::delivered_encrypted ||
         outcome == DeliveryOutcome::delivered_unencrypted;
}

// The TLS version a sender gets at `host` on port 25 (its first encrypted address).
std::optional<std::string> tlsVersionAt(const Report& report, const std::string& host) {
  for (const MxRecordReport& record : report.mxRecords) {
    if (record.host != host) continue;
    for (const smtp::ProbeResult& probe : record.smtpProbes) {
      if (probe.port == 25 && probe.tls) return probe.tls->version;
    }
  }
  return std::nullopt;
}

DimensionAssessment assessDelivery(const Report& report, const AssessmentFacts& facts) {
  if (report.error)
    return dim(Status::unknown, "Nothing could be learned about the mail servers: " + report.error->message + ".");
  if (report.nullMx) {
    return dim(Status::warning,
               report.domain + " declares with a Null MX that it accepts no email: mail to it bounces.");
  }
  const Finding* worst = firstOf(report.findings, Dimension::delivery, Severity::warning);
  const SenderOutcome& most = report.senders->opportunistic;
  if (!facts.probed) {
    // Nothing was contacted: DNS alone speaks.
    if (most.outcome == DeliveryOutcome::bounced) return dim(Status::error, most.reason);
    if (worst) return dim(worst->severity == Severity::error ? Status::error : Status::warning, worst->message);
    return dim(Status::ok, "Every MX host resolves; the servers were not contacted.");
  }
  switch (most.outcome) {
    case DeliveryOutcome::bounced: return dim(Status::error, most.reason);
    case DeliveryOutcome::deferred: return dim(Status::error, "No MX host takes mail: " + describeSkipped(most) + ".");
    case DeliveryOutcome::unknown:
      return dim(Status::unknown, most.skipped.empty() ? most.reason : describeSkipped(most) + ".");
    default: break;
  }
  if (!most.skipped.empty()) {
    const auto& [host, why] = most.skipped.front();
    return dim(Status::warning,
               "The preferred server " + host + " " + why + ": the backup " + *most.via + " accepts mail.");
  }
  if (worst) return dim(Status::warning, worst->message);
  return dim(Status::ok, *most.via + " accepts mail.");
}

DimensionAssessment assessEncryption(const Report& report, const DimensionAssessment& delivery) {
  if (report.error || !report.senders) return dim(Status::unknown, "Not known: the check could not be done.");
  const SenderOutcome& most = report.senders->opportunistic;
  if (!delivered(most.outcome)) {
    if (delivery.status == Status::unknown || most.outcome == DeliveryOutcome::unknown) {
      return dim(Status::unknown, "Not known: no conversation with a mail server was completed.");
    }
    return dim(Status::not_applicable, "No server takes mail, so nothing travels.");
  }
  if (most.outcome == DeliveryOutcome::delivered_unencrypted) {
    return dim(Status::error, "Mail travels unencrypted: " + *most.via + " does not set up TLS (STARTTLS).");
  }
  if (const Finding* f = firstOf(report.findings, Dimension::encryption, Severity::warning)) {
    return dim(Status::warning, f->message);
  }
  const auto version = tlsVersionAt(report, *most.via);
  return dim(Status::ok, "Mail travels encrypted" + (version ? " (" + *version + ")" : std::string()) + ".");
}

// The first port-25 certificate that a checking sender would refuse: "mx1 presents a certificate
// that expired on …".
std::optional<std::string> certificateProblem(const Report& report) {
  for (const MxRecordReport& record : report.mxRecords) {
    for (const smtp::ProbeResult& probe : record.smtpProbes) {
      if (probe.port != 25 || !probe.tls) continue;
      if (auto failure = pkixFailure(*probe.tls)) return record.host + " " + *failure;
    }
  }
  return std::nullopt;
}

DimensionAssessment assessAuthentication(const Report& report, const DimensionAssessment& encryption) {
  if (encryption.status == Status::unknown) return dim(Status::unknown, "Not known: no TLS session was seen.");
  const Senders& s = *report.senders;
  if (!delivered(s.opportunistic.outcome)) return dim(Status::not_applicable, "No server takes mail.");
  if (delivered(s.dnssecValidating.outcome) && s.dane.outcome == DeliveryOutcome::deferred) {
    return dim(Status::error, "DANE senders will not deliver: " + describeSkipped(s.dane) + ".");
  }
  if (s.mtaSts.outcome == DeliveryOutcome::deferred) {
    return dim(Status::error,
               "Senders that enforce the domain's MTA-STS policy will not deliver: " + describeSkipped(s.mtaSts) + ".");
  }
  if (const Finding* f = firstOf(report.findings, Dimension::authentication, Severity::warning)) {
    if (f->code.starts_with("mta_sts.") && f->code != "mta_sts.mx_not_covered" && f->code != "mta_sts.cert_invalid") {
      return dim(Status::warning,
                 "The domain's MTA-STS policy cannot be fetched or used, so it protects nothing: "
                 "senders without a cached policy deliver as if there were none.");
    }
    if (f->code == "dane.mismatch" && s.dane.outcome == DeliveryOutcome::delivered_verified && f->host && report.side) {
      // One address fails, another matches: DANE senders retry there (RFC 7672 §2.2.2).
      const auto dane = report.side->dane.find(*f->host);
      std::string ips;
      if (dane != report.side->dane.end()) {
        for (const std::string& ip : dane->second.mismatchAddresses) ips += (ips.empty() ? "" : ", ") + ip;
      }
      return dim(Status::warning, "DANE senders cannot verify " + *f->host + (ips.empty() ? "" : " at " + ips) +
                                      " and retry at its other addresses: mail arrives verified, perhaps delayed.");
    }
    if (const auto problem = certificateProblem(report)) {
      const std::string whyNot = s.dane.outcome == DeliveryOutcome::delivered_verified
                                     ? "DANE senders check only the key, and no MTA-STS policy is enforced"
                                 : report.side && policyInForce(report.side->mtaSts, StsMode::testing)
                                     ? "the domain's MTA-STS policy is in testing mode"
                                     : "the domain publishes no usable DANE record and no enforced MTA-STS policy";
      return dim(Status::warning, *problem + "; no sender refuses it today: " + whyNot + ".");
    }
    return dim(Status::warning, f->message);
  }
  const bool daneVerified = s.dane.outcome == DeliveryOutcome::delivered_verified;
  const bool stsVerified = s.mtaSts.outcome == DeliveryOutcome::delivered_verified;
  if (daneVerified && stsVerified) return dim(Status::ok, "DANE and MTA-STS senders verify the mail servers.");
  if (daneVerified) return dim(Status::ok, "DANE senders verify the mail servers.");
  if (stsVerified) return dim(Status::ok, "Senders that enforce MTA-STS verify the mail servers.");
  if (s.opportunistic.outcome == DeliveryOutcome::delivered_unencrypted) {
    return dim(Status::not_applicable, "Mail is not encrypted, so there is nothing to verify.");
  }
  return dim(Status::ok,
             "The certificates are valid; the domain publishes neither DANE nor MTA-STS, so senders do not "
             "verify them.");
}

DimensionAssessment assessDnsIntegrity(const Report& report, const AssessmentFacts& facts) {
  if (facts.resolverUntrusted) {
    return dim(Status::unknown, "Your resolver's answers fail DNSSEC validation, so DNSSEC could not be checked.");
  }
  if (const Finding* f = firstOf(report.findings, Dimension::dns_integrity, Severity::warning)) {
    // The MX, its hosts' addresses or TLSA records failing validation cost validating senders
    // the mail: an error. A policy record failing (SPF, DMARC) costs less: a warning.
    const bool mailAffected =
        report.senders &&
        (report.senders->dnssecValidating.outcome != report.senders->opportunistic.outcome ||
         report.senders->dnssecValidating.skipped.size() != report.senders->opportunistic.skipped.size());
    const bool tlsaBogus =
        report.side && std::any_of(report.side->dane.begin(), report.side->dane.end(),
                                   [](const auto& d) { return d.second.dnssec == dns::DnssecState::bogus; });
    if (mailAffected || tlsaBogus) {
      return dim(Status::error, "Senders that validate DNSSEC cannot " +
                                    std::string(mailAffected ? "find the mail servers of " + report.domain
                                                             : "use the TLSA records of " + report.domain) +
                                    ": its DNSSEC signatures fail validation.");
    }
    return dim(Status::warning, f->message);
  }
  if (!report.resolver.dnssecValidation) return dim(Status::unknown, "DNSSEC was not validated.");
  bool anyInsecure = false;
  bool anyUnvalidated = false;
  for (const DnssecEntry& entry : report.dnssec) {
    if (entry.type != "MX" && entry.type != "A" && entry.type != "AAAA") continue;
    anyInsecure = anyInsecure || entry.status == "insecure";
    anyUnvalidated = anyUnvalidated || entry.status == "unvalidated";
  }
  if (anyUnvalidated) return dim(Status::unknown, "DNSSEC was not validated for every answer.");
  if (anyInsecure) return dim(Status::not_applicable, "The MX records or their addresses are not signed with DNSSEC.");
  if (report.dnssec.empty()) return dim(Status::unknown, "No DNS answer was validated.");
  return dim(Status::ok, "The MX records and their addresses are signed with DNSSEC and validate.");
}

DimensionAssessment assessReputation(const Report& report) {
  if (const Finding* f = firstOf(report.findings, Dimension::reputation, Severity::warning)) {
    return dim(f->severity == Severity::error ? Status::error : Status::warning, f->message);
  }
  if (!report.side) return dim(Status::unknown, "Reverse DNS and blocklists were not checked.");
  std::size_t asked = 0;
  std::size_t answered = 0;
  for (const auto* results : {&report.side->blocklists.byIp, &report.side->blocklists.byHost}) {
    for (const auto& [key, list] : *results) {
      for (const BlocklistResult& result : list) {
        ++asked;
        if (result.status != BlocklistStatus::unknown) ++answered;
      }
    }
  }
  if (asked == 0 && report.side->ptr.empty()) {
    return dim(Status::not_applicable, "No reverse DNS or blocklist was checked.");
  }
  if (asked > 0 && answered == 0) {
    return dim(Status::unknown, "The blocklists could not be asked; the reverse DNS is in order.");
  }
  return dim(Status::ok,
             asked > 0 ? "The mail servers' addresses are on no blocklist asked, and their reverse DNS is in order."
                       : "The mail servers' reverse DNS is in order.");
}

DimensionAssessment assessSenderPolicies(const Report& report) {
  if (!report.side) return dim(Status::unknown, "SPF and DMARC were not checked.");
  const MailPolicyReport& mail = report.side->mail;
  if (mail.spf.status == PolicyStatus::none && mail.dmarc.status == PolicyStatus::none) {
    return dim(Status::warning, "The domain publishes no SPF or DMARC for mail sent in its name.");
  }
  if (const Finding* f = firstOf(report.findings, Dimension::sender_policies, Severity::warning)) {
    return dim(f->severity == Severity::error ? Status::error : Status::warning, f->message);
  }
  if (mail.spf.status == PolicyStatus::unknown || mail.dmarc.status == PolicyStatus::unknown) {
    return dim(Status::unknown, "SPF or DMARC could not be looked up.");
  }
  return dim(Status::ok, "SPF" + (mail.spf.all ? " (" + *mail.spf.all + ")" : std::string()) + " and DMARC" +
                             (mail.dmarc.policy ? " (p=" + *mail.dmarc.policy + ")" : std::string()) +
                             " are published for mail sent in its name.");
}

// A summary continues a headline sentence: "Mail arrives, but the preferred server …". Words in
// capitals (DANE, MX) keep them.
std::string lowerFirst(std::string text) {
  if (!text.empty() && text.front() >= 'A' && text.front() <= 'Z' &&
      !(text.size() > 1 && text[1] >= 'A' && text[1] <= 'Z')) {
    text.front() = static_cast<char>(text.front() - 'A' + 'a');
  }
  return text;
}

Headline headline(const Report& report, const Assessment& a, const AssessmentFacts& facts) {
  const std::string& domain = report.domain;
  const auto status = [&](Dimension d) { return a.of(d).status; };
  const Senders* s = report.senders ? &*report.senders : nullptr;
  if (report.error) {
    return {"could_not_check", Dimension::delivery, "Could not check " + domain + ": " + report.error->message + "."};
  }
  if (report.nullMx) {
    return {"no_mail_accepted", Dimension::delivery,
            domain + " accepts no email: it publishes a Null MX, so mail to it bounces at once."};
  }
  if (status(Dimension::delivery) == Status::error) {
    return {"undeliverable", Dimension::delivery,
            "No one can send mail to " + domain + ": " + lowerFirst(a.of(Dimension::delivery).summary)};
  }
  if (status(Dimension::dns_integrity) == Status::error) {
    const bool othersDeliver = s && delivered(s->opportunistic.outcome);
    return {"dnssec_bogus", Dimension::dns_integrity,
            a.of(Dimension::dns_integrity).summary +
                (othersDeliver ? " Senders that do not validate deliver as usual." : std::string())};
  }
  if (status(Dimension::encryption) == Status::error) {
    return {"unencrypted", Dimension::encryption,
            "Mail to " + domain + " arrives unencrypted: " +
                (s && s->opportunistic.via ? *s->opportunistic.via : domain) + " does not offer working STARTTLS."};
  }
  if (status(Dimension::authentication) == Status::error) {
    return {"verifying_senders_defer", Dimension::authentication,
            "Mail arrives encrypted, but " + lowerFirst(a.of(Dimension::authentication).summary)};
  }
  if (status(Dimension::delivery) == Status::unknown) {
    return {"delivery_inconclusive", Dimension::delivery,
            "Could not tell whether mail to " + domain + " arrives: " + lowerFirst(a.of(Dimension::delivery).summary)};
  }
  if (status(Dimension::delivery) == Status::warning) {
    const bool degraded = s && !s->opportunistic.skipped.empty();
    return {degraded ? "delivery_degraded" : "delivery_fragile", Dimension::delivery,
            "Mail arrives, but " + lowerFirst(a.of(Dimension::delivery).summary)};
  }
  if (status(Dimension::encryption) == Status::warning) {
    return {"partly_unencrypted", Dimension::encryption,
            "Mail arrives, but " + lowerFirst(a.of(Dimension::encryption).summary)};
  }
  if (status(Dimension::authentication) == Status::warning) {
    return {"authentication_weak", Dimension::authentication,
            "Mail arrives encrypted, but " + lowerFirst(a.of(Dimension::authentication).summary)};
  }
  if (status(Dimension::reputation) == Status::error) {
    return {"listed", Dimension::reputation, "Receiving works, but " + lowerFirst(a.of(Dimension::reputation).summary)};
  }
  if (status(Dimension::reputation) == Status::warning) {
    return {"reputation_warning", Dimension::reputation,
            "Receiving works, but " + lowerFirst(a.of(Dimension::reputation).summary)};
  }
  if (status(Dimension::sender_policies) == Status::error || status(Dimension::sender_policies) == Status::warning) {
    return {"sender_policies", Dimension::sender_policies,
            "Receiving works; " + lowerFirst(a.of(Dimension::sender_policies).summary)};
  }
  if (status(Dimension::dns_integrity) == Status::warning) {
    return {"dnssec_warning", Dimension::dns_integrity,
            "Receiving works, but " + lowerFirst(a.of(Dimension::dns_integrity).summary)};
  }
  const bool verified = s && (s->dane.outcome == DeliveryOutcome::delivered_verified ||
                              s->mtaSts.outcome == DeliveryOutcome::delivered_verified);
  if (!facts.probed) {
    return {"healthy", Dimension::delivery,
            "The mail servers of " + domain + " look right in DNS (they were not contacted)."};
  }
  return {"healthy", Dimension::delivery,
          "Mail to " + domain + " arrives encrypted" + (verified ? " and verified." : ".")};
}

}  // namespace

Assessment assess(const Report& report, const AssessmentFacts& facts) {
  Assessment a;
  if (report.error || !report.senders) {
    const DimensionAssessment unknown = dim(Status::unknown, "Not checked: the check could not be done.");
    a.dimensions.fill(unknown);
    a.of(Dimension::delivery) =
        dim(Status::unknown, report.error ? capitalized(report.error->message) + "." : "Not checked.");
    a.headline = headline(report, a, facts);
    return a;
  }
  a.of(Dimension::delivery) = assessDelivery(report, facts);
  a.of(Dimension::encryption) = assessEncryption(report, a.of(Dimension::delivery));
  a.of(Dimension::authentication) = assessAuthentication(report, a.of(Dimension::encryption));
  a.of(Dimension::sender_policies) = assessSenderPolicies(report);
  a.of(Dimension::reputation) = assessReputation(report);
  a.of(Dimension::dns_integrity) = assessDnsIntegrity(report, facts);
  // A dimension with a warning among its findings is never ok, unknown or not applicable: what the
  // findings say, the dimension says (the probes may not have run, a policy still be broken).
  for (std::size_t i = 0; i < kAssessedDimensions; ++i) {
    DimensionAssessment& d = a.dimensions.at(i);
    if (d.status == Status::warning || d.status == Status::error) continue;
    // An inconclusive delivery stays inconclusive: its warnings (a 421) are why.
    if (static_cast<Dimension>(i) == Dimension::delivery && d.status == Status::unknown) continue;
    if (const Finding* f = firstOf(report.findings, static_cast<Dimension>(i), Severity::warning)) {
      d = dim(Status::warning, f->message);
    }
  }
  a.headline = headline(report, a, facts);
  return a;
}

void alignSeverities(std::vector<Finding>& findings, const Assessment& assessment) {
  for (Finding& f : findings) {
    if (f.dimension != Dimension::delivery && f.dimension != Dimension::encryption &&
        f.dimension != Dimension::authentication && f.dimension != Dimension::dns_integrity) {
      continue;
    }
    const Status status = assessment.of(f.dimension).status;
    if (status != Status::error && f.severity == Severity::error) f.severity = Severity::warning;
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& x, const Finding& y) { return x.severity > y.severity; });
}

}  // namespace mxh::checks

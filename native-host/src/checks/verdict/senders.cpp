#include "checks/verdict/senders.h"

#include <algorithm>
#include <vector>

#include "checks/engine/side_checks.h"
#include "core/limits.h"

namespace mxh::checks {
namespace {

using smtp::ProbeResult;
using smtp::ProbeStatus;

// What a kind of sender demands of an MX host's port-25 conversation.
enum class Auth { none, dane, pkix };
struct Demands {
  bool requireTls = false;
  Auth auth = Auth::none;
};

// One address (or one host) as a sender sees it.
enum class Verdict { accepts, fails, unknown };
struct Attempt {
  Verdict verdict = Verdict::unknown;
  DeliveryOutcome quality = DeliveryOutcome::unknown;  // when it accepts
  std::string why;                                     // when it does not, a few words
};

Attempt accepts(DeliveryOutcome quality) {
  return {Verdict::accepts, quality, {}};
}
Attempt fails(std::string why) {
  return {Verdict::fails, DeliveryOutcome::unknown, std::move(why)};
}
Attempt unknownAttempt(std::string why) {
  return {Verdict::unknown, DeliveryOutcome::unknown, std::move(why)};
}

}  // namespace

std::string describeSkipped(const SenderOutcome& outcome) {
  std::string text;
  const std::size_t shown = std::min(outcome.skipped.size(), limits::kMaxListedInMessage);
  for (std::size_t i = 0; i < shown; ++i) {
    text += (i == 0 ? "" : "; ") + outcome.skipped[i].first + " " + outcome.skipped[i].second;
  }
  if (outcome.skipped.size() > shown) text += "; and " + std::to_string(outcome.skipped.size() - shown) + " more";
  return text;
}

bool policyInForce(const std::optional<MtaStsReport>& sts, StsMode mode) {
  if (!sts || !sts->policy || sts->policy->mode != mode) return false;
  return sts->status == MtaStsStatus::ok || sts->status == MtaStsStatus::mx_not_covered;
}

std::optional<std::string> pkixFailure(const tls::TlsInfo& info) {
  if (info.certificate && info.certificate->daysLeft < 0) {
    return "presents a certificate that expired on " + info.certificate->notAfter.substr(0, 10);
  }
  if (!info.chainVerified)
    return "presents an untrusted certificate (" + info.verifyError.value_or("unknown reason") + ")";
  if (!info.hostnameMatch) return "presents a certificate that is not valid for its name";
  return std::nullopt;
}

namespace {

Attempt tryAddress(const ProbeResult& probe, const Demands& demands) {
  switch (probe.status) {
    case ProbeStatus::ok: {
      if (!probe.tls) return accepts(DeliveryOutcome::delivered_encrypted);
      if (demands.auth == Auth::dane) {
        if (probe.dane && probe.dane->verified) return accepts(DeliveryOutcome::delivered_verified);
        // DANE-TA checks the name too (RFC 7672 §3.1.2): a chain to the anchor with the wrong name fails.
        if (probe.dane && probe.dane->error && probe.dane->error->find("hostname mismatch") != std::string::npos) {
          return fails("presents a certificate that is not valid for its name (DANE-TA checks names)");
        }
        return fails("presents a certificate that matches none of its TLSA records");
      }
      if (demands.auth == Auth::pkix) {
        if (auto failure = pkixFailure(*probe.tls)) return fails(*failure);
        return accepts(DeliveryOutcome::delivered_verified);
      }
      return accepts(DeliveryOutcome::delivered_encrypted);
    }
    case ProbeStatus::no_starttls:
      if (demands.requireTls) return fails("does not offer STARTTLS");
      return accepts(DeliveryOutcome::delivered_unencrypted);
    case ProbeStatus::tls_failed:
      // Opportunistic senders retry in plaintext after a failed handshake (RFC 7435 §3).
      if (demands.requireTls || !probe.greeting) return fails("fails the TLS handshake");
      return accepts(DeliveryOutcome::delivered_unencrypted);
    case ProbeStatus::deferred: return unknownAttempt("asks senders to come back later (rate limiting or greylisting)");
    case ProbeStatus::greeting_rejected: return fails("rejects connections");
    case ProbeStatus::refused: return fails("refuses connections");
    case ProbeStatus::connect_timeout: return fails("does not answer");
    case ProbeStatus::greeting_timeout: return fails("sends no greeting");
    case ProbeStatus::timeout: return fails("stops answering mid-conversation");
    case ProbeStatus::reset: return fails("drops the connection");
    case ProbeStatus::protocol_error: return fails("does not speak SMTP correctly");
    case ProbeStatus::unreachable: return unknownAttempt("could not be reached from this network");
    case ProbeStatus::skipped: return unknownAttempt("was not contacted");
  }
  return unknownAttempt("was not contacted");
}

// A sender tries the addresses of a host until one takes the mail. The quality is the worst of
// the addresses that would take it: a sender may land on any of them.
Attempt tryHost(const MxRecordReport& record, const Demands& demands) {
  std::vector<Attempt> attempts;
  for (const ProbeResult& probe : record.smtpProbes) {
    if (probe.port == 25) attempts.push_back(tryAddress(probe, demands));
  }
  if (attempts.empty()) return unknownAttempt("was not checked on port 25");
  std::optional<DeliveryOutcome> worst;
  for (const Attempt& a : attempts) {
    if (a.verdict == Verdict::accepts) worst = std::max(worst.value_or(a.quality), a.quality);
  }
  if (worst) return accepts(*worst);
  const auto unknown =
      std::find_if(attempts.begin(), attempts.end(), [](const Attempt& a) { return a.verdict == Verdict::unknown; });
  if (unknown != attempts.end()) return *unknown;
  return attempts.front();
}

// What the whole domain gives a kind of sender: `hostDemands` says, per MX host, what the kind
// demands, or why it passes the host over without trying.
struct HostPlan {
  std::optional<std::string> skip;  // passed over without a connection: why
  Demands demands;
};

template <typename PlanFor>
SenderOutcome deliver(const Report& report, PlanFor planFor) {
  SenderOutcome out;
  bool anyUnknown = false;
  for (const MxRecordReport& record : report.mxRecords) {
    if (record.host == ".") continue;
    Attempt attempt;
    if (!record.reachable) {
      attempt = fails("has no address");
    } else if (const HostPlan plan = planFor(record); plan.skip) {
      attempt = fails(*plan.skip);
    } else {
      attempt = tryHost(record, plan.demands);
    }
    if (attempt.verdict == Verdict::accepts) {
      out.outcome = attempt.quality;
      out.via = record.host;
      return out;
    }
    anyUnknown = anyUnknown || attempt.verdict == Verdict::unknown;
    out.skipped.emplace_back(record.host, attempt.why);
  }
  out.outcome = anyUnknown ? DeliveryOutcome::unknown : DeliveryOutcome::deferred;
  return out;
}

// The reason sentence for a delivered or failed outcome, from the sender's point of view.
void explain(SenderOutcome& out, std::string_view who, std::string_view how) {
  const std::string passed = out.skipped.empty() ? "" : " (passing over " + describeSkipped(out) + ")";
  switch (out.outcome) {
    case DeliveryOutcome::delivered_verified:
      out.reason =
          std::string(who) + " deliver to " + *out.via + " over TLS and verify it" + std::string(how) + passed + ".";
      return;
    case DeliveryOutcome::delivered_encrypted:
      out.reason = std::string(who) + " deliver to " + *out.via + " encrypted with TLS" + passed + ".";
      return;
    case DeliveryOutcome::delivered_unencrypted:
      out.reason = std::string(who) + " deliver to " + *out.via + " without encryption" + passed + ".";
      return;
    case DeliveryOutcome::deferred:
      out.reason = std::string(who) + " find no MX host that takes the mail (" + describeSkipped(out) +
                   "), so they keep it and retry; it bounces after some days.";
      return;
    case DeliveryOutcome::unknown: out.reason = "Not known: " + describeSkipped(out) + "."; return;
    case DeliveryOutcome::bounced: return;
  }
}

SenderOutcome fixed(DeliveryOutcome outcome, std::string reason) {
  SenderOutcome out;
  out.outcome = outcome;
  out.reason = std::move(reason);
  return out;
}

}  // namespace

Senders evaluateSenders(const Report& report, const SenderDnsFacts& dns, const SenderProbeFacts& probes) {
  Senders senders;
  const auto all = [&](DeliveryOutcome outcome, const std::string& reason) {
    for (SenderOutcome* s : {&senders.opportunistic, &senders.dnssecValidating, &senders.dane, &senders.mtaSts}) {
      *s = fixed(outcome, reason);
    }
  };

  // What DNS alone decides.
  if (report.nullMx) {
    all(DeliveryOutcome::bounced, "The domain publishes a Null MX, so senders return the mail at once.");
    return senders;
  }
  if (dns.nxdomain && !dns.mxBogus) {
    all(DeliveryOutcome::bounced, "The domain does not exist, so senders return the mail at once.");
    return senders;
  }
  const bool anyAddress = std::any_of(report.mxRecords.begin(), report.mxRecords.end(),
                                      [](const MxRecordReport& r) { return r.reachable; });
  if (!dns.mxBogus && (dns.noMail || (!anyAddress && !report.mxRecords.empty()))) {
    all(DeliveryOutcome::bounced, dns.noMail ? "The domain has no MX record and no address, so senders return the "
                                               "mail at once."
                                             : "No MX host has an address, so senders return the mail at once.");
    return senders;
  }

  // What the SMTP probes decide, for senders that see the unvalidated DNS.
  const SideReport* side = report.side.get();
  const std::optional<MtaStsReport> noSts;
  const std::optional<MtaStsReport>& sts = side ? side->mtaSts : noSts;
  if (!probes.probed || !probes.port25) {
    all(DeliveryOutcome::unknown,
        "The mail servers were not contacted on port 25, so what senders meet there is not "
        "known.");
  } else if (probes.port25Blocked) {
    all(DeliveryOutcome::unknown,
        "This network blocks outgoing port 25, so what senders meet at the mail servers could not be seen.");
  } else {
    const auto plain = [](const MxRecordReport&) { return HostPlan{}; };
    senders.opportunistic = deliver(report, plain);
    explain(senders.opportunistic, "Most mail servers", "");

    // MTA-STS (RFC 8461 §5): under enforce, hosts outside the policy are passed over and the rest
    // must present a valid certificate for their name; testing and no policy deliver as usual.
    if (policyInForce(sts, StsMode::enforce)) {
      senders.mtaSts = deliver(report, [&](const MxRecordReport& record) {
        const auto& coverage = sts->mxCoverage;
        const auto found =
            std::find_if(coverage.begin(), coverage.end(), [&](const MxCoverage& c) { return c.host == record.host; });
        HostPlan plan;
        if (found == coverage.end() || !found->covered) plan.skip = "is not listed in the MTA-STS policy";
        plan.demands = {true, Auth::pkix};
        return plan;
      });
      explain(senders.mtaSts, "Senders that enforce the MTA-STS policy", " (MTA-STS enforce)");
    } else if (policyInForce(sts, StsMode::testing)) {
      senders.mtaSts = senders.opportunistic;
      senders.mtaSts.reason = "The MTA-STS policy is in testing mode: senders report problems but deliver as usual. " +
                              senders.opportunistic.reason;
    } else {
      senders.mtaSts = senders.opportunistic;
      const bool published = sts && sts->txt;
      senders.mtaSts.reason = std::string(published ? "The MTA-STS policy could not be fetched, so senders without "
                                                      "a cached policy deliver as if there were none. "
                                                    : "The domain publishes no MTA-STS policy, so these senders "
                                                      "deliver as usual. ") +
                              senders.opportunistic.reason;
    }
  }

  // Senders whose resolver validates DNSSEC: a bogus MX or address RRset is a SERVFAIL to them.
  if (dns.mxBogus) {
    const std::string reason = "The MX records of " + report.domain + " fail DNSSEC validation (" + *dns.mxBogus +
                               "): validating resolvers answer SERVFAIL, so these senders keep the mail and retry; "
                               "it bounces after some days.";
    senders.dnssecValidating = fixed(DeliveryOutcome::deferred, reason);
    senders.dane = fixed(DeliveryOutcome::deferred, reason);
    return senders;
  }
  if (!dns.validated) {
    const std::string reason = "DNSSEC was not validated from here, so what validating senders see is not known.";
    senders.dnssecValidating = fixed(DeliveryOutcome::unknown, reason);
    senders.dane = fixed(DeliveryOutcome::unknown, reason);
    return senders;
  }
  if (senders.opportunistic.outcome == DeliveryOutcome::unknown && senders.opportunistic.skipped.empty()) {
    senders.dnssecValidating = senders.opportunistic;
    senders.dane = senders.opportunistic;
    return senders;
  }
  const auto validatedPlan = [&](const MxRecordReport& record) {
    HostPlan plan;
    if (const auto bogus = dns.bogusHosts.find(record.host); bogus != dns.bogusHosts.end()) {
      plan.skip = "has address records that fail DNSSEC validation";
    }
    return plan;
  };
  senders.dnssecValidating = deliver(report, validatedPlan);
  explain(senders.dnssecValidating, "Senders that validate DNSSEC", "");

  // DANE (RFC 7672): a secure, usable TLSA RRset makes TLS mandatory and authenticated (DANE-EE:
  // the key only; DANE-TA: the chain and the name); only-PKIX records make it mandatory only; a
  // TLSA lookup that fails passes the host over; no or unsigned TLSA: as a validating sender.
  senders.dane = deliver(report, [&](const MxRecordReport& record) {
    HostPlan plan = validatedPlan(record);
    if (plan.skip || !side) return plan;
    const auto found = side->dane.find(record.host);
    if (found == side->dane.end()) return plan;
    switch (found->second.status) {
      case DaneStatus::match:
      case DaneStatus::mismatch:
      case DaneStatus::not_checked: plan.demands = {true, Auth::dane}; break;
      case DaneStatus::unusable: plan.demands = {true, Auth::none}; break;
      case DaneStatus::unknown: plan.skip = "has TLSA records that cannot be validated"; break;
      case DaneStatus::none:
      case DaneStatus::insecure: break;
    }
    return plan;
  });
  const bool anyTlsa = side && std::any_of(side->dane.begin(), side->dane.end(), [](const auto& entry) {
                         return entry.second.status != DaneStatus::none && entry.second.status != DaneStatus::insecure;
                       });
  explain(senders.dane, anyTlsa ? "DANE senders" : "DANE senders (no signed TLSA records here, so without DANE)",
          " (DANE)");
  return senders;
}

}  // namespace mxh::checks

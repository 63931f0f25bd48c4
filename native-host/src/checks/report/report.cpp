#include "checks/report/report.h"

#include <algorithm>

namespace mxh::checks {

Finding makeFinding(std::string code, Severity severity, std::string message, FindingSubject subject,
                    std::optional<std::string> reference) {
  Finding finding;
  finding.code = std::move(code);
  finding.severity = severity;
  finding.message = std::move(message);
  finding.host = std::move(subject.host);
  finding.ip = std::move(subject.ip);
  finding.reference = std::move(reference);
  return finding;
}

std::string_view severityName(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

std::string_view verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::healthy: return "healthy";
    case Verdict::needs_attention: return "needs_attention";
    case Verdict::broken: return "broken";
    case Verdict::could_not_check: return "could_not_check";
  }
  return "could_not_check";
}

std::string_view dimensionName(Dimension dimension) {
  switch (dimension) {
    case Dimension::delivery: return "delivery";
    case Dimension::encryption: return "encryption";
    case Dimension::authentication: return "authentication";
    case Dimension::sender_policies: return "sender_policies";
    case Dimension::reputation: return "reputation";
    case Dimension::dns_integrity: return "dns_integrity";
    case Dimension::network: return "network";
  }
  return "delivery";
}

Dimension dimensionOf(std::string_view code) {
  // Exact codes first (they differ from their prefix's dimension), then prefixes.
  static constexpr std::pair<std::string_view, Dimension> kExact[] = {
      {"smtp.no_starttls", Dimension::encryption}, {"smtp.starttls_failed", Dimension::encryption},
      {"smtp.tls_failed", Dimension::encryption},  {"smtp.plaintext_injection", Dimension::encryption},
      {"tls.old_version", Dimension::encryption},
  };
  static constexpr std::pair<std::string_view, Dimension> kPrefix[] = {
      {"tls.", Dimension::authentication},     {"dane.", Dimension::authentication},
      {"mta_sts.", Dimension::authentication}, {"tls_rpt.", Dimension::authentication},
      {"spf.", Dimension::sender_policies},    {"dmarc.", Dimension::sender_policies},
      {"ptr.", Dimension::reputation},         {"dnsbl.", Dimension::reputation},
      {"dnssec.", Dimension::dns_integrity},   {"network.", Dimension::network},
  };
  for (const auto& [exact, dimension] : kExact) {
    if (code == exact) return dimension;
  }
  for (const auto& [prefix, dimension] : kPrefix) {
    if (code.starts_with(prefix)) return dimension;
  }
  return Dimension::delivery;  // mx.*, domain.*, dns.*, smtp.*
}

std::string_view senderKindName(SenderKind kind) {
  switch (kind) {
    case SenderKind::opportunistic: return "opportunistic";
    case SenderKind::dnssec_validating: return "dnssec_validating";
    case SenderKind::dane: return "dane";
    case SenderKind::mta_sts: return "mta_sts";
  }
  return "opportunistic";
}

std::string_view deliveryOutcomeName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::delivered_verified: return "delivered_verified";
    case DeliveryOutcome::delivered_encrypted: return "delivered_encrypted";
    case DeliveryOutcome::delivered_unencrypted: return "delivered_unencrypted";
    case DeliveryOutcome::deferred: return "deferred";
    case DeliveryOutcome::bounced: return "bounced";
    case DeliveryOutcome::unknown: return "unknown";
  }
  return "unknown";
}

const SenderOutcome& Senders::of(SenderKind kind) const {
  switch (kind) {
    case SenderKind::opportunistic: return opportunistic;
    case SenderKind::dnssec_validating: return dnssecValidating;
    case SenderKind::dane: return dane;
    case SenderKind::mta_sts: return mtaSts;
  }
  return opportunistic;
}

std::string_view dimensionStatusName(DimensionStatus status) {
  switch (status) {
    case DimensionStatus::ok: return "ok";
    case DimensionStatus::warning: return "warning";
    case DimensionStatus::error: return "error";
    case DimensionStatus::unknown: return "unknown";
    case DimensionStatus::not_applicable: return "not_applicable";
  }
  return "unknown";
}

Verdict verdictFor(const Assessment& assessment, bool couldNotCheck) {
  if (couldNotCheck || assessment.headline.kind == "could_not_check") return Verdict::could_not_check;
  // Mail lost, sent in plaintext, refused by verifying senders or invisible to validating ones:
  // broken. Reputation and sender policies concern mail sent *from* the domain: at most attention.
  for (const Dimension d :
       {Dimension::delivery, Dimension::encryption, Dimension::authentication, Dimension::dns_integrity}) {
    if (assessment.of(d).status == DimensionStatus::error) return Verdict::broken;
  }
  const bool attention = std::any_of(assessment.dimensions.begin(), assessment.dimensions.end(), [](const auto& d) {
    return d.status == DimensionStatus::warning || d.status == DimensionStatus::error;
  });
  if (attention || assessment.of(Dimension::delivery).status == DimensionStatus::unknown) {
    return Verdict::needs_attention;
  }
  return Verdict::healthy;
}

}  // namespace mxh::checks

#include "cli/text_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "checks/engine/side_checks.h"

namespace mxh::cli {
namespace {

using checks::Dimension;
using checks::DimensionStatus;
using checks::Report;
using checks::Severity;
using checks::Verdict;
using smtp::ProbeResult;
using smtp::ProbeStatus;

std::string_view verdictText(Verdict verdict) {
  switch (verdict) {
    case Verdict::healthy: return "Healthy";
    case Verdict::needs_attention: return "Needs attention";
    case Verdict::broken: return "Broken";
    case Verdict::could_not_check: return "Could not check";
  }
  return "Could not check";
}

std::string_view dimensionLabel(Dimension dimension) {
  switch (dimension) {
    case Dimension::delivery: return "Delivery";
    case Dimension::encryption: return "Encryption";
    case Dimension::authentication: return "Authentication";
    case Dimension::sender_policies: return "Sender policies";
    case Dimension::reputation: return "Reputation";
    case Dimension::dns_integrity: return "DNS integrity";
    case Dimension::network: return "Network";
  }
  return "";
}

std::string_view statusWord(DimensionStatus status) {
  switch (status) {
    case DimensionStatus::ok: return "ok";
    case DimensionStatus::warning: return "warning";
    case DimensionStatus::error: return "error";
    case DimensionStatus::unknown: return "unknown";
    case DimensionStatus::not_applicable: return "n/a";
  }
  return "unknown";
}

std::string_view senderLabel(checks::SenderKind kind) {
  switch (kind) {
    case checks::SenderKind::opportunistic: return "Most mail servers";
    case checks::SenderKind::dnssec_validating: return "Servers that validate DNSSEC";
    case checks::SenderKind::dane: return "DANE senders";
    case checks::SenderKind::mta_sts: return "MTA-STS senders";
  }
  return "";
}

std::string outcomeText(const checks::SenderOutcome& s) {
  const std::string via = s.via ? " (via " + *s.via + ")" : "";
  switch (s.outcome) {
    case checks::DeliveryOutcome::delivered_verified: return "deliver encrypted and verified" + via;
    case checks::DeliveryOutcome::delivered_encrypted: return "deliver encrypted" + via;
    case checks::DeliveryOutcome::delivered_unencrypted: return "deliver UNENCRYPTED" + via;
    case checks::DeliveryOutcome::deferred: return "DEFER: the mail waits, and bounces after some days";
    case checks::DeliveryOutcome::bounced: return "BOUNCE the mail at once";
    case checks::DeliveryOutcome::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view severityTag(Severity severity) {
  switch (severity) {
    case Severity::error: return "[error]  ";
    case Severity::warning: return "[warning]";
    case Severity::info: return "[note]   ";
  }
  return "[note]   ";
}

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string padded(std::string_view text, std::size_t width) {
  return std::string(text) + std::string(text.size() < width ? width - text.size() : 1, ' ');
}

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// What the certificate of an encrypted session says, in words: "certificate valid, 89 days left".
std::string certificateText(const tls::TlsInfo& info) {
  if (!info.certificate) return "no certificate";
  const tls::CertificateInfo& cert = *info.certificate;
  std::vector<std::string> problems;
  if (cert.daysLeft < 0) {
    problems.push_back("certificate expired " + std::to_string(-cert.daysLeft) + " days ago");
  } else if (!info.chainVerified) {
    problems.push_back("certificate not trusted (" + info.verifyError.value_or("unknown reason") + ")");
  }
  if (!info.hostnameMatch) problems.push_back("certificate not valid for this name");
  if (problems.empty()) return "certificate valid, " + std::to_string(cert.daysLeft) + " days left";
  return joined(problems, "; ");
}

// One port of one address, in words that never contradict each other: a certificate problem
// stands next to "Encrypted", never next to "ok". Every line that is not a success says why.
std::string probeText(const ProbeResult& p) {
  const std::string why = p.error ? ": " + *p.error : "";
  const std::string greeting = p.greeting ? ": " + firstLine(*p.greeting) : "";
  std::string text;
  switch (p.status) {
    case ProbeStatus::ok: return "Encrypted (" + p.tls->version + "); " + certificateText(*p.tls);
    case ProbeStatus::no_starttls: return "Accepts mail UNENCRYPTED: no STARTTLS offered";
    case ProbeStatus::tls_failed: return "TLS fails" + why;
    case ProbeStatus::greeting_rejected: text = "Rejects connections" + greeting; break;
    case ProbeStatus::deferred: text = "Deferred, asks to come back later" + greeting; break;
    case ProbeStatus::greeting_timeout: return "Connected, but no greeting in time" + why;
    case ProbeStatus::connect_timeout: return "No answer: connection attempts time out (packets dropped?)";
    case ProbeStatus::refused: return "Connection refused";
    case ProbeStatus::reset: return "Dropped the connection" + why;
    case ProbeStatus::protocol_error: return "Does not speak SMTP correctly" + why;
    case ProbeStatus::timeout: return "Stopped answering" + why;
    case ProbeStatus::unreachable: return "No route from this network" + why;
    case ProbeStatus::skipped: return "Not contacted" + why;
  }
  // On 465 a rejection or deferral comes after the TLS handshake: both are facts.
  if (p.tls) text += " (after " + p.tls->version + "; " + certificateText(*p.tls) + ")";
  return text;
}

std::string formatProbeLine(const ProbeResult& probe) {
  const std::string port = std::to_string(probe.port);
  return "      " + std::string(port.size() < 5 ? 5 - port.size() : 0, ' ') + port + "  " + padded(probe.ip, 16) +
         probeText(probe) + "\n";
}

std::string ptrText(const checks::PtrReport& ptr) {
  const std::string name = ptr.names.empty() ? "" : ptr.names.front();
  switch (ptr.status) {
    case checks::PtrStatus::ok: return "PTR " + name + " (confirmed)";
    case checks::PtrStatus::mismatch: return "PTR " + name + " (not the MX name)";
    case checks::PtrStatus::unconfirmed: return "PTR " + name + " (does not resolve back)";
    case checks::PtrStatus::none: return "no PTR";
    case checks::PtrStatus::unknown: return "PTR unknown";
  }
  return "";
}

// "PTR mx1.smtp.test (confirmed); not listed on 7 blocklists" for one address. Lists that could
// not answer are said once for the whole report (unknownLists), not per address.
std::string addressText(const checks::SideReport& side, const std::string& ip,
                        std::map<std::string, std::string>& unknownLists) {
  std::vector<std::string> parts;
  if (const auto ptr = side.ptr.find(ip); ptr != side.ptr.end()) parts.push_back(ptrText(ptr->second));
  if (const auto lists = side.blocklists.byIp.find(ip); lists != side.blocklists.byIp.end()) {
    std::size_t notListed = 0;
    std::vector<std::string> listed;
    for (const checks::BlocklistResult& list : lists->second) {
      if (list.status == checks::BlocklistStatus::not_listed) ++notListed;
      if (list.status == checks::BlocklistStatus::listed) {
        listed.push_back(list.list + (list.meanings.empty() ? "" : " (" + list.meanings.front() + ")"));
      }
      if (list.status == checks::BlocklistStatus::unknown) unknownLists.emplace(list.list, list.reason.value_or(""));
    }
    if (!listed.empty()) parts.push_back("LISTED on " + joined(listed));
    if (notListed > 0) {
      parts.push_back("not listed on " + std::to_string(notListed) + (notListed == 1 ? " blocklist" : " blocklists"));
    }
  }
  return joined(parts, "; ");
}

std::string daneText(const checks::DaneReport& dane) {
  switch (dane.status) {
    case checks::DaneStatus::none: return "";
    case checks::DaneStatus::match: {
      std::string line = "DANE: the port-25 certificate matches TLSA";
      if (dane.matched) {
        line += " " + std::to_string(dane.matched->usage) + " " + std::to_string(dane.matched->selector) + " " +
                std::to_string(dane.matched->matchingType);
      }
      return line;
    }
    case checks::DaneStatus::mismatch:
      return "DANE: the port-25 certificate of " + joined(dane.mismatchAddresses) + " does NOT match the TLSA records";
    case checks::DaneStatus::insecure: return "DANE: TLSA records without DNSSEC (senders ignore them)";
    case checks::DaneStatus::unusable: return "DANE: no TLSA record usable for SMTP";
    case checks::DaneStatus::not_checked: return "DANE: TLSA records, but no TLS handshake on port 25 to check them";
    case checks::DaneStatus::unknown: return "DANE: unknown (" + dane.error.value_or("lookup failed") + ")";
  }
  return "";
}

// "SPF -all, DMARC p=reject, MTA-STS enforce, TLS-RPT yes"
std::string policiesText(const checks::SideReport& side) {
  const auto& mail = side.mail;
  const std::string spf = mail.spf.status == checks::PolicyStatus::ok
                              ? "SPF " + mail.spf.all.value_or("without all")
                              : "SPF " + std::string(checks::policyStatusName(mail.spf.status));
  const std::string dmarc = mail.dmarc.status == checks::PolicyStatus::ok
                                ? "DMARC p=" + mail.dmarc.policy.value_or("?")
                                : "DMARC " + std::string(checks::policyStatusName(mail.dmarc.status));
  std::string sts = "MTA-STS none";
  if (side.mtaSts) {
    const bool hasMode = side.mtaSts->policy && side.mtaSts->policy->mode;
    sts = "MTA-STS " + std::string(side.mtaSts->status == checks::MtaStsStatus::ok && hasMode
                                       ? checks::stsModeName(*side.mtaSts->policy->mode)
                                       : checks::mtaStsStatusName(side.mtaSts->status));
  }
  const std::string rpt = "TLS-RPT " + std::string(mail.tlsRpt.status == checks::PolicyStatus::ok
                                                       ? "yes"
                                                       : checks::policyStatusName(mail.tlsRpt.status));
  return spf + ", " + dmarc + ", " + sts + ", " + rpt;
}

std::string findingLine(const checks::Finding& finding) {
  std::string line = "  " + std::string(severityTag(finding.severity)) + " " + finding.message;
  // A message that already cites an RFC (range names do) is not given a second one.
  if (finding.reference && finding.message.find("RFC ") == std::string::npos) line += " (" + *finding.reference + ")";
  return line + "\n";
}

// The DNSSEC state of the domain's MX answer, said once.
std::string dnssecLine(const Report& report) {
  for (const auto& entry : report.dnssec) {
    if (entry.name == report.domain && (entry.type == "MX" || report.implicitMx)) return entry.status;
  }
  return "not validated";
}

}  // namespace

std::string formatTextReport(const Report& report, TextOptions options) {
  std::ostringstream out;
  out << report.domainUnicode;
  if (report.domainUnicode != report.domain) out << " (" << report.domain << ")";
  out << ": " << verdictText(report.verdict) << "\n";
  if (report.assessment) {
    out << "  " << report.assessment->headline.text << "\n\n";
    if (!report.error) {
      for (std::size_t i = 0; i < checks::kAssessedDimensions; ++i) {
        const auto& d = report.assessment->dimensions.at(i);
        out << "  " << padded(dimensionLabel(static_cast<Dimension>(i)), 17) << padded(statusWord(d.status), 9)
            << d.summary << "\n";
      }
    }
  } else if (report.error) {
    out << "  " << report.error->message << "\n";
  }
  if (report.senders) {
    out << "\n  What senders do:\n";
    for (const auto kind : checks::kSenderKinds) {
      out << "    " << padded(senderLabel(kind), 30) << outcomeText(report.senders->of(kind)) << "\n";
    }
  }
  if (!report.mxRecords.empty()) out << "\n";

  std::size_t hostWidth = 4;
  for (const auto& record : report.mxRecords) hostWidth = std::max(hostWidth, record.host.size());
  std::map<std::string, std::string> unknownLists;  // blocklist -> why, said once below
  const checks::SideReport* side = report.side.get();
  for (const auto& record : report.mxRecords) {
    out << "  MX " << padded(std::to_string(record.priority), 4) << padded(record.host, hostWidth + 2);
    if (record.reachable) {
      out << joined(record.ips);
    } else if (record.host == "." && !record.error) {
      out << "-- Null MX: this domain accepts no mail";
    } else if (record.error) {
      out << "-- " << *record.error;
    }
    if (record.implicit) out << "  (implicit MX)";
    out << "\n";
    for (const auto& probe : record.smtpProbes) out << formatProbeLine(probe);
    if (!side) continue;
    if (const auto dane = side->dane.find(record.host); dane != side->dane.end()) {
      if (const std::string line = daneText(dane->second); !line.empty()) out << "      " << line << "\n";
    }
    for (const auto& address : record.addresses) {
      if (const std::string line = addressText(*side, address.ip, unknownLists); !line.empty()) {
        out << "      " << address.ip << "  " << line << "\n";
      }
    }
  }
  if (!unknownLists.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, why] : unknownLists) names.push_back(name);
    out << "  " << names.size() << (names.size() == 1 ? " blocklist" : " blocklists")
        << " could not be asked through your resolver (" << joined(names) << "): results unknown.\n";
  }
  if (side) out << "  Policies: " << policiesText(*side) << "\n";

  // Problems first; notes fold into one line unless --verbose. Blocklist answers that were
  // unknown are already said above.
  std::size_t notes = 0;
  bool anyProblem = false;
  for (const auto& finding : report.findings) {
    if (finding.severity != Severity::info) {
      if (!anyProblem) out << "\n";
      anyProblem = true;
      out << findingLine(finding);
    } else if (options.verbose && finding.code != "dnsbl.unknown") {
      out << findingLine(finding);
    } else if (!options.verbose) {
      ++notes;
    }
  }
  if (notes > 0) out << "  " << notes << (notes == 1 ? " note" : " notes") << " (shown with --verbose).\n";

  out << "  DNSSEC: " << dnssecLine(report) << ". Resolver: " << (report.resolver.mode == "system" ? "system (" : "")
      << joined(report.resolver.servers) << (report.resolver.mode == "system" ? ")" : "") << ". Checked in "
      << report.durationMs << " ms.\n";
  if (report.resolver.note) out << "  Note: " << *report.resolver.note << ".\n";
  return out.str();
}

std::string formatChanges(const checks::Report& report) {
  if (report.verdict == checks::Verdict::could_not_check) return "Not compared: the check could not be done.\n";
  if (!report.changesSinceLast) return "No earlier check of " + report.domainUnicode + " to compare with.\n";
  const checks::ChangesSinceLast& changes = *report.changesSinceLast;
  if (changes.changes.empty()) return "No changes since " + changes.previousCheckedAt + ".\n";
  std::string out = "Changes since " + changes.previousCheckedAt + ":\n";
  for (const checks::Change& change : changes.changes) out += "  - " + change.message + "\n";
  return out;
}

}  // namespace mxh::cli

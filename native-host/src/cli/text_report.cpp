#include "cli/text_report.h"

#include <sstream>

namespace mxh::cli {
namespace {

using checks::Report;
using checks::Severity;
using checks::Verdict;

std::string_view verdictText(Verdict verdict) {
  switch (verdict) {
    case Verdict::healthy: return "Healthy";
    case Verdict::needs_attention: return "Needs attention";
    case Verdict::broken: return "Broken";
    case Verdict::could_not_check: return "Could not check";
  }
  return "Could not check";
}

std::string_view severityTag(Severity severity) {
  switch (severity) {
    case Severity::error: return "[error]  ";
    case Severity::warning: return "[warning]";
    case Severity::info: return "[info]   ";
  }
  return "[info]   ";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// "      25  198.51.100.25    ok            TLSv1.3, certificate CN=mx1 by CN=Test CA, 89 days left"
std::string formatProbeLine(const smtp::ProbeResult& probe) {
  std::ostringstream line;
  const std::string port = std::to_string(probe.port);
  line << "      " << std::string(port.size() < 5 ? 5 - port.size() : 0, ' ') << port << "  " << probe.ip;
  line << std::string(probe.ip.size() < 16 ? 16 - probe.ip.size() : 1, ' ');
  const std::string_view status = smtp::probeStatusName(probe.status);
  line << status << std::string(status.size() < 18 ? 18 - status.size() : 1, ' ');
  if (probe.tls) {
    line << probe.tls->version;
    if (probe.tls->certificate) {
      const auto& cert = *probe.tls->certificate;
      line << ", certificate " << (cert.daysLeft < 0 ? "expired" : std::to_string(cert.daysLeft) + " days left");
      if (!probe.tls->chainVerified) line << ", untrusted";
      if (!probe.tls->hostnameMatch) line << ", wrong name";
    }
  } else if (probe.error) {
    line << *probe.error;
  } else if (probe.greeting && probe.status != smtp::ProbeStatus::ok) {
    line << probe.greeting->substr(0, probe.greeting->find('\n'));
  }
  line << "\n";
  return line.str();
}

}  // namespace

std::string formatTextReport(const Report& report) {
  std::ostringstream out;
  out << report.domainUnicode;
  if (report.domainUnicode != report.domain) out << " (" << report.domain << ")";
  out << ": " << verdictText(report.verdict) << "\n";
  if (report.error) out << "  " << report.error->message << "\n";

  std::size_t hostWidth = 4;
  for (const auto& record : report.mxRecords) hostWidth = std::max(hostWidth, record.host.size());
  for (const auto& record : report.mxRecords) {
    out << "  MX " << record.priority;
    out << std::string(record.priority < 10 ? 4 : record.priority < 100 ? 3 : record.priority < 1000 ? 2 : 1, ' ');
    out << record.host << std::string(hostWidth - record.host.size() + 2, ' ');
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
  }
  for (const auto& finding : report.findings) {
    out << "  " << severityTag(finding.severity) << " " << finding.message;
    // A message that already cites an RFC (range names do) is not given a second one.
    if (finding.reference && finding.message.find("RFC ") == std::string::npos) {
      out << " (" << *finding.reference << ")";
    }
    out << "\n";
  }

  std::string dnssec = "not validated";
  for (const auto& entry : report.dnssec) {
    if (entry.name == report.domain && (entry.type == "MX" || report.implicitMx)) {
      dnssec = entry.status;
      break;
    }
  }
  out << "  DNSSEC: " << dnssec << ". Resolver: " << (report.resolver.mode == "system" ? "system (" : "")
      << joined(report.resolver.servers) << (report.resolver.mode == "system" ? ")" : "") << ". Checked in "
      << report.durationMs << " ms.\n";
  if (report.resolver.note) out << "  Note: " << *report.resolver.note << ".\n";
  return out.str();
}

}  // namespace mxh::cli

namespace mxh::cli {

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

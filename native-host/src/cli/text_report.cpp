#include "cli/text_report.h"

#include <sstream>

#include "checks/report_json.h"

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

using Json = nlohmann::ordered_json;

std::string text(const Json& value, std::string_view fallback = "") {
  return value.is_string() ? value.get<std::string>() : std::string(fallback);
}

// "PTR mx1.smtp.test (confirmed); not listed on 7 blocklists" for one address.
std::string formatAddressChecks(const Json& address) {
  std::string line;
  const Json& ptr = address["ptr"];
  if (ptr.is_object()) {
    const std::string status = text(ptr["status"]);
    const std::string names = ptr["names"].empty() ? "" : ptr["names"][0].get<std::string>();
    if (status == "ok") line = "PTR " + names + " (confirmed)";
    if (status == "mismatch") line = "PTR " + names + " (not the MX name)";
    if (status == "unconfirmed") line = "PTR " + names + " (does not resolve back)";
    if (status == "none") line = "no PTR";
    if (status == "unknown") line = "PTR unknown (" + text(ptr["error"], "lookup failed") + ")";
  }
  std::size_t notListed = 0;
  std::vector<std::string> listed;
  std::vector<std::string> unknown;
  for (const Json& list : address["blocklists"]) {
    const std::string status = text(list["status"]);
    if (status == "not_listed") ++notListed;
    if (status == "listed") {
      std::string entry = text(list["list"]);
      if (!list["meanings"].empty()) entry += " (" + text(list["meanings"][0]) + ")";
      listed.push_back(entry);
    }
    if (status == "unknown") unknown.push_back(text(list["list"]));
  }
  if (!address["blocklists"].empty()) {
    if (!line.empty()) line += "; ";
    std::vector<std::string> parts;
    if (!listed.empty()) parts.push_back("LISTED on " + joined(listed));
    if (notListed > 0) parts.push_back("not listed on " + std::to_string(notListed) + " blocklists");
    if (!unknown.empty()) parts.push_back("no answer from " + joined(unknown));
    for (std::size_t i = 0; i < parts.size(); ++i) line += (i ? "; " : "") + parts[i];
  }
  return line;
}

std::string formatDane(const Json& dane) {
  if (!dane.is_object()) return "";
  const std::string status = text(dane["status"]);
  if (status == "none") return "";
  std::string line = "DANE: ";
  if (status == "match") {
    const Json& m = dane["matched"];
    line += "the port-25 certificate matches TLSA";
    if (m.is_object()) {
      line += " " + std::to_string(m["usage"].get<int>()) + " " + std::to_string(m["selector"].get<int>()) + " " +
              std::to_string(m["matching_type"].get<int>());
    }
  } else if (status == "mismatch") {
    line += "the port-25 certificate does NOT match the TLSA records";
  } else if (status == "insecure") {
    line += "TLSA records without DNSSEC (senders ignore them)";
  } else if (status == "unusable") {
    line += "no TLSA record usable for SMTP";
  } else if (status == "not_checked") {
    line += "TLSA records, but no TLS handshake on port 25 to check them against";
  } else {
    line += "unknown (" + text(dane["error"], "lookup failed") + ")";
  }
  return line;
}

// "SPF -all, DMARC p=reject, MTA-STS enforce, TLS-RPT yes"
std::string formatPolicies(const Json& report) {
  if (!report["spf"].is_object()) return "";
  const auto statusOf = [&](const char* name) { return text(report[name]["status"]); };
  std::string spf =
      statusOf("spf") == "ok" ? "SPF " + text(report["spf"]["all"], "without all") : "SPF " + statusOf("spf");
  std::string dmarc =
      statusOf("dmarc") == "ok" ? "DMARC p=" + text(report["dmarc"]["policy"]) : "DMARC " + statusOf("dmarc");
  std::string sts = "MTA-STS none";
  if (report["mta_sts"].is_object()) {
    const Json& mtaSts = report["mta_sts"];
    const std::string status = text(mtaSts["status"]);
    const bool hasMode = mtaSts["policy"].is_object() && mtaSts["policy"]["mode"].is_string();
    sts = "MTA-STS " + (status == "ok" && hasMode ? text(mtaSts["policy"]["mode"]) : status);
  }
  std::string rpt = "TLS-RPT " + (statusOf("tls_rpt") == "ok" ? std::string("yes") : statusOf("tls_rpt"));
  return spf + ", " + dmarc + ", " + sts + ", " + rpt;
}

}  // namespace

std::string formatTextReport(const Report& report) {
  const Json json = checks::reportToJson(report);
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
    for (const Json& recordJson : json["mx_records"]) {
      if (recordJson["host"] != record.host) continue;
      if (const std::string dane = formatDane(recordJson["dane"]); !dane.empty()) out << "      " << dane << "\n";
      for (const Json& address : recordJson["addresses"]) {
        const std::string checks = formatAddressChecks(address);
        if (!checks.empty()) out << "      " << text(address["ip"]) << "  " << checks << "\n";
      }
      break;
    }
  }
  if (const std::string policies = formatPolicies(json); !policies.empty()) out << "  Policies: " << policies << "\n";
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

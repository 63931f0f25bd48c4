#include "checks/report/history.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "checks/report/report_json.h"
#include "core/limits.h"

namespace mxh::checks {
namespace {

// The history says which domains a person checked: for their eyes only, whatever the umask.
// Creates `path` (mode 0600) if it is missing and takes group and other rights from it if not.
Status makePrivateFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    if (fd >= 0) ::close(fd);
    return Error{Errc::internal, "cannot create " + path.string() + " for this user only"};
  }
  ::close(fd);
  return Ok{};
}

using Json = nlohmann::ordered_json;

std::optional<std::string> optionalString(const Json& object, const char* name) {
  if (!object.contains(name) || !object[name].is_string()) return std::nullopt;
  return object[name].get<std::string>();
}

bool isProblem(const FindingSummary& finding) {
  return finding.severity == "error" || finding.severity == "warning";
}

std::string joinedPriorities(const std::multiset<int>& priorities) {
  std::string out;
  for (const int priority : priorities) out += (out.empty() ? "" : " and ") + std::to_string(priority);
  return out;
}

std::string portLabel(const std::string& host, int port) {
  return host + " port " + std::to_string(port);
}

}  // namespace

HistoryEntry summarize(const Report& report) {
  HistoryEntry entry;
  entry.domain = report.domain;
  entry.checkedAt = report.checkedAt;
  entry.verdict = std::string(verdictName(report.verdict));
  entry.smtpProbeEnabled = report.smtpProbeEnabled;
  for (const MxRecordReport& record : report.mxRecords) {
    MxSummary mx{record.priority, record.host, record.ips, {}};
    for (const smtp::ProbeResult& probe : record.smtpProbes) {
      if (probe.status == smtp::ProbeStatus::skipped || mx.ports.contains(probe.port)) continue;
      PortSummary port{std::string(smtp::probeStatusName(probe.status)), {}, {}, {}};
      if (probe.tls) {
        port.tlsVersion = probe.tls->version;
        if (probe.tls->certificate) {
          port.certNotAfter = probe.tls->certificate->notAfter;
          port.certIssuer = probe.tls->certificate->issuer;
        }
      }
      mx.ports.emplace(probe.port, std::move(port));
    }
    entry.mx.push_back(std::move(mx));
  }
  for (const Finding& finding : report.findings) {
    entry.findings.push_back({finding.code, std::string(severityName(finding.severity)), finding.host, finding.ip});
  }
  return entry;
}

Json entryToJson(const HistoryEntry& entry) {
  Json mx = Json::array();
  for (const MxSummary& record : entry.mx) {
    Json ports = Json::object();
    for (const auto& [port, summary] : record.ports) {
      ports[std::to_string(port)] = Json{{"status", summary.status},
                                         {"tls_version", orNull(summary.tlsVersion)},
                                         {"cert_not_after", orNull(summary.certNotAfter)},
                                         {"cert_issuer", orNull(summary.certIssuer)}};
    }
    mx.push_back(Json{{"priority", record.priority}, {"host", record.host}, {"ips", record.ips}, {"ports", ports}});
  }
  Json findings = Json::array();
  for (const FindingSummary& finding : entry.findings) {
    findings.push_back(Json{{"code", finding.code},
                            {"severity", finding.severity},
                            {"host", orNull(finding.host)},
                            {"ip", orNull(finding.ip)}});
  }
  return Json{{"domain", entry.domain},   {"checked_at", entry.checkedAt},
              {"verdict", entry.verdict}, {"smtp_probe_enabled", entry.smtpProbeEnabled},
              {"mx", std::move(mx)},      {"findings", std::move(findings)}};
}

std::string entryToJsonLine(const HistoryEntry& entry) {
  return entryToJson(entry).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<HistoryEntry> entryFromJsonLine(std::string_view line) {
  try {
    const Json json = Json::parse(line);
    HistoryEntry entry;
    entry.domain = json.at("domain").get<std::string>();
    entry.checkedAt = json.at("checked_at").get<std::string>();
    entry.verdict = json.at("verdict").get<std::string>();
    const auto probed = json.find("smtp_probe_enabled");
    entry.smtpProbeEnabled = probed != json.end() && *probed == true;
    for (const Json& record : json.at("mx")) {
      MxSummary mx{record.at("priority").get<int>(),
                   record.at("host").get<std::string>(),
                   record.at("ips").get<std::vector<std::string>>(),
                   {}};
      for (const auto& [port, summary] : record.at("ports").items()) {
        mx.ports.emplace(
            std::stoi(port),
            PortSummary{summary.at("status").get<std::string>(), optionalString(summary, "tls_version"),
                        optionalString(summary, "cert_not_after"), optionalString(summary, "cert_issuer")});
      }
      entry.mx.push_back(std::move(mx));
    }
    for (const Json& finding : json.at("findings")) {
      entry.findings.push_back({finding.at("code").get<std::string>(), finding.at("severity").get<std::string>(),
                                optionalString(finding, "host"), optionalString(finding, "ip")});
    }
    return entry;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged line costs this entry only
  }
}

std::vector<Change> diffEntries(const HistoryEntry& before, const HistoryEntry& after) {
  std::vector<Change> changes;
  auto add = [&](const char* kind, std::string message, std::optional<std::string> host = {},
                 std::optional<int> port = {}) {
    changes.push_back({kind, std::move(message), std::move(host), port});
  };
  // A DNS-only check after a probed one (or the reverse) compares DNS facts only: its verdict
  // and its missing probe findings are no change of the domain.
  const bool sameKind = before.smtpProbeEnabled == after.smtpProbeEnabled;
  if (before.verdict != after.verdict && sameKind) {
    add("verdict.changed", "The verdict changed from " + before.verdict + " to " + after.verdict + ".");
  }
  // A host may be listed more than once (with several priorities): compare its priorities as a set.
  std::map<std::string, const MxSummary*> old;
  std::map<std::string, std::multiset<int>> oldPriorities;
  std::map<std::string, std::multiset<int>> newPriorities;
  for (const MxSummary& mx : before.mx) {
    old.emplace(mx.host, &mx);
    oldPriorities[mx.host].insert(mx.priority);
  }
  for (const MxSummary& mx : after.mx) newPriorities[mx.host].insert(mx.priority);
  std::set<std::string> current;
  for (const MxSummary& mx : after.mx) {
    if (!current.insert(mx.host).second) continue;  // each host once
    const auto found = old.find(mx.host);
    if (found == old.end()) {
      add("mx.added", "The MX host " + mx.host + " was added (priority " + std::to_string(mx.priority) + ").", mx.host);
      continue;
    }
    const MxSummary& was = *found->second;
    if (oldPriorities[mx.host] != newPriorities[mx.host]) {
      add("mx.priority_changed",
          "The priority of MX host " + mx.host + " changed from " + joinedPriorities(oldPriorities[mx.host]) + " to " +
              joinedPriorities(newPriorities[mx.host]) + ".",
          mx.host);
    }
    for (const std::string& ip : mx.ips) {
      if (std::find(was.ips.begin(), was.ips.end(), ip) == was.ips.end()) {
        add("address.added", "MX host " + mx.host + " has a new address " + ip + ".", mx.host);
      }
    }
    for (const std::string& ip : was.ips) {
      if (std::find(mx.ips.begin(), mx.ips.end(), ip) == mx.ips.end()) {
        add("address.removed", "MX host " + mx.host + " no longer has the address " + ip + ".", mx.host);
      }
    }
    for (const auto& [port, now] : mx.ports) {
      const auto previous = was.ports.find(port);
      if (previous == was.ports.end()) continue;  // like with like only
      const PortSummary& then = previous->second;
      const std::string where = portLabel(mx.host, port);
      if (then.status != now.status) {
        add("probe.status_changed", "On " + where + " the probe went from " + then.status + " to " + now.status + ".",
            mx.host, port);
      }
      if (then.tlsVersion && now.tlsVersion && *then.tlsVersion != *now.tlsVersion) {
        add("tls.version_changed",
            "On " + where + " TLS went from " + *then.tlsVersion + " to " + *now.tlsVersion + ".", mx.host, port);
      }
      if (then.certNotAfter && now.certNotAfter && *now.certNotAfter > *then.certNotAfter) {
        add("certificate.renewed",
            "The certificate on " + where + " was renewed: it now expires " + now.certNotAfter->substr(0, 10) +
                " (was " + then.certNotAfter->substr(0, 10) + ").",
            mx.host, port);
      }
      if (then.certIssuer && now.certIssuer && *then.certIssuer != *now.certIssuer) {
        add("certificate.changed", "The certificate on " + where + " now comes from " + *now.certIssuer + ".", mx.host,
            port);
      }
    }
  }
  for (const MxSummary& mx : before.mx) {
    if (!current.contains(mx.host)) add("mx.removed", "The MX host " + mx.host + " was removed.", mx.host);
  }
  auto key = [](const FindingSummary& f) { return std::make_tuple(f.code, f.host.value_or(""), f.ip.value_or("")); };
  std::set<std::tuple<std::string, std::string, std::string>> oldProblems;
  std::set<std::tuple<std::string, std::string, std::string>> newProblems;
  // Probe findings exist only when a check probed: compare them only between two such checks.
  auto comparable = [&](const FindingSummary& f) {
    const bool fromProbes = f.code.starts_with("smtp.") || f.code.starts_with("tls.") || f.code.starts_with("network.");
    return isProblem(f) && (sameKind || !fromProbes);
  };
  for (const FindingSummary& f : before.findings) {
    if (comparable(f)) oldProblems.insert(key(f));
  }
  for (const FindingSummary& f : after.findings) {
    if (comparable(f)) newProblems.insert(key(f));
  }
  for (const FindingSummary& f : after.findings) {
    if (comparable(f) && !oldProblems.contains(key(f))) {
      add("finding.new", "New " + f.severity + ": " + f.code + (f.host ? " (" + *f.host + ")" : "") + ".", f.host);
      oldProblems.insert(key(f));  // once per key
    }
  }
  for (const FindingSummary& f : before.findings) {
    if (comparable(f) && !newProblems.contains(key(f))) {
      add("finding.resolved", "Resolved: " + f.code + (f.host ? " (" + *f.host + ")" : "") + ".", f.host);
      newProblems.insert(key(f));
    }
  }
  return changes;
}

std::optional<std::filesystem::path> HistoryStore::defaultPath() {
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && data[0] == '/') {
    return std::filesystem::path(data) / "mxhealth" / "history.jsonl";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::filesystem::path(home) / ".local" / "share" / "mxhealth" / "history.jsonl";
  }
  return std::nullopt;
}

bool HistoryStore::endsWithNewline(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() <= 0) return true;  // empty or absent: nothing to finish
  in.seekg(-1, std::ios::end);
  return in.get() == '\n';
}

Result<std::vector<HistoryEntry>> HistoryStore::readAll() {
  std::vector<HistoryEntry> entries;
  std::error_code error;
  if (!std::filesystem::exists(file_, error)) return entries;
  const auto size = std::filesystem::file_size(file_, error);
  if (error) return Error{Errc::internal, "cannot read " + file_.string() + ": " + error.message()};
  if (size > limits::kMaxHistoryFileBytes) {
    return Error{Errc::internal, file_.string() + " is larger than " + std::to_string(limits::kMaxHistoryFileBytes) +
                                     " bytes; it is not read"};
  }
  std::ifstream in(file_);
  if (!in) return Error{Errc::internal, "cannot read " + file_.string()};
  std::string line;
  while (std::getline(in, line)) {
    if (auto entry = entryFromJsonLine(line)) entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<std::vector<HistoryEntry>> HistoryStore::entriesFor(const std::string& domain) {
  const std::lock_guard lock(mutex_);
  auto all = readAll();
  if (!all) return all.error();
  std::vector<HistoryEntry> matching;
  for (auto it = all->rbegin(); it != all->rend() && matching.size() < limits::kMaxHistoryEntriesPerDomain; ++it) {
    if (it->domain == domain) matching.push_back(std::move(*it));
  }
  return matching;
}

Status HistoryStore::append(const HistoryEntry& entry) {
  const std::lock_guard lock(mutex_);
  std::error_code error;
  // A directory made here is the user's only; one that exists is left as it is (it may be shared).
  if (std::filesystem::create_directories(file_.parent_path(), error) && !error) {
    std::filesystem::permissions(file_.parent_path(), std::filesystem::perms::owner_all, error);
  }
  if (error) return Error{Errc::internal, "cannot create " + file_.parent_path().string() + ": " + error.message()};
  auto all = readAll();
  if (!all) return all.error();
  all->push_back(entry);
  const auto sameDomain = static_cast<std::size_t>(
      std::count_if(all->begin(), all->end(), [&](const HistoryEntry& e) { return e.domain == entry.domain; }));
  if (all->size() <= limits::kMaxHistoryEntries && sameDomain <= limits::kMaxHistoryEntriesPerDomain) {
    // A line cut short by a crash must not swallow the next entry: start on a fresh line.
    std::string line = entryToJsonLine(entry) + "\n";
    if (!endsWithNewline(file_)) line.insert(0, "\n");
    if (auto made = makePrivateFile(file_); !made) return made.error();
    std::ofstream out(file_, std::ios::app);
    out << line;
    out.close();  // only a flushed stream tells whether the disk took it
    if (!out) return Error{Errc::internal, "cannot write " + file_.string() + " (is the disk full?)"};
    return Ok{};
  }
  // Over a bound (also a file that grew past it elsewhere): drop the oldest of this domain, then
  // the oldest overall, and rewrite.
  for (std::size_t excess =
           sameDomain > limits::kMaxHistoryEntriesPerDomain ? sameDomain - limits::kMaxHistoryEntriesPerDomain : 0;
       excess > 0; --excess) {
    all->erase(std::find_if(all->begin(), all->end(), [&](const HistoryEntry& e) { return e.domain == entry.domain; }));
  }
  if (all->size() > limits::kMaxHistoryEntries) all->erase(all->begin(), all->end() - limits::kMaxHistoryEntries);
  return rewrite(*all);
}

Result<std::size_t> HistoryStore::clear(const std::optional<std::string>& domain) {
  const std::lock_guard lock(mutex_);
  std::error_code error;
  if (!std::filesystem::exists(file_, error)) return std::size_t{0};
  if (!domain) {
    // Everything goes, also lines that no longer parse: the file itself is removed.
    auto all = readAll();
    const std::size_t removed = all ? all->size() : 0;
    std::filesystem::remove(file_, error);
    if (error) return Error{Errc::internal, "cannot remove " + file_.string() + ": " + error.message()};
    return removed;
  }
  auto all = readAll();
  if (!all) return all.error();
  const auto removed = std::erase_if(*all, [&](const HistoryEntry& e) { return e.domain == *domain; });
  if (removed == 0) return std::size_t{0};
  if (auto written = rewrite(*all); !written) return written.error();
  return removed;
}

Status HistoryStore::rewrite(const std::vector<HistoryEntry>& entries) {
  std::error_code error;
  // A temporary file of this process's own, so two hosts rewriting at once cannot mix their
  // lines; renamed over the history only once it is completely on disk.
  const auto temporary = std::filesystem::path(file_).concat(".tmp." + std::to_string(::getpid()));
  if (auto made = makePrivateFile(temporary); !made) return made.error();
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const HistoryEntry& kept : entries) out << entryToJsonLine(kept) << '\n';
    out.close();
    if (!out) {
      std::filesystem::remove(temporary, error);
      return Error{Errc::internal, "cannot write " + temporary.string() + " (is the disk full?)"};
    }
  }
  std::filesystem::rename(temporary, file_, error);
  if (error) return Error{Errc::internal, "cannot replace " + file_.string() + ": " + error.message()};
  return Ok{};
}

std::vector<std::string> recordInHistory(HistoryStore& store, Report& report) {
  std::vector<std::string> warnings;
  if (report.verdict == Verdict::could_not_check) return warnings;  // nothing worth comparing
  const HistoryEntry now = summarize(report);
  auto previous = store.entriesFor(report.domain);
  if (!previous) {
    warnings.push_back("the history could not be read: " + previous.error().message);
  } else if (!previous->empty()) {
    report.changesSinceLast = ChangesSinceLast{previous->front().checkedAt, diffEntries(previous->front(), now)};
  }
  if (auto appended = store.append(now); !appended) {
    warnings.push_back("the history could not be written: " + appended.error().message);
  }
  return warnings;
}

}  // namespace mxh::checks

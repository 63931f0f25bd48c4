// The history of checks: a compact summary of each completed check, kept as JSON lines under
// the XDG data directory (bounded), and what changed since the previous check of a domain —
// "after my change, is everything still healthy?".
// JSON lines rather than an embedded database: append-only, readable, a damaged line costs
// one entry and never the file, and it needs no library beyond the JSON one we have.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/report/report.h"
#include "core/result.h"

namespace mxh::checks {

struct PortSummary {
  std::string status;
  std::optional<std::string> tlsVersion;
  std::optional<std::string> certNotAfter;
  std::optional<std::string> certIssuer;
};

struct MxSummary {
  int priority = 0;
  std::string host;
  std::vector<std::string> ips;
  std::map<int, PortSummary> ports;  // by port: the first probed address stands for the host
};

struct FindingSummary {
  std::string code;
  std::string severity;
  std::optional<std::string> host;
  std::optional<std::string> ip;
};

struct HistoryEntry {
  std::string domain;
  std::string checkedAt;
  std::string verdict;
  bool smtpProbeEnabled = false;
  std::vector<MxSummary> mx;
  std::vector<FindingSummary> findings;
};

HistoryEntry summarize(const Report& report);
// An entry as the history file and the `history` reply hold it.
nlohmann::ordered_json entryToJson(const HistoryEntry& entry);
std::string entryToJsonLine(const HistoryEntry& entry);
std::optional<HistoryEntry> entryFromJsonLine(std::string_view line);

// What changed from `before` to `after`, like with like (a probe only when both probed it).
std::vector<Change> diffEntries(const HistoryEntry& before, const HistoryEntry& after);

class HistoryStore {
 public:
  explicit HistoryStore(std::filesystem::path file) : file_(std::move(file)) {}
  // $XDG_DATA_HOME/mxhealth/history.jsonl, XDG_DATA_HOME defaulting to ~/.local/share.
  static std::optional<std::filesystem::path> defaultPath();

  // Entries for `domain`, newest first. Lines that do not parse are skipped.
  Result<std::vector<HistoryEntry>> entriesFor(const std::string& domain);
  // Appends, and trims the file to the bounds when it has grown past them.
  Status append(const HistoryEntry& entry);
  // Forgets the checks of `domain`, or every check when it is nullopt. Returns how many
  // entries were removed; a history that does not exist has none to remove.
  Result<std::size_t> clear(const std::optional<std::string>& domain);

 private:
  Result<std::vector<HistoryEntry>> readAll();
  // Replaces the file with `entries`, atomically (a temporary file renamed over it).
  Status rewrite(const std::vector<HistoryEntry>& entries);
  static bool endsWithNewline(const std::filesystem::path& file);
  std::filesystem::path file_;
  std::mutex mutex_;  // checks of one host finish on different threads
};

// Fills report.changesSinceLast from the store and appends this check. Returns warnings for
// a person (the history could not be read or written); the check itself stands regardless.
std::vector<std::string> recordInHistory(HistoryStore& store, Report& report);

}  // namespace mxh::checks

// The one check use case: a target in, a report out, with the result cache consulted and filled
// and the history recorded as the request's policy says. The CLI and the native host call it;
// so will every other front end (batch, exporter): none of them runs the engine by itself.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/engine/result_cache.h"
#include "checks/engine/run_check.h"
#include "checks/engine/target.h"
#include "checks/options/check_options.h"
#include "checks/report/history.h"
#include "core/cancel.h"
#include "core/result.h"

namespace mxh::checks {

struct CheckServiceConfig {
  // Where completed checks are recorded; nullopt: no history.
  std::optional<std::filesystem::path> historyFile;
  // How long a result answers the same check again; nullopt: no cache (one-shot front ends).
  std::optional<std::chrono::milliseconds> cacheTtl;
};

struct CheckOutcome {
  Report report;
  bool cached = false;
  std::chrono::milliseconds cachedAge{0};
  std::vector<std::string> warnings;  // the history could not be read or written
};

// Thread-safe: front ends run several checks at once.
class CheckService {
 public:
  explicit CheckService(const CheckServiceConfig& config);

  // An Error only when the check cannot start or was cancelled (runCheck). A result from the
  // cache comes without observer calls.
  Result<CheckOutcome> run(const Target& target, const CheckOptions& options, const RequestPolicy& policy,
                           const CancelToken& cancel, const CheckObserver& observer = {});

  // The domain's recorded checks, oldest first; empty without a history.
  Result<std::vector<HistoryEntry>> history(const std::string& domain);
  // Forgets the domain's checks, or all; how many were removed.
  Result<std::size_t> clearHistory(const std::optional<std::string>& domain);
  [[nodiscard]] bool keepsHistory() const { return history_ != nullptr; }

 private:
  std::optional<ResultCache> cache_;
  std::unique_ptr<HistoryStore> history_;  // null: no history kept
};

// The cache key: the domain and every validated, normalised option (defaults included), so two
// requests that mean the same check share one entry whatever they spelled out.
std::string cacheKey(const std::string& domain, const CheckOptions& options);

}  // namespace mxh::checks

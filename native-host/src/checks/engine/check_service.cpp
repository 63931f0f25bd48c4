#include "checks/engine/check_service.h"

#include "checks/options/option_table.h"

namespace mxh::checks {

std::string cacheKey(const std::string& domain, const CheckOptions& options) {
  return domain + "|" + checkOptionsToJson(options).dump();
}

CheckService::CheckService(const CheckServiceConfig& config) {
  if (config.cacheTtl) cache_.emplace(*config.cacheTtl);
  if (config.historyFile) history_ = std::make_unique<HistoryStore>(*config.historyFile);
}

Result<CheckOutcome> CheckService::run(const Target& target, const CheckOptions& options, const RequestPolicy& policy,
                                       const CancelToken& cancel, const CheckObserver& observer) {
  const std::string key = cacheKey(target.domain.ascii, options);
  if (cache_ && !policy.fresh) {
    if (auto hit = cache_->find(key)) {
      if (!policy.history) hit->report.changesSinceLast.reset();  // asked for no history: none shown
      return CheckOutcome{std::move(hit->report), true, hit->age, {}};
    }
  }
  auto report = runCheck(target, options, cancel, observer);
  if (!report) return report.error();
  CheckOutcome outcome{std::move(report).value(), false, {}, {}};
  if (cancel.cancelled()) return outcome;  // the caller answers "cancelled"; nothing is kept
  if (policy.history && history_) outcome.warnings = recordInHistory(*history_, outcome.report);
  // A check that could not be done is worth repeating at once, not remembering.
  if (cache_ && outcome.report.verdict != Verdict::could_not_check) cache_->store(key, outcome.report);
  return outcome;
}

Result<std::vector<HistoryEntry>> CheckService::history(const std::string& domain) {
  if (!history_) return std::vector<HistoryEntry>{};
  return history_->entriesFor(domain);
}

Result<std::size_t> CheckService::clearHistory(const std::optional<std::string>& domain) {
  if (!history_) return std::size_t{0};
  return history_->clear(domain);
}

}  // namespace mxh::checks

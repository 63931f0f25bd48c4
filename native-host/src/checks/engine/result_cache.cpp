#include "checks/engine/result_cache.h"

#include <algorithm>

#include "core/limits.h"

namespace mxh::checks {

std::optional<ResultCache::Hit> ResultCache::find(const std::string& key) {
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now_() - found->second.storedAt);
  if (age >= ttl_) {
    entries_.erase(found);
    return std::nullopt;
  }
  return Hit{found->second.report, age};
}

void ResultCache::store(const std::string& key, const Report& report) {
  const std::lock_guard lock(mutex_);
  const auto now = now_();
  std::erase_if(entries_, [&](const auto& entry) { return now - entry.second.storedAt >= ttl_; });
  if (entries_.size() >= limits::kMaxCachedResults && !entries_.contains(key)) {
    const auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.storedAt < b.second.storedAt;
    });
    entries_.erase(oldest);
  }
  entries_.insert_or_assign(key, Entry{now, report});
}

}  // namespace mxh::checks

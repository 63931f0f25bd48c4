// Recent check results in memory, so a popup reopened within minutes answers at once.
// Bounded in age and in count. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "checks/report/report.h"
#include "core/clock.h"
#include "core/limits.h"

namespace mxh::checks {

class ResultCache {
 public:
  using Now = std::function<SteadyClock::time_point()>;
  explicit ResultCache(
      std::chrono::milliseconds ttl = limits::kDefaultCacheTtl, Now now = [] { return SteadyClock::now(); })
      : ttl_(ttl), now_(std::move(now)) {}

  struct Hit {
    Report report;
    std::chrono::milliseconds age;
  };
  std::optional<Hit> find(const std::string& key);
  void store(const std::string& key, const Report& report);

 private:
  struct Entry {
    SteadyClock::time_point storedAt;
    Report report;
  };
  std::chrono::milliseconds ttl_;
  Now now_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace mxh::checks

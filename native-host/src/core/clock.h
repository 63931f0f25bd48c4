// Deadlines on the monotonic clock, and the wall-clock timestamps that reports carry.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

namespace mxh {

using SteadyClock = std::chrono::steady_clock;

// A point in time after which an operation must give up. Cheap to copy.
class Deadline {
 public:
  static Deadline after(std::chrono::milliseconds budget) { return Deadline(SteadyClock::now() + budget); }
  static Deadline at(SteadyClock::time_point when) { return Deadline(when); }

  [[nodiscard]] SteadyClock::time_point when() const { return when_; }
  [[nodiscard]] bool expired() const { return SteadyClock::now() >= when_; }
  // Time left, never negative.
  [[nodiscard]] std::chrono::milliseconds remaining() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when_ - SteadyClock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
  // The earlier of this deadline and `budget` from now: a step's own limit inside a larger one.
  [[nodiscard]] Deadline capped(std::chrono::milliseconds budget) const {
    return Deadline(std::min(when_, SteadyClock::now() + budget));
  }

 private:
  explicit Deadline(SteadyClock::time_point when) : when_(when) {}
  SteadyClock::time_point when_;
};

// Now, as RFC 3339 UTC with milliseconds: "2026-11-26T11:20:00.123Z".
std::string utcTimestampNow();

// Milliseconds elapsed since `start` on the monotonic clock.
long long millisecondsSince(SteadyClock::time_point start);

}  // namespace mxh

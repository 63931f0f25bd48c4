// Cooperative cancellation: a CancelSource owned by whoever may stop a request, and CancelTokens
// handed down to every step, which look at it between waits. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

namespace mxh {

class CancelToken {
 public:
  // A token that is never cancelled (for callers with nothing to cancel).
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  [[nodiscard]] bool cancelled() const noexcept { return flag_->load(std::memory_order_acquire); }

 private:
  friend class CancelSource;
  explicit CancelToken(std::shared_ptr<std::atomic<bool>> flag) : flag_(std::move(flag)) {}
  std::shared_ptr<std::atomic<bool>> flag_;
};

class CancelSource {
 public:
  CancelSource() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  [[nodiscard]] CancelToken token() const { return CancelToken(flag_); }
  void cancel() noexcept { flag_->store(true, std::memory_order_release); }
  [[nodiscard]] bool cancelled() const noexcept { return flag_->load(std::memory_order_acquire); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace mxh

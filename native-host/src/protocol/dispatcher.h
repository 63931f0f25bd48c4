// Requests in, messages out. Each frame from the browser is parsed and answered through a
// MessageSink; each check runs on a thread of its own and streams its progress, so several
// checks run at once and any of them can be cancelled. Handlers never touch stdio.
// Thread-safety: handle() and cancelAll() are called from one thread; the sink from many.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "checks/engine/check_service.h"
#include "checks/report/history.h"
#include "core/cancel.h"
#include "core/limits.h"
#include "protocol/messages.h"

namespace mxh::protocol {

struct DispatcherConfig {
  // Where completed checks are recorded; nullopt: no history.
  std::optional<std::filesystem::path> historyFile = checks::HistoryStore::defaultPath();
  std::chrono::milliseconds cacheTtl = limits::kDefaultCacheTtl;
};

class Dispatcher {
 public:
  explicit Dispatcher(MessageSink& sink, const DispatcherConfig& config = {});
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;
  ~Dispatcher();  // cancels what runs and waits for it

  // One well-framed message from the browser.
  void handle(std::string_view frame);
  // Cancels every running check and waits until all have answered.
  void shutdown();
  [[nodiscard]] std::size_t runningChecks();

 private:
  struct RunningCheck {
    CancelSource cancel;
    std::atomic<bool> finished{false};
    std::thread thread;
  };

  void startCheck(const Request& request);
  void answerHistory(const Request& request);
  void clearHistory(const Request& request);
  void cancelCheck(const Request& request);
  void reapFinished();

  MessageSink& sink_;
  checks::CheckService service_;
  std::mutex mutex_;
  // Held while a check sends its final answer and marks itself finished (lock order: mutex_ first).
  std::mutex finishing_;
  std::map<std::string, std::unique_ptr<RunningCheck>> checks_;  // by the request id's JSON text
};

}  // namespace mxh::protocol

#include "core/log.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/limits.h"
#include "core/text.h"

namespace mxh {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::mutex& logMutex() {
  static std::mutex mutex;
  return mutex;
}

// The optional log file, opened on first use from MXHEALTH_LOG_FILE.
std::FILE* logFile() {
  static const std::unique_ptr<std::FILE, FileCloser> file = [] {
    const char* path = std::getenv("MXHEALTH_LOG_FILE");
    return std::unique_ptr<std::FILE, FileCloser>(path != nullptr && path[0] != '\0' ? std::fopen(path, "a") : nullptr);
  }();
  return file.get();
}

}  // namespace

void logLine(std::string_view text) {
  const std::string line = utcTimestampNow() + " mxhealth[" + std::to_string(::getpid()) +
                           "]: " + sanitizeForDisplay(text, limits::kMaxLogLine) + "\n";
  const std::lock_guard lock(logMutex());
  std::fputs(line.c_str(), stderr);
  if (std::FILE* file = logFile(); file != nullptr) {
    std::fputs(line.c_str(), file);
    std::fflush(file);
  }
}

}  // namespace mxh

#include "core/log.h"

#include <fcntl.h>
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
    if (path == nullptr || path[0] == '\0') return std::unique_ptr<std::FILE, FileCloser>();
    // The log names the domains checked: a new log file is the user's only (mode 0600).
    const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    std::FILE* opened = fd >= 0 ? ::fdopen(fd, "a") : nullptr;
    if (opened == nullptr && fd >= 0) ::close(fd);
    return std::unique_ptr<std::FILE, FileCloser>(opened);
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

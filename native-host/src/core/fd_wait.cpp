#include "core/fd_wait.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "core/limits.h"

namespace mxh {

FdWait waitForFd(int fd, short events, Deadline deadline, const CancelToken& cancel) {
  while (true) {
    if (cancel.cancelled()) return FdWait::cancelled;
    if (deadline.expired()) return FdWait::timeout;
    pollfd ready{fd, events, 0};
    const auto slice = std::min(deadline.remaining(), limits::kCancelPollInterval);
    const int rc = ::poll(&ready, 1, static_cast<int>(slice.count()));
    if (rc > 0) return FdWait::ready;
    if (rc < 0 && errno != EINTR) return FdWait::failed;
  }
}

}  // namespace mxh

// Waiting for a file descriptor under a deadline and a cancel token: poll in short slices, so
// a cancellation is noticed within limits::kCancelPollInterval.
#pragma once

#include "core/cancel.h"
#include "core/clock.h"

namespace mxh {

enum class FdWait { ready, timeout, cancelled, failed };

// `events` as for poll(2): POLLIN, POLLOUT.
FdWait waitForFd(int fd, short events, Deadline deadline, const CancelToken& cancel);

}  // namespace mxh

// The native messaging host: how the browser starts mxhealth, and the loop that reads frames,
// dispatches them, and ends when the browser goes away.
#pragma once

#include <span>
#include <string_view>

#include "protocol/framing.h"

namespace mxh::protocol {

// Chromium passes the caller's origin ("chrome-extension://ID/"); Firefox passes the host
// manifest's path and the add-on id; `mxhealth native` asks for host mode by hand. `args`
// excludes the program name.
bool isNativeHostInvocation(std::span<const std::string_view> args);

// Serves frames from `in` until it ends, answering on `out`; then cancels every running check
// and returns once they have answered: 0 at a clean end, 1 after a broken frame.
int runNativeHost(ByteSource& in, ByteSink& out);

// runNativeHost on stdin/stdout, with stdout kept for frames only: frames go to a duplicate of
// the real stdout, and fd 1 points at stderr, so a stray print cannot corrupt the stream.
int runNativeHostOnStdio();

}  // namespace mxh::protocol

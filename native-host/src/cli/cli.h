// The command-line program: arguments in, a report on `out`, one-line errors on `err`, and the
// monitoring-style exit status (0 healthy, 1 warnings, 2 errors, 3 could not check); `doctor`
// maps its own outcome onto the same four (see the usage text).
#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace mxh::cli {

enum ExitStatus : int { kHealthy = 0, kWarnings = 1, kBroken = 2, kCouldNotCheck = 3 };

// `args` excludes the program name.
int runCli(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace mxh::cli

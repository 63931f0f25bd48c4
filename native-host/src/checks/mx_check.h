// One MX health check, start to finish: set up the resolver, ask DNS, judge the answers, build
// the report. Reads top-down like the check it performs.
#pragma once

#include "checks/check_options.h"
#include "checks/report.h"
#include "checks/target.h"
#include "core/cancel.h"
#include "core/result.h"

namespace mxh::checks {

// The version reported by the host and the CLI.
std::string_view mxhealthVersion();

// An Error only when the check cannot start (bad resolver address, unreadable trust anchor) or
// was cancelled; DNS failures during the check give a report with verdict could_not_check.
Result<Report> runCheck(const Target& target, const CheckOptions& options, const CancelToken& cancel);

}  // namespace mxh::checks

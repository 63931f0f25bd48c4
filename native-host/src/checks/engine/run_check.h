// One MX health check, start to finish, as its phases: plan (options, resolver) -> DNS facts ->
// probes and side facts (in parallel) -> evaluation (DANE, MTA-STS, findings) -> report. Front
// ends call it through the check use case (check_service.h), not directly.
#pragma once

#include <string>
#include <vector>

#include "checks/engine/stage_events.h"
#include "checks/engine/target.h"
#include "checks/options/check_options.h"
#include "checks/report/report.h"
#include "core/cancel.h"
#include "core/result.h"

namespace mxh::checks {

// The version reported by the host and the CLI.
std::string_view mxhealthVersion();

// An Error only when the check cannot start (bad resolver address, unreadable trust anchor) or
// was cancelled; DNS failures during the check give a report with verdict could_not_check.
Result<Report> runCheck(const Target& target, const CheckOptions& options, const CancelToken& cancel,
                        const CheckObserver& observer = {});

}  // namespace mxh::checks

// The report for a person at a terminal: a verdict line, one line per MX, the findings.
#pragma once

#include <string>

#include "checks/report.h"

namespace mxh::cli {

std::string formatTextReport(const checks::Report& report);

// What --compare prints: the changes since the previous check of the domain.
std::string formatChanges(const checks::Report& report);

}  // namespace mxh::cli

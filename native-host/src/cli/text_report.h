// The report for a person at a terminal, in the order a person reads it: the verdict and the
// headline (the consequence for mail), the six dimensions, what each kind of sender does, one
// block per MX, then the problems. Notes (info findings) fold into one line unless asked for.
// Reads the typed report; tells the same story as the popup and the report page.
#pragma once

#include <string>

#include "checks/report/report.h"

namespace mxh::cli {

struct TextOptions {
  bool verbose = false;  // every note and every "could not answer" on its own line
};

std::string formatTextReport(const checks::Report& report, TextOptions options = {});

// What --compare prints: the changes since the previous check of the domain.
std::string formatChanges(const checks::Report& report);

}  // namespace mxh::cli

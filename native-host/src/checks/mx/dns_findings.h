// The rules of an MX check: facts in, plain-language findings out. Pure functions, so every
// rule is unit-tested without a network. Codes are stable; docs/report.md lists them.
#pragma once

#include <vector>

#include "checks/mx/mx_lookup.h"
#include "checks/options/contact_policy.h"
#include "checks/report/report.h"

namespace mxh::checks {

// Findings for what DNS said about `domain`, most severe first (stable within a severity).
std::vector<Finding> evaluateDns(const std::string& domain, const MxFacts& facts, const ContactPolicy& contact);

}  // namespace mxh::checks

#include "checks/report.h"

#include <algorithm>

namespace mxh::checks {

std::string_view severityName(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

std::string_view verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::healthy: return "healthy";
    case Verdict::needs_attention: return "needs_attention";
    case Verdict::broken: return "broken";
    case Verdict::could_not_check: return "could_not_check";
  }
  return "could_not_check";
}

Verdict verdictFor(const std::vector<Finding>& findings, bool couldNotCheck) {
  if (couldNotCheck) return Verdict::could_not_check;
  const auto has = [&](Severity severity) {
    return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == severity; });
  };
  if (has(Severity::error)) return Verdict::broken;
  if (has(Severity::warning)) return Verdict::needs_attention;
  return Verdict::healthy;
}

}  // namespace mxh::checks

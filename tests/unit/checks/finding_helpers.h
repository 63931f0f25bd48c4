// Test helpers for the checks' findings: Severity printable in Boost.Test messages, and a list of
// findings read by its codes, its only finding, or the finding with a given code.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "checks/report/report.h"

namespace mxh::checks {
inline std::ostream& operator<<(std::ostream& out, Severity severity) {
  return out << severityName(severity);
}
}  // namespace mxh::checks

namespace mxh::testing {

inline std::vector<std::string> codes(const std::vector<checks::Finding>& findings) {
  std::vector<std::string> out;
  for (const checks::Finding& f : findings) out.push_back(f.code);
  return out;
}

inline checks::Finding only(const std::vector<checks::Finding>& findings) {
  BOOST_TEST_REQUIRE(findings.size() == 1U);
  return findings.front();
}

inline const checks::Finding* find(const std::vector<checks::Finding>& findings, const std::string& code) {
  const auto it =
      std::find_if(findings.begin(), findings.end(), [&](const checks::Finding& f) { return f.code == code; });
  return it == findings.end() ? nullptr : &*it;
}

}  // namespace mxh::testing

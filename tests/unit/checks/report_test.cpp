#define BOOST_TEST_MODULE checks_report
#include "checks/report.h"

#include <boost/test/unit_test.hpp>

using mxh::checks::Finding;
using mxh::checks::Severity;
using mxh::checks::Verdict;
using mxh::checks::verdictFor;

namespace {
Finding of(Severity severity) {
  return Finding{"x.y", severity, "m", {}, {}, {}};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(report_test)

BOOST_AUTO_TEST_CASE(verdict_follows_the_worst_finding) {
  BOOST_TEST((verdictFor({}, false) == Verdict::healthy));
  BOOST_TEST((verdictFor({of(Severity::info)}, false) == Verdict::healthy));
  BOOST_TEST((verdictFor({of(Severity::info), of(Severity::warning)}, false) == Verdict::needs_attention));
  BOOST_TEST((verdictFor({of(Severity::warning), of(Severity::error)}, false) == Verdict::broken));
}

BOOST_AUTO_TEST_CASE(could_not_check_wins) {
  BOOST_TEST((verdictFor({of(Severity::error)}, true) == Verdict::could_not_check));
}

BOOST_AUTO_TEST_CASE(names_are_the_documented_ones) {
  BOOST_TEST(mxh::checks::verdictName(Verdict::needs_attention) == "needs_attention");
  BOOST_TEST(mxh::checks::severityName(Severity::warning) == "warning");
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE cli_text_report
#include "cli/text_report.h"

#include <boost/test/unit_test.hpp>

using mxh::checks::Report;

BOOST_AUTO_TEST_SUITE(text_report_test)

BOOST_AUTO_TEST_CASE(verdict_mx_lines_and_findings) {
  Report report;
  report.domain = "xn--bcher-kva.test";
  report.domainUnicode = "bücher.test";
  report.verdict = mxh::checks::Verdict::needs_attention;
  mxh::checks::MxRecordReport good;
  good.priority = 10;
  good.host = "mx1.healthy.test";
  good.ips = {"198.51.100.10", "2001:db8:10::10"};
  good.reachable = true;
  mxh::checks::MxRecordReport bad;
  bad.priority = 20;
  bad.host = "gone.test";
  bad.error = "the host name does not exist (NXDOMAIN)";
  report.mxRecords = {good, bad};
  report.findings = {{"mx.unresolvable", mxh::checks::Severity::error, "The MX host gone.test has no address.",
                      std::string("gone.test"), std::nullopt, std::nullopt}};
  report.dnssec = {{"xn--bcher-kva.test", "MX", "secure", std::nullopt}};
  report.resolver = {"forward", {"127.0.0.1"}, true, std::nullopt, std::nullopt};
  report.durationMs = 12;

  report.findings.push_back(
      {"mx.no_ipv6", mxh::checks::Severity::info, "No IPv6.", std::nullopt, std::nullopt, std::nullopt});
  mxh::checks::Assessment assessment;
  assessment.headline = {"undeliverable", mxh::checks::Dimension::delivery, "No one can send mail to bücher.test."};
  for (auto& d : assessment.dimensions) d = {mxh::checks::DimensionStatus::ok, "Fine."};
  assessment.of(mxh::checks::Dimension::delivery) = {mxh::checks::DimensionStatus::error, "No MX host takes mail."};
  report.assessment = assessment;

  const std::string text = mxh::cli::formatTextReport(report);
  BOOST_TEST(text.rfind("bücher.test (xn--bcher-kva.test): Needs attention\n", 0) == 0U, text);
  BOOST_TEST(text.find("MX 10  mx1.healthy.test  198.51.100.10, 2001:db8:10::10") != std::string::npos, text);
  BOOST_TEST(text.find("gone.test") != std::string::npos);
  BOOST_TEST(text.find("NXDOMAIN") != std::string::npos);
  BOOST_TEST(text.find("[error]") != std::string::npos);
  BOOST_TEST(text.find("DNSSEC: secure") != std::string::npos);
  BOOST_TEST(text.find("12 ms") != std::string::npos);
  // The headline comes right after the verdict line, then the dimensions.
  BOOST_TEST(text.find("\n  No one can send mail to bücher.test.\n") != std::string::npos, text);
  BOOST_TEST(text.find("  Delivery         error    No MX host takes mail.\n") != std::string::npos, text);
  BOOST_TEST(text.find("  DNS integrity    ok       Fine.\n") != std::string::npos, text);
  // Notes fold into one line unless asked for.
  BOOST_TEST(text.find("No IPv6.") == std::string::npos, text);
  BOOST_TEST(text.find("1 note (shown with --verbose)") != std::string::npos, text);
  const std::string verbose = mxh::cli::formatTextReport(report, {true});
  BOOST_TEST(verbose.find("[note]    No IPv6.") != std::string::npos, verbose);
}

BOOST_AUTO_TEST_SUITE_END()

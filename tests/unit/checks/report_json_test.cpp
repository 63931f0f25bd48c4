#define BOOST_TEST_MODULE checks_report_json
#include "checks/report/report_json.h"

#include <boost/test/unit_test.hpp>

using mxh::checks::Report;

namespace {
Report sample() {
  Report report;
  report.version = "0.1.0";
  report.input = "Example.test";
  report.domain = "example.test";
  report.domainUnicode = "example.test";
  report.checkedAt = "2026-11-26T11:20:00.123Z";
  report.verdict = mxh::checks::Verdict::healthy;
  mxh::checks::MxRecordReport record;
  record.priority = 10;
  record.host = "mx1.example.test";
  record.ips = {"93.184.216.34"};
  record.reachable = true;
  record.addresses = {{"93.184.216.34", 4, true, std::nullopt}};
  report.mxRecords = {record};
  report.count = 1;
  report.resolver = {"forward", {"127.0.0.1"}, true, "/tmp/test.ta", std::nullopt};
  return report;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(report_json_test)

BOOST_AUTO_TEST_CASE(reference_api_fields_come_first_with_their_names) {
  const auto json = mxh::checks::reportToJson(sample());
  for (const char* field : {"domain", "mx_records", "has_valid_mx", "all_reachable", "smtp_probe_enabled",
                            "any_smtp_ok", "all_tls_ok", "issues", "count"}) {
    BOOST_TEST(json.contains(field), field);
  }
  BOOST_TEST(json.begin().key() == "version");
  const auto& record = json["mx_records"][0];
  BOOST_TEST(record["priority"].get<int>() == 10);
  BOOST_TEST(record["smtp_probe"].is_null());
  BOOST_TEST(record["error"].is_null());
  BOOST_TEST(record["addresses"][0]["public"].get<bool>());
}

BOOST_AUTO_TEST_CASE(absent_values_are_null_not_missing) {
  const auto json = mxh::checks::reportToJson(sample());
  BOOST_TEST(json["all_tls_ok"].is_null());
  BOOST_TEST(json["error"].is_null());
  BOOST_TEST(json["resolver"]["note"].is_null());
  BOOST_TEST(json["mx_records"][0]["cname"].is_null());
}

BOOST_AUTO_TEST_CASE(errors_carry_their_stable_code) {
  Report report = sample();
  report.error = mxh::Error{mxh::Errc::dns_timeout, "no answer"};
  const auto json = mxh::checks::reportToJson(report);
  BOOST_TEST(json["error"]["code"].get<std::string>() == "dns.timeout");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_never_throws) {
  Report report = sample();
  report.input = "bad \xff\xfe bytes";
  std::string text;
  BOOST_CHECK_NO_THROW(text = mxh::checks::reportToJsonText(report, -1));
  BOOST_TEST(text.find("\"input\":\"bad ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

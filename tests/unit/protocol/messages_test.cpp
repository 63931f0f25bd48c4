#define BOOST_TEST_MODULE protocol_messages
#include "protocol/messages.h"

#include <boost/test/unit_test.hpp>

using mxh::Errc;
using mxh::protocol::Json;
using mxh::protocol::parseCheckOptions;
using mxh::protocol::parseRequest;
using mxh::protocol::RejectedRequest;
using mxh::protocol::Request;

namespace {
RejectedRequest rejected(std::string_view frame) {
  auto parsed = parseRequest(frame);
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<RejectedRequest>(parsed), frame);
  return std::get<RejectedRequest>(parsed);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(messages_test)

BOOST_AUTO_TEST_CASE(a_good_request) {
  auto parsed = parseRequest(R"({"id":"a1","type":"check","params":{"target":"example.test"}})");
  BOOST_REQUIRE(std::holds_alternative<Request>(parsed));
  const Request& request = std::get<Request>(parsed);
  BOOST_TEST(request.id.get<std::string>() == "a1");
  BOOST_TEST(request.type == "check");
  BOOST_TEST(request.params["target"].get<std::string>() == "example.test");
  BOOST_TEST(std::get<Request>(parseRequest(R"({"id":7,"type":"hello"})")).params.is_object());
}

BOOST_AUTO_TEST_CASE(each_kind_of_bad_request_has_its_code) {
  BOOST_TEST(static_cast<int>(rejected("not json").error.code) == static_cast<int>(Errc::frame_invalid_json));
  BOOST_TEST(static_cast<int>(rejected("\"\xff\xfe\"").error.code) == static_cast<int>(Errc::frame_invalid_json));
  BOOST_TEST(static_cast<int>(rejected("[1,2]").error.code) == static_cast<int>(Errc::frame_invalid_json));
  BOOST_TEST(static_cast<int>(rejected(R"({"type":"hello"})").error.code) == static_cast<int>(Errc::request_invalid));
  BOOST_TEST(static_cast<int>(rejected(R"({"id":1.5,"type":"hello"})").error.code) ==
             static_cast<int>(Errc::request_invalid));
  const auto noType = rejected(R"({"id":"x"})");
  BOOST_TEST(noType.id.get<std::string>() == "x");  // the id is echoed when it could be read
  BOOST_TEST(static_cast<int>(rejected(R"({"id":"x","type":"check","params":[]})").error.code) ==
             static_cast<int>(Errc::request_invalid));
  BOOST_TEST(static_cast<int>(rejected(R"({"id":")" + std::string(200, 'a') + R"(","type":"hello"})").error.code) ==
             static_cast<int>(Errc::request_invalid));
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_without_recursion) {
  const std::string deep =
      R"({"id":1,"type":"hello","params":{"x":)" + std::string(200000, '[') + std::string(200000, ']') + "}}";
  BOOST_TEST(static_cast<int>(rejected(deep).error.code) == static_cast<int>(Errc::frame_invalid_json));
  BOOST_TEST(std::holds_alternative<Request>(parseRequest(R"({"id":1,"type":"hello","params":{"x":[[[1]]]}})")));
}

BOOST_AUTO_TEST_CASE(check_options_map_to_the_cli_options) {
  const auto options = parseCheckOptions(Json::parse(
      R"({"ports":[25,465,25],"no_smtp":true,"resolver":["::1@5353"],"allow_private":true,"timeout":12,
          "greeting_timeout":3,"ehlo":"probe.example.test","trust_anchor":"/tmp/ta","ca_file":"/tmp/ca.pem"})"));
  BOOST_REQUIRE(options.ok());
  BOOST_TEST(options->ports == (std::vector<std::uint16_t>{25, 465}), boost::test_tools::per_element());
  BOOST_TEST(!options->smtpProbe);
  BOOST_TEST(options->allowPrivate);
  BOOST_TEST(options->resolvers.front() == "::1@5353");
  BOOST_TEST(options->timeout.count() == 12000);
  BOOST_TEST(options->probeTimeouts.greeting.count() == 3000);
  BOOST_TEST(options->ehloName == "probe.example.test");
  BOOST_TEST(*options->caFile == "/tmp/ca.pem");
  BOOST_TEST(parseCheckOptions(Json(nullptr)).ok());
  const auto lists =
      parseCheckOptions(Json::parse(R"({"blocklists":["ZEN.spamhaus.org","zen.spamhaus.org"],"dqs_key":"k1"})"));
  BOOST_REQUIRE(lists.ok());
  BOOST_TEST(lists->blocklistsSet);
  BOOST_TEST(lists->blocklists == (std::vector<std::string>{"zen.spamhaus.org"}), boost::test_tools::per_element());
  BOOST_TEST(*lists->dqsKey == "k1");
  BOOST_TEST(!parseCheckOptions(Json::parse(R"({"dqs_key":""})")).ok());  // like every empty string option
}

BOOST_AUTO_TEST_CASE(bad_options_are_usage_errors) {
  for (const char* bad : {R"({"ports":[0]})", R"({"ports":"25"})", R"({"no_smtp":"yes"})", R"({"timeout":0})",
                          R"({"timeout":301})", R"({"tls_timeout":2.5})", R"({"ehlo":"x\r\nMAIL FROM:<a@b>"})",
                          R"({"ca_file":""})", R"({"resolver":[1]})", R"({"blocklists":"zen.spamhaus.org"})",
                          R"({"blocklists":["a b.org"]})", R"({"blocklists":[1]})", R"({"dqs_key":"a.b"})"}) {
    const auto options = parseCheckOptions(Json::parse(bad));
    BOOST_TEST(!options.ok(), bad);
    if (!options.ok()) BOOST_TEST(static_cast<int>(options.error().code) == static_cast<int>(Errc::usage));
  }
}

BOOST_AUTO_TEST_CASE(big_results_are_split_per_mx_record) {
  mxh::checks::Report report;
  report.domain = "example.test";
  for (int i = 0; i < 3; ++i) {
    mxh::checks::MxRecordReport record;
    record.host = "mx" + std::to_string(i) + ".example.test";
    record.error = std::string(400, 'x');
    report.mxRecords.push_back(record);
  }
  const Json id = "r";
  const auto whole = mxh::protocol::resultMessages(id, report, 1000000);
  BOOST_REQUIRE_EQUAL(whole.size(), 1U);
  BOOST_TEST(!whole[0].contains("parts"));
  const auto split = mxh::protocol::resultMessages(id, report, 1500);
  BOOST_REQUIRE_EQUAL(split.size(), 4U);
  BOOST_TEST(split[0]["type"].get<std::string>() == "result_part");
  BOOST_TEST(split[2]["index"].get<int>() == 2);
  BOOST_TEST(split[3]["type"].get<std::string>() == "result");
  BOOST_TEST(split[3]["parts"].get<int>() == 3);
  BOOST_TEST(split[3]["report"]["mx_records"].empty());
  for (const Json& message : split) BOOST_TEST(mxh::protocol::serialize(message).size() <= 1500U);
}

BOOST_AUTO_TEST_SUITE_END()

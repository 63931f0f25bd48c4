#define BOOST_TEST_MODULE protocol_native_host
#include "protocol/native_host.h"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "in_memory_streams.h"
#include "protocol/messages.h"

using mxh::protocol::Json;
using mxh::protocol::testing::frame;
using mxh::protocol::testing::StringSink;
using mxh::protocol::testing::StringSource;

namespace {

std::vector<Json> framesIn(const std::string& bytes) {
  std::vector<Json> messages;
  std::size_t position = 0;
  while (position + 4 <= bytes.size()) {
    std::uint32_t length = 0;
    std::memcpy(&length, bytes.data() + position, 4);
    messages.push_back(Json::parse(bytes.substr(position + 4, length)));
    position += 4 + length;
  }
  BOOST_TEST(position == bytes.size());  // nothing but whole frames
  return messages;
}

struct Run {
  int exitCode;
  std::vector<Json> messages;
};

Run serve(const std::string& input) {
  StringSource in(input);
  StringSink out;
  const int code = mxh::protocol::runNativeHost(in, out);
  return {code, framesIn(out.bytes)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(native_host_test)

BOOST_AUTO_TEST_CASE(how_browsers_start_the_host) {
  using Args = std::vector<std::string_view>;
  BOOST_TEST(mxh::protocol::isNativeHostInvocation(Args{"chrome-extension://abcdefghijklmnop/"}));
  BOOST_TEST(mxh::protocol::isNativeHostInvocation(
      Args{"/home/u/.mozilla/native-messaging-hosts/org.mxhealth.host.json", "mxhealth@mxhealth.org"}));
  BOOST_TEST(mxh::protocol::isNativeHostInvocation(Args{"native"}));
  BOOST_TEST(!mxh::protocol::isNativeHostInvocation(Args{"check", "example.com"}));
  BOOST_TEST(!mxh::protocol::isNativeHostInvocation(Args{}));
}

BOOST_AUTO_TEST_CASE(serves_until_the_input_ends) {
  const Run run = serve(frame(R"({"id":1,"type":"hello"})") + frame("garbage") + frame(R"({"id":2,"type":"hello"})"));
  BOOST_TEST(run.exitCode == 0);
  BOOST_REQUIRE_EQUAL(run.messages.size(), 3U);
  BOOST_TEST(run.messages[0]["type"].get<std::string>() == "hello");
  BOOST_TEST(run.messages[1]["error"]["code"].get<std::string>() == "frame.invalid_json");
  BOOST_TEST(run.messages[2]["id"].get<int>() == 2);  // it kept serving after the bad message
}

BOOST_AUTO_TEST_CASE(a_broken_frame_ends_the_session_with_an_error) {
  std::string huge(4, '\xff');
  const Run tooLarge = serve(frame(R"({"id":1,"type":"hello"})") + huge + "rest");
  BOOST_TEST(tooLarge.exitCode == 1);
  BOOST_REQUIRE_EQUAL(tooLarge.messages.size(), 2U);
  BOOST_TEST(tooLarge.messages[1]["error"]["code"].get<std::string>() == "frame.too_large");
  BOOST_TEST(tooLarge.messages[1]["id"].is_null());

  const Run empty = serve(std::string(4, '\0'));
  BOOST_TEST(empty.exitCode == 1);
  BOOST_TEST(empty.messages.at(0)["error"]["code"].get<std::string>() == "frame.empty");

  const Run truncated = serve(frame(R"({"id":1,"type":"hello"})").substr(0, 10));
  BOOST_TEST(truncated.exitCode == 0);
  BOOST_TEST(truncated.messages.at(0)["error"]["code"].get<std::string>() == "frame.truncated");
}

BOOST_AUTO_TEST_SUITE_END()

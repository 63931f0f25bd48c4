#define BOOST_TEST_MODULE protocol_framing
#include "protocol/framing.h"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/limits.h"
#include "in_memory_streams.h"

using mxh::Errc;
using mxh::protocol::FrameReader;
using mxh::protocol::FrameWriter;

using mxh::protocol::testing::frame;
using mxh::protocol::testing::StringSink;
using ScriptedSource = mxh::protocol::testing::StringSource;

namespace {
std::string lengthOnly(std::uint32_t length) {
  return mxh::protocol::testing::lengthPrefix(length);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(framing_test)

BOOST_AUTO_TEST_CASE(frames_survive_one_byte_reads) {
  ScriptedSource source(frame("{\"id\":1}") + frame("{\"id\":2}"), 1);
  FrameReader reader(source);
  BOOST_TEST(**reader.next() == "{\"id\":1}");
  BOOST_TEST(**reader.next() == "{\"id\":2}");
  const auto end = reader.next();
  BOOST_REQUIRE(end.ok());
  BOOST_TEST(!end->has_value());
}

BOOST_AUTO_TEST_CASE(exactly_the_cap_is_accepted_one_more_is_not) {
  const std::string big(mxh::limits::kMaxInboundFrame, 'x');
  ScriptedSource ok(frame(big), 65536);
  BOOST_TEST((*FrameReader(ok).next())->size() == mxh::limits::kMaxInboundFrame);

  ScriptedSource tooBig(lengthOnly(mxh::limits::kMaxInboundFrame + 1), 4096);
  const auto result = FrameReader(tooBig).next();
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST(static_cast<int>(result.error().code) == static_cast<int>(Errc::frame_too_large));
}

BOOST_AUTO_TEST_CASE(a_huge_length_is_refused_without_reading_on) {
  ScriptedSource source(lengthOnly(0xfffffff0U) + "junk", 4096);
  FrameReader reader(source);
  BOOST_TEST(static_cast<int>(reader.next().error().code) == static_cast<int>(Errc::frame_too_large));
  BOOST_TEST(source.reads == 1);  // only the length was read
}

BOOST_AUTO_TEST_CASE(zero_length_and_truncation_are_errors) {
  ScriptedSource zero(lengthOnly(0), 8);
  BOOST_TEST(static_cast<int>(FrameReader(zero).next().error().code) == static_cast<int>(Errc::frame_empty));
  ScriptedSource cutBody(lengthOnly(10) + "abc", 8);
  BOOST_TEST(static_cast<int>(FrameReader(cutBody).next().error().code) == static_cast<int>(Errc::frame_truncated));
  ScriptedSource cutLength(std::string(2, '\x05'), 8);
  BOOST_TEST(static_cast<int>(FrameReader(cutLength).next().error().code) == static_cast<int>(Errc::frame_truncated));
}

BOOST_AUTO_TEST_CASE(the_writer_frames_in_native_order_and_refuses_oversize) {
  StringSink sink;
  FrameWriter writer(sink);
  BOOST_REQUIRE(writer.write("{}").ok());
  BOOST_TEST(sink.bytes == frame("{}"));
  const auto big = writer.write(std::string(mxh::limits::kMaxOutboundFrame + 1, 'x'));
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST(static_cast<int>(big.error().code) == static_cast<int>(Errc::frame_too_large));
  BOOST_TEST(sink.bytes == frame("{}"));  // nothing of it was written
}

BOOST_AUTO_TEST_SUITE_END()

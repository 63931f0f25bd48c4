#define BOOST_TEST_MODULE smtp_reply
#include "smtp/reply.h"

#include <boost/test/unit_test.hpp>

#include <string>

using mxh::smtp::ReplyParser;

BOOST_AUTO_TEST_SUITE(reply_test)

BOOST_AUTO_TEST_CASE(single_line_reply) {
  ReplyParser parser;
  std::string buffer = "220 mx.example.test ESMTP\r\n";
  const auto reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok());
  BOOST_REQUIRE(reply->has_value());
  BOOST_TEST((*reply)->code == 220);
  BOOST_TEST((*reply)->text() == "220 mx.example.test ESMTP");
  BOOST_TEST(buffer.empty());
}

BOOST_AUTO_TEST_CASE(multi_line_reply_arrives_in_pieces) {
  ReplyParser parser;
  std::string buffer = "250-mx.example.test\r\n250-PIPEL";
  auto reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok());
  BOOST_TEST(!reply->has_value());
  buffer += "INING\r\n250 STARTTLS\r\n220 next";
  reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok() && reply->has_value());
  BOOST_TEST((*reply)->lines.size() == 3U);
  BOOST_TEST((*reply)->lines[1] == "PIPELINING");
  BOOST_TEST(buffer == "220 next");  // what follows the reply stays for the next one
}

BOOST_AUTO_TEST_CASE(text_keeps_the_separators_and_is_capped_at_a_line) {
  ReplyParser parser;
  std::string buffer = "220-mx.example.test ESMTP\r\n220-second line\r\n220 ready\r\n";
  const auto reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok() && reply->has_value());
  BOOST_TEST((*reply)->text() == "220-mx.example.test ESMTP\n220-second line\n220 ready");
  BOOST_TEST((*reply)->text(30) == "220-mx.example.test ESMTP\u2026");
}

BOOST_AUTO_TEST_CASE(bare_newlines_and_bare_codes_are_accepted) {
  ReplyParser parser;
  std::string buffer = "250\n";
  const auto reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok() && reply->has_value());
  BOOST_TEST((*reply)->code == 250);
}

BOOST_AUTO_TEST_CASE(what_is_not_smtp_is_an_error) {
  for (const std::string input :
       {"SSH-2.0-OpenSSH\r\n", "22 short\r\n", "220x no separator\r\n", "999 code\r\n", "250-a\r\n251 b\r\n"}) {
    ReplyParser parser;
    std::string buffer = input;
    BOOST_TEST(!parser.consume(buffer).ok(), input);
  }
}

BOOST_AUTO_TEST_CASE(limits_stop_hostile_servers_early) {
  {
    ReplyParser parser;
    std::string buffer(5000, 'x');  // no newline yet, already too long
    BOOST_TEST(!parser.consume(buffer).ok());
  }
  {
    ReplyParser parser;
    std::string buffer;
    for (int i = 0; i < 200; ++i) buffer += "250-line\r\n";
    const auto reply = parser.consume(buffer);
    BOOST_REQUIRE(!reply.ok());
    BOOST_TEST(reply.error().message.find("100 lines") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(server_text_is_sanitized) {
  ReplyParser parser;
  std::string buffer = "220 evil\x1b[2J banner\r\n";
  const auto reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok() && reply->has_value());
  BOOST_TEST((*reply)->lines[0] == "evil\\x1b[2J banner");
}

BOOST_AUTO_TEST_CASE(a_reply_notes_the_bytes_it_had_to_escape) {
  using namespace std::string_literals;
  ReplyParser parser;
  std::string buffer = "250-mx.example.test\r\n250-\x1b[2Jcleared\r\n250 PIPE\0LINING\r\n"s;
  const auto reply = parser.consume(buffer);
  BOOST_REQUIRE(reply.ok());
  BOOST_REQUIRE(reply->has_value());
  BOOST_TEST((*reply)->unsafe.escapeSequence);
  BOOST_TEST((*reply)->unsafe.nul);
  BOOST_TEST(!(*reply)->unsafe.invalidUtf8);
  BOOST_TEST((*reply)->text().find("\\x1b[2Jcleared") != std::string::npos);

  std::string clean = "220 mx.example.test ESMTP\r\n";
  BOOST_TEST(!(*parser.consume(clean))->unsafe.any());
}

BOOST_AUTO_TEST_SUITE_END()

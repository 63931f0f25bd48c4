#define BOOST_TEST_MODULE smtp_capabilities
#include "smtp/capabilities.h"

#include <boost/test/unit_test.hpp>

using mxh::smtp::parseCapabilities;
using mxh::smtp::Reply;

BOOST_AUTO_TEST_SUITE(capabilities_test)

BOOST_AUTO_TEST_CASE(postfix_style_ehlo) {
  const Reply ehlo{250,
                   {"mx.example.test", "PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS", "AUTH PLAIN login",
                    "AUTH=LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING", "REQUIRETLS"}};
  const auto caps = parseCapabilities(ehlo);
  BOOST_TEST(caps.keywords.size() == 13U);
  BOOST_TEST(caps.keywords[1] == "SIZE 10240000");
  BOOST_TEST(*caps.size == 10240000U);
  BOOST_TEST(caps.starttls);
  BOOST_TEST(caps.pipelining);
  BOOST_TEST(caps.eightBitMime);
  BOOST_TEST(caps.smtpUtf8);
  BOOST_TEST(caps.chunking);
  BOOST_TEST(caps.dsn);
  BOOST_TEST(caps.enhancedStatusCodes);
  BOOST_TEST(caps.requireTls);
  BOOST_TEST(caps.auth == (std::vector<std::string>{"PLAIN", "LOGIN"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(size_without_a_number_means_no_limit_given) {
  const auto caps = parseCapabilities(Reply{250, {"mx", "SIZE"}});
  BOOST_TEST(*caps.size == 0U);
  BOOST_TEST(!parseCapabilities(Reply{250, {"mx", "SIZE lots"}}).size.has_value());
}

BOOST_AUTO_TEST_CASE(the_greeting_line_is_not_a_keyword) {
  const auto caps = parseCapabilities(Reply{250, {"mx.example.test STARTTLS"}});
  BOOST_TEST(!caps.starttls);
  BOOST_TEST(caps.keywords.empty());
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE checks_target
#include "checks/engine/target.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using mxh::Errc;
using mxh::checks::parseTarget;

namespace {
std::string domainOf(const std::string& input) {
  const auto target = parseTarget(input);
  BOOST_REQUIRE_MESSAGE(target.ok(), input << ": " << (target.ok() ? "" : target.error().message));
  return target->domain.ascii;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(target_test)

BOOST_AUTO_TEST_CASE(a_domain_is_itself) {
  BOOST_TEST(domainOf("example.test") == "example.test");
  BOOST_TEST(domainOf("  Example.TEST \t") == "example.test");
}

BOOST_AUTO_TEST_CASE(an_email_address_gives_its_domain) {
  BOOST_TEST(domainOf("postmaster@healthy.test") == "healthy.test");
  BOOST_TEST(domainOf("\"odd@local\"@healthy.test") == "healthy.test");
  BOOST_TEST(domainOf("jürgen@bücher.test") == "xn--bcher-kva.test");
}

BOOST_AUTO_TEST_CASE(a_mailto_link_gives_the_first_recipients_domain) {
  BOOST_TEST(domainOf("mailto:sales@healthy.test?subject=hi") == "healthy.test");
  BOOST_TEST(domainOf("MAILTO:a@one.test,b@two.test") == "one.test");
}

BOOST_AUTO_TEST_CASE(a_url_gives_its_host) {
  BOOST_TEST(domainOf("https://healthy.test/x") == "healthy.test");
  BOOST_TEST(domainOf("https://user:pw@www.healthy.test:8443/a?b#c") == "www.healthy.test");
  BOOST_TEST(domainOf("http://healthy.test") == "healthy.test");
}

BOOST_AUTO_TEST_CASE(what_people_paste_is_understood) {
  BOOST_TEST(domainOf("Jane Doe <jane@healthy.test>") == "healthy.test");
  BOOST_TEST(domainOf("www.healthy.test/contact") == "www.healthy.test");
  BOOST_TEST(domainOf("//healthy.test/x") == "healthy.test");
}

BOOST_AUTO_TEST_CASE(an_ipv6_url_host_is_an_address_not_a_domain) {
  const auto target = parseTarget("https://[2001:db8::1]:8443/");
  BOOST_REQUIRE(!target.ok());
  BOOST_TEST(static_cast<int>(target.error().code) == static_cast<int>(Errc::input_ip_address));
}

BOOST_AUTO_TEST_CASE(input_without_a_domain_is_refused_clearly) {
  const auto noDomain = parseTarget("user@");
  BOOST_REQUIRE(!noDomain.ok());
  BOOST_TEST(static_cast<int>(noDomain.error().code) == static_cast<int>(Errc::input_no_domain));
  BOOST_TEST(noDomain.error().message.find("no domain") != std::string::npos);
  BOOST_TEST(!parseTarget("https:///path").ok());
  BOOST_TEST(static_cast<int>(parseTarget("   ").error().code) == static_cast<int>(Errc::input_empty));
}

BOOST_AUTO_TEST_CASE(the_input_is_kept_for_the_report_but_made_safe) {
  const auto target = parseTarget("postmaster@healthy.test");
  BOOST_TEST(target->input == "postmaster@healthy.test");
  BOOST_TEST(!parseTarget(std::string("a\x1b.test")).ok());
}

BOOST_AUTO_TEST_CASE(a_control_character_anywhere_is_refused) {
  // Each would otherwise be read as some domain: the part after the line break, or with the
  // bytes dropped. The CR LF one is the "Name <mailbox>" form smuggling an SMTP command.
  const std::vector<std::string> inputs = {"ok.example\r\nRCPT TO:<x@healthy.test>",
                                           "healthy.test\r\n",
                                           "healthy.test\n",
                                           std::string("x\0@healthy.test", 15),
                                           "\x1b]0;title\x07x@healthy.test",
                                           "https://healthy.test/\r\nX-Header: y",
                                           "Jane\r\n<jane@healthy.test>",
                                           "healthy.test\x7f",
                                           "healthy.test\xc2\x85"};
  for (const std::string& input : inputs) {
    const auto target = parseTarget(input);
    BOOST_TEST_REQUIRE(!target.ok(), input);
    BOOST_TEST(static_cast<int>(target.error().code) == static_cast<int>(Errc::input_invalid_character));
    BOOST_TEST(target.error().message.find('\r') == std::string::npos);
    BOOST_TEST(target.error().message.find("control character") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

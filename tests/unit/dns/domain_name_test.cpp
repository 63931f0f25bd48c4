#define BOOST_TEST_MODULE dns_domain_name
#include "dns/domain_name.h"

#include <boost/test/unit_test.hpp>

#include <string>

using mxh::Errc;
using mxh::dns::parseDomainName;

namespace {
Errc codeOf(const std::string& text) {
  const auto result = parseDomainName(text);
  BOOST_REQUIRE_MESSAGE(!result.ok(), "'" << text << "' should be refused");
  return result.error().code;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(domain_name_test)

BOOST_AUTO_TEST_CASE(plain_names_are_lower_cased_without_the_root_dot) {
  const auto name = parseDomainName("Mail.Example.COM.");
  BOOST_REQUIRE(name.ok());
  BOOST_TEST(name->ascii == "mail.example.com");
  BOOST_TEST(name->unicode == "mail.example.com");
}

BOOST_AUTO_TEST_CASE(international_names_become_a_labels) {
  const auto name = parseDomainName("Bücher.test");
  BOOST_REQUIRE(name.ok());
  BOOST_TEST(name->ascii == "xn--bcher-kva.test");
  BOOST_TEST(name->unicode == "bücher.test");
}

BOOST_AUTO_TEST_CASE(a_labels_are_decoded_for_people) {
  const auto name = parseDomainName("xn--bcher-kva.test");
  BOOST_REQUIRE(name.ok());
  BOOST_TEST(name->unicode == "bücher.test");
}

BOOST_AUTO_TEST_CASE(every_bad_input_gets_its_own_reason) {
  BOOST_TEST(static_cast<int>(codeOf("")) == static_cast<int>(Errc::input_empty));
  BOOST_TEST(static_cast<int>(codeOf("exa mple.com")) == static_cast<int>(Errc::input_invalid_character));
  BOOST_TEST(static_cast<int>(codeOf("a..b")) == static_cast<int>(Errc::input_empty_label));
  BOOST_TEST(static_cast<int>(codeOf(".example.com")) == static_cast<int>(Errc::input_empty_label));
  BOOST_TEST(static_cast<int>(codeOf("under_score.com")) == static_cast<int>(Errc::input_invalid_character));
  BOOST_TEST(static_cast<int>(codeOf("-bad.com")) == static_cast<int>(Errc::input_label_hyphen));
  BOOST_TEST(static_cast<int>(codeOf("bad-.com")) == static_cast<int>(Errc::input_label_hyphen));
  BOOST_TEST(static_cast<int>(codeOf("localhost")) == static_cast<int>(Errc::input_single_label));
  BOOST_TEST(static_cast<int>(codeOf("example.123")) == static_cast<int>(Errc::input_numeric_tld));
  BOOST_TEST(static_cast<int>(codeOf("198.51.100.7")) == static_cast<int>(Errc::input_ip_address));
  BOOST_TEST(static_cast<int>(codeOf("2001:db8::1")) == static_cast<int>(Errc::input_ip_address));
  BOOST_TEST(static_cast<int>(codeOf(std::string(64, 'a') + ".com")) == static_cast<int>(Errc::input_label_too_long));
  BOOST_TEST(static_cast<int>(codeOf("xn--zz.test")) == static_cast<int>(Errc::input_idn));
  BOOST_TEST(static_cast<int>(codeOf(".")) == static_cast<int>(Errc::input_empty_label));
}

BOOST_AUTO_TEST_CASE(punycode_hiding_disallowed_code_points_is_refused) {
  // Decodes to "a<U+202E>b": a right-to-left override that would reverse what people read.
  BOOST_TEST(static_cast<int>(codeOf("xn--ab-g4t.example")) == static_cast<int>(Errc::input_idn));
}

BOOST_AUTO_TEST_CASE(an_ideographic_full_stop_is_a_dot) {
  const auto name = parseDomainName("bücher\u3002test\u3002");
  BOOST_REQUIRE(name.ok());
  BOOST_TEST(name->ascii == "xn--bcher-kva.test");
}

BOOST_AUTO_TEST_CASE(special_use_names_outside_the_dns_are_refused) {
  BOOST_TEST(static_cast<int>(codeOf("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion")) ==
             static_cast<int>(Errc::input_special_use));
  BOOST_TEST(static_cast<int>(codeOf("mail.invalid")) == static_cast<int>(Errc::input_special_use));
  BOOST_TEST(static_cast<int>(codeOf("app.localhost")) == static_cast<int>(Errc::input_special_use));
  BOOST_TEST(parseDomainName("healthy.test").ok());
}

BOOST_AUTO_TEST_CASE(length_limits_are_253_and_63) {
  std::string name;
  while (name.size() < 249) name += std::string(49, 'a') + ".";
  name = name.substr(0, 249) + ".com";  // 253 characters
  BOOST_REQUIRE_EQUAL(name.size(), 253U);
  if (name[248] == '.') name[248] = 'a';
  BOOST_TEST(parseDomainName(name).ok());
  BOOST_TEST(static_cast<int>(codeOf("a" + name)) == static_cast<int>(Errc::input_too_long));
  BOOST_TEST(parseDomainName(std::string(63, 'a') + ".com").ok());
}

BOOST_AUTO_TEST_CASE(huge_input_is_refused_before_any_work) {
  BOOST_TEST(static_cast<int>(codeOf(std::string(100000, 'a'))) == static_cast<int>(Errc::input_too_long));
}

BOOST_AUTO_TEST_CASE(messages_name_the_problem) {
  BOOST_TEST(parseDomainName("exa mple.com").error().message.find("space") != std::string::npos);
  BOOST_TEST(parseDomainName("a..b").error().message.find("empty label") != std::string::npos);
  BOOST_TEST(parseDomainName(std::string(300, 'a') + ".com").error().message.find("253") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

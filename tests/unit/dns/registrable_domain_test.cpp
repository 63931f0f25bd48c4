#define BOOST_TEST_MODULE dns_registrable_domain
#include "dns/registrable_domain.h"

#include <boost/test/unit_test.hpp>

using mxh::dns::registrableDomain;

BOOST_AUTO_TEST_SUITE(registrable_domain_test)

BOOST_AUTO_TEST_CASE(public_suffix_list_rules) {
  BOOST_TEST(registrableDomain("mail.google.com")->ascii == "google.com");
  BOOST_TEST(registrableDomain("foo.bar.co.uk")->ascii == "bar.co.uk");
  BOOST_TEST(registrableDomain("WWW.Example.COM.")->ascii == "example.com");
  BOOST_TEST(registrableDomain("a.b.github.io")->ascii == "b.github.io");  // private-section suffix
}

BOOST_AUTO_TEST_CASE(international_names_in_both_forms) {
  const auto domain = registrableDomain("shop.bücher.de");
  BOOST_REQUIRE(domain.ok());
  BOOST_TEST(domain->unicode == "bücher.de");
  BOOST_TEST(domain->ascii == "xn--bcher-kva.de");
}

BOOST_AUTO_TEST_CASE(a_suffix_itself_or_a_bad_name_is_an_error) {
  BOOST_TEST(static_cast<int>(registrableDomain("co.uk").error().code) ==
             static_cast<int>(mxh::Errc::input_public_suffix));
  BOOST_TEST(!registrableDomain("a..b").ok());
}

BOOST_AUTO_TEST_SUITE_END()

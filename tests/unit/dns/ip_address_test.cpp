#define BOOST_TEST_MODULE dns_ip_address
#include "dns/ip_address.h"

#include <boost/test/unit_test.hpp>

#include <string>

using mxh::dns::classifyAddress;
using mxh::dns::IpAddress;

namespace {
mxh::dns::AddressScope scopeOf(const std::string& text) {
  const auto address = IpAddress::parse(text);
  BOOST_REQUIRE_MESSAGE(address.has_value(), text);
  return classifyAddress(*address);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(ip_address_test)

BOOST_AUTO_TEST_CASE(parses_and_prints_canonical_forms) {
  BOOST_TEST(IpAddress::parse("198.51.100.7")->toString() == "198.51.100.7");
  BOOST_TEST(IpAddress::parse("2001:DB8:0:0::1")->toString() == "2001:db8::1");
  BOOST_TEST(IpAddress::parse("2001:db8::1")->version() == 6);
  BOOST_TEST(IpAddress::parse("198.51.100.7")->version() == 4);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_an_address) {
  for (const char* text : {"", "mx.example.com", "256.1.1.1", "1.2.3", "::g", "198.51.100.1 "}) {
    BOOST_TEST(!IpAddress::parse(text).has_value(), text);
  }
}

BOOST_AUTO_TEST_CASE(public_unicast_is_public) {
  for (const char* text : {"8.8.4.5", "93.184.216.34", "2a00:1450:4001::1", "2606:4700::1"}) {
    BOOST_TEST(scopeOf(text).isPublic, text);
  }
}

BOOST_AUTO_TEST_CASE(special_purpose_ranges_are_named) {
  struct Case {
    const char* ip;
    const char* reference;
  };
  const Case cases[] = {
      {"10.1.2.3", "RFC 1918"},
      {"172.16.0.1", "RFC 1918"},
      {"172.31.255.255", "RFC 1918"},
      {"192.168.1.1", "RFC 1918"},
      {"127.0.0.1", "RFC 1122"},
      {"169.254.1.1", "RFC 3927"},
      {"100.64.0.1", "RFC 6598"},
      {"100.127.255.254", "RFC 6598"},
      {"198.51.100.10", "RFC 5737"},
      {"203.0.113.9", "RFC 5737"},
      {"198.18.0.1", "RFC 2544"},
      {"224.0.0.5", "RFC 5771"},
      {"240.0.0.1", "RFC 1112"},
      {"0.1.2.3", "RFC 791"},
      {"::1", "RFC 4291"},
      {"fe80::1", "RFC 4291"},
      {"fd00::1", "RFC 4193"},
      {"2001:db8:10::10", "RFC 3849"},
      {"::ffff:198.51.100.1", "RFC 4291"},
      {"ff02::1", "RFC 4291"},
      {"3fff::1", "RFC 9637"},
  };
  for (const Case& c : cases) {
    const auto scope = scopeOf(c.ip);
    BOOST_TEST(!scope.isPublic, c.ip);
    BOOST_TEST(scope.reference == c.reference, c.ip << " -> " << scope.reference);
    BOOST_TEST(!scope.name.empty());
  }
}

BOOST_AUTO_TEST_CASE(range_edges_are_exact) {
  BOOST_TEST(scopeOf("172.15.255.255").isPublic);
  BOOST_TEST(scopeOf("172.32.0.0").isPublic);
  BOOST_TEST(scopeOf("100.63.255.255").isPublic);
  BOOST_TEST(scopeOf("100.128.0.0").isPublic);
  BOOST_TEST(scopeOf("198.51.101.0").isPublic);
}

BOOST_AUTO_TEST_CASE(ipv6_outside_global_unicast_is_reserved) {
  BOOST_TEST(!scopeOf("4000::1").isPublic);
  BOOST_TEST(!scopeOf("::2").isPublic);
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE smtp_probe
#include "smtp/probe.h"

#include <boost/test/unit_test.hpp>

using mxh::smtp::isValidEhloName;
using mxh::smtp::ProbeKind;

BOOST_AUTO_TEST_SUITE(probe_test)

BOOST_AUTO_TEST_CASE(only_safe_names_go_into_ehlo) {
  BOOST_TEST(isValidEhloName("probe.example.test"));
  BOOST_TEST(isValidEhloName("[198.51.100.1]"));
  BOOST_TEST(isValidEhloName("[IPv6:2001:db8::1]"));
  BOOST_TEST(!isValidEhloName("[2001:db8::1]"));  // RFC 5321 §4.1.3 wants the IPv6: tag
  BOOST_TEST(!isValidEhloName("[IPv6:198.51.100.1]"));
  BOOST_TEST(!isValidEhloName("localhost"));  // no dot
  BOOST_TEST(!isValidEhloName("evil.test\r\nMAIL FROM:<x@y>"));
  BOOST_TEST(!isValidEhloName("a b.test"));
  BOOST_TEST(!isValidEhloName("[not-an-ip]"));
  BOOST_TEST(!isValidEhloName(""));
}

BOOST_AUTO_TEST_CASE(the_default_name_is_valid) {
  BOOST_TEST(isValidEhloName(mxh::smtp::defaultEhloName()));
}

BOOST_AUTO_TEST_CASE(ports_have_their_kinds) {
  BOOST_TEST((mxh::smtp::probeKindForPort(25) == ProbeKind::relay));
  BOOST_TEST((mxh::smtp::probeKindForPort(587) == ProbeKind::submission));
  BOOST_TEST((mxh::smtp::probeKindForPort(465) == ProbeKind::smtps));
  BOOST_TEST(mxh::smtp::probeKindName(ProbeKind::smtps) == "smtps");
  BOOST_TEST(mxh::smtp::probeStatusName(mxh::smtp::ProbeStatus::greeting_timeout) == "greeting_timeout");
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE core_error
#include "core/error.h"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>
#include <string>

using mxh::Errc;

BOOST_AUTO_TEST_SUITE(error_test)

BOOST_AUTO_TEST_CASE(every_code_has_a_distinct_dotted_name) {
  const std::regex dotted("^[a-z]+(\\.[a-z_]+)*$");
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(Errc::internal); ++i) {
    const std::string name(mxh::errcName(static_cast<Errc>(i)));
    BOOST_TEST(std::regex_match(name, dotted), name);
    BOOST_TEST(names.insert(name).second, "duplicate code name " << name);
  }
}

BOOST_AUTO_TEST_CASE(names_are_the_documented_ones) {
  BOOST_TEST(mxh::errcName(Errc::dns_timeout) == "dns.timeout");
  BOOST_TEST(mxh::errcName(Errc::input_empty_label) == "input.empty_label");
  BOOST_TEST(mxh::errcName(Errc::cancelled) == "request.cancelled");
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE core_result
#include "core/result.h"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

using mxh::Errc;
using mxh::Error;
using mxh::Result;

BOOST_AUTO_TEST_SUITE(result_test)

BOOST_AUTO_TEST_CASE(holds_a_value) {
  Result<std::string> r(std::string("mx1.example.com"));
  BOOST_TEST(r.ok());
  BOOST_TEST(static_cast<bool>(r));
  BOOST_TEST(*r == "mx1.example.com");
  BOOST_TEST(r->size() == 15U);
}

BOOST_AUTO_TEST_CASE(holds_an_error) {
  Result<int> r(Error{Errc::dns_timeout, "no answer"});
  BOOST_TEST(!r.ok());
  BOOST_TEST(static_cast<int>(r.error().code) == static_cast<int>(Errc::dns_timeout));
  BOOST_TEST(r.error().message == "no answer");
}

BOOST_AUTO_TEST_CASE(moves_out_move_only_values) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  std::unique_ptr<int> taken = std::move(r).value();
  BOOST_TEST(*taken == 7);
}

BOOST_AUTO_TEST_CASE(status_is_a_result_of_nothing) {
  mxh::Status ok = mxh::Ok{};
  mxh::Status bad = Error{Errc::usage, "x"};
  BOOST_TEST(ok.ok());
  BOOST_TEST(!bad.ok());
}

BOOST_AUTO_TEST_SUITE_END()

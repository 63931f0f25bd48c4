#define BOOST_TEST_MODULE core_clock
#include "core/clock.h"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <thread>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(clock_test)

BOOST_AUTO_TEST_CASE(deadline_counts_down_and_expires) {
  const auto deadline = mxh::Deadline::after(30ms);
  BOOST_TEST(!deadline.expired());
  BOOST_TEST(deadline.remaining().count() <= 30);
  std::this_thread::sleep_for(40ms);
  BOOST_TEST(deadline.expired());
  BOOST_TEST(deadline.remaining().count() == 0);
}

BOOST_AUTO_TEST_CASE(capped_takes_the_earlier_limit) {
  const auto outer = mxh::Deadline::after(10s);
  BOOST_TEST(outer.capped(100ms).remaining().count() <= 100);
  const auto inner = mxh::Deadline::after(100ms);
  BOOST_TEST(inner.capped(10s).remaining().count() <= 100);
}

BOOST_AUTO_TEST_CASE(timestamp_is_rfc3339_utc_with_milliseconds) {
  const std::regex rfc3339(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  BOOST_TEST(std::regex_match(mxh::utcTimestampNow(), rfc3339));
}

BOOST_AUTO_TEST_SUITE_END()

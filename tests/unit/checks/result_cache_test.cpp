#define BOOST_TEST_MODULE checks_result_cache
#include "checks/engine/result_cache.h"

#include <boost/test/unit_test.hpp>

#include "core/limits.h"

using namespace std::chrono_literals;
using mxh::checks::ResultCache;

namespace {
struct FakeClock {
  mxh::SteadyClock::time_point now = mxh::SteadyClock::time_point{} + 1h;
};
mxh::checks::Report reportFor(const std::string& domain) {
  mxh::checks::Report report;
  report.domain = domain;
  return report;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(result_cache_test)

BOOST_AUTO_TEST_CASE(results_live_for_the_ttl) {
  FakeClock clock;
  ResultCache cache(5min, [&] { return clock.now; });
  cache.store("a", reportFor("a.test"));
  clock.now += 4min;
  const auto hit = cache.find("a");
  BOOST_REQUIRE(hit.has_value());
  BOOST_TEST(hit->report.domain == "a.test");
  BOOST_TEST(hit->age.count() == 240000);
  clock.now += 1min;
  BOOST_TEST(!cache.find("a").has_value());
}

BOOST_AUTO_TEST_CASE(keys_are_separate_and_storing_again_refreshes) {
  FakeClock clock;
  ResultCache cache(5min, [&] { return clock.now; });
  cache.store("a", reportFor("one"));
  cache.store("b", reportFor("two"));
  clock.now += 3min;
  cache.store("a", reportFor("three"));
  clock.now += 3min;
  BOOST_TEST(cache.find("a")->report.domain == "three");
  BOOST_TEST(!cache.find("b").has_value());
}

BOOST_AUTO_TEST_CASE(the_cache_is_bounded) {
  FakeClock clock;
  ResultCache cache(5min, [&] { return clock.now; });
  for (std::size_t i = 0; i < mxh::limits::kMaxCachedResults + 10; ++i) {
    cache.store("key" + std::to_string(i), reportFor("d"));
    clock.now += 1ms;
  }
  BOOST_TEST(!cache.find("key0").has_value());  // the oldest went first
  BOOST_TEST(cache.find("key" + std::to_string(mxh::limits::kMaxCachedResults + 9)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

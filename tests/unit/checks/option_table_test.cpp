#define BOOST_TEST_MODULE checks_option_table
#include "checks/options/option_table.h"

#include <boost/test/unit_test.hpp>

#include <set>

#include "checks/options/contact_policy.h"
#include "core/limits.h"

using mxh::checks::CheckOptions;
using mxh::checks::checkOptionsToJson;
using mxh::checks::checkOptionTable;
using mxh::checks::OptionNaming;
using mxh::checks::OptionSpec;
using mxh::checks::OptionType;
using mxh::checks::OptionValue;
using mxh::checks::validateCheckOptions;

namespace {

std::vector<std::string> problemOptions(const OptionValue& values) {
  std::vector<std::string> names;
  for (const auto& problem : validateCheckOptions(values, OptionNaming::request).problems)
    names.push_back(problem.option);
  return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(option_table_test)

BOOST_AUTO_TEST_CASE(names_and_flags_are_unique_and_spelled_alike) {
  std::set<std::string_view> names;
  std::set<std::string_view> flags;
  for (const OptionSpec& spec : checkOptionTable()) {
    BOOST_TEST(names.insert(spec.name).second, spec.name);
    BOOST_TEST(flags.insert(spec.flag).second, spec.flag);
    // "connect_timeout" is "--connect-timeout": one spelling rule, so people can guess.
    std::string flag = "--" + std::string(spec.name);
    std::replace(flag.begin(), flag.end(), '_', '-');
    BOOST_TEST(spec.flag == flag);
    BOOST_TEST(!spec.help.empty());
    BOOST_TEST((spec.read != nullptr && spec.write != nullptr));
  }
}

BOOST_AUTO_TEST_CASE(the_defaults_are_valid_values_and_read_back_unchanged) {
  const OptionValue defaults = checkOptionsToJson(CheckOptions{});
  OptionValue given = OptionValue::object();
  for (const auto& [name, value] : defaults.items()) {
    if (!value.is_null()) given[name] = value;
  }
  const auto validated = validateCheckOptions(given, OptionNaming::request);
  BOOST_TEST(validated.problems.empty());
  BOOST_TEST(checkOptionsToJson(validated.options) == defaults);
  BOOST_TEST(defaults["ports"] == OptionValue({25, 587, 465}));
  BOOST_TEST(defaults["timeout"] == 30);
}

BOOST_AUTO_TEST_CASE(every_limit_of_the_table_is_enforced_at_its_edge) {
  for (const OptionSpec& spec : checkOptionTable()) {
    const std::string name(spec.name);
    if (spec.type == OptionType::seconds) {
      BOOST_TEST(problemOptions({{name, spec.minimum}}).empty(), name);
      BOOST_TEST(problemOptions({{name, spec.maximum}}).empty(), name);
      BOOST_TEST(problemOptions({{name, spec.minimum - 1}}) == std::vector<std::string>{name});
      BOOST_TEST(problemOptions({{name, spec.maximum + 1}}) == std::vector<std::string>{name});
      BOOST_TEST(problemOptions({{name, "30"}}) == std::vector<std::string>{name});
    }
    if (spec.maxItems != 0) {
      OptionValue full = OptionValue::array();
      OptionValue over = OptionValue::array();
      for (std::size_t i = 0; i <= spec.maxItems; ++i) {
        const OptionValue item = spec.type == OptionType::port_list ? OptionValue(1000 + i)
                                 : spec.type == OptionType::zone_list
                                     ? OptionValue("l" + std::to_string(i) + ".example")
                                     : OptionValue("192.0.2." + std::to_string(i));
        if (i < spec.maxItems) full.push_back(item);
        over.push_back(item);
      }
      BOOST_TEST(problemOptions({{name, full}}).empty(), name);
      BOOST_TEST(problemOptions({{name, over}}) == std::vector<std::string>{name});
      // Lists are lists: a single string is refused, not taken as a list of one.
      BOOST_TEST(problemOptions({{name, "x"}}) == std::vector<std::string>{name});
    }
    if (spec.maxLength != 0) {
      BOOST_TEST(problemOptions({{name, std::string(spec.maxLength + 1, 'a')}}) == std::vector<std::string>{name});
    }
  }
}

BOOST_AUTO_TEST_CASE(every_problem_is_listed_in_table_order_with_the_naming_asked_for) {
  const OptionValue bad = {{"tls_timeout", 0}, {"ports", OptionValue::array()}, {"ehlo", "no spaces"}};
  const auto request = validateCheckOptions(bad, OptionNaming::request);
  BOOST_TEST(request.problems.size() == 3u);
  BOOST_TEST(request.problems.front().option == "ports");
  BOOST_TEST(request.problems.front().message.find("option 'ports'") == 0u, request.problems.front().message);
  const auto typed = validateCheckOptions(bad, OptionNaming::command_line);
  BOOST_TEST(typed.problems.front().message.find("--ports") == 0u, typed.problems.front().message);
}

BOOST_AUTO_TEST_CASE(request_options_are_their_own_and_typed) {
  auto policy =
      mxh::checks::validateRequestPolicy({{"fresh", true}, {"history", false}, {"timeout", 5}}, OptionNaming::request);
  BOOST_TEST(policy.problems.empty());
  BOOST_TEST(policy.policy.fresh);
  BOOST_TEST(!policy.policy.history);
  BOOST_TEST(mxh::checks::validateRequestPolicy({{"fresh", "yes"}}, OptionNaming::request).problems.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_contact_policy_refuses_non_public_addresses_unless_allowed) {
  const auto loopback = *mxh::dns::IpAddress::parse("127.0.0.1");
  const auto global = *mxh::dns::IpAddress::parse("2a00:1450:4001:82b::1b");
  const mxh::checks::ContactPolicy strict(false);
  BOOST_TEST(!strict.mayContact(loopback));
  BOOST_TEST(strict.refusal(loopback)->find("non-public") != std::string::npos);
  BOOST_TEST(strict.mayContact(global));
  BOOST_TEST(!strict.refusal(global).has_value());
  BOOST_TEST(mxh::checks::ContactPolicy(true).mayContact(loopback));
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE cli_arguments
#include "cli/arguments.h"

#include <boost/test/unit_test.hpp>

#include <string_view>
#include <vector>

using mxh::cli::Command;
using mxh::cli::parseArguments;

namespace {
mxh::Result<Command> parse(std::vector<std::string_view> args) {
  return parseArguments(args);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(arguments_test)

BOOST_AUTO_TEST_CASE(check_with_every_option) {
  const auto command =
      parse({"check", "example.test", "--json", "--no-smtp", "--resolver", "127.0.0.1", "--resolver=::1@5353",
             "--trust-anchor", "/tmp/ta", "--allow-private", "--timeout", "12"});
  BOOST_REQUIRE(command.ok());
  BOOST_TEST((command->kind == Command::Kind::check));
  BOOST_TEST(command->target == "example.test");
  BOOST_TEST(command->json);
  BOOST_TEST(!command->options.smtpProbe);
  BOOST_TEST(command->options.allowPrivate);
  BOOST_TEST(command->options.resolvers == (std::vector<std::string>{"127.0.0.1", "::1@5353"}),
             boost::test_tools::per_element());
  BOOST_TEST(*command->options.trustAnchor == "/tmp/ta");
  BOOST_TEST(command->options.timeout.count() == 12000);
}

BOOST_AUTO_TEST_CASE(blocklist_options) {
  const auto chosen = parse({"check", "a.test", "--blocklists", "Zen.Spamhaus.org,bl.spamcop.net,zen.spamhaus.org",
                             "--dqs-key", "abc123", "--blocklist-config=/etc/lists"});
  BOOST_REQUIRE(chosen.ok());
  BOOST_TEST(chosen->options.blocklistsSet);
  BOOST_TEST(chosen->options.blocklists == (std::vector<std::string>{"zen.spamhaus.org", "bl.spamcop.net"}),
             boost::test_tools::per_element());
  BOOST_TEST(*chosen->options.dqsKey == "abc123");
  BOOST_TEST(*chosen->blocklistConfig == "/etc/lists");
  const auto none = parse({"check", "a.test", "--blocklists", "none"});
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->options.blocklistsSet);
  BOOST_TEST(none->options.blocklists.empty());
  const auto defaults = parse({"check", "a.test"});
  BOOST_TEST(!defaults->options.blocklistsSet);
  for (std::string_view bad : {"", "zen", ".zen.org", "a..b", "a b.org", "x.org,", "evil.org;rm"}) {
    BOOST_TEST(!parse({"check", "a.test", "--blocklists", bad}).ok(), bad);
  }
  BOOST_TEST(!parse({"check", "a.test", "--dqs-key", "key.with.dots"}).ok());
  BOOST_TEST(!parse({"check", "a.test", "--dqs-key", ""}).ok());
}

BOOST_AUTO_TEST_CASE(options_may_come_before_the_target) {
  const auto command = parse({"check", "--json", "example.test"});
  BOOST_REQUIRE(command.ok());
  BOOST_TEST(command->target == "example.test");
}

BOOST_AUTO_TEST_CASE(defaults) {
  const auto command = parse({"check", "example.test"});
  BOOST_REQUIRE(command.ok());
  BOOST_TEST(!command->json);
  BOOST_TEST(command->options.smtpProbe);
  BOOST_TEST(command->options.resolvers.empty());
  BOOST_TEST(command->options.timeout.count() == 30000);
}

BOOST_AUTO_TEST_CASE(help_and_version) {
  BOOST_TEST((parse({"--help"})->kind == Command::Kind::help));
  BOOST_TEST((parse({"--version"})->kind == Command::Kind::version));
  BOOST_TEST((parse({"check", "--help"})->kind == Command::Kind::help));
}

BOOST_AUTO_TEST_CASE(mistakes_are_named) {
  const auto expectError = [](std::vector<std::string_view> args, std::string_view fragment) {
    const auto command = parse(args);
    BOOST_REQUIRE(!command.ok());
    BOOST_TEST(command.error().message.find(fragment) != std::string::npos, command.error().message);
  };
  expectError({}, "no command");
  expectError({"frobnicate"}, "unknown command");
  expectError({"check"}, "no domain");
  expectError({"check", "a.test", "b.test"}, "more than one target");
  expectError({"check", "a.test", "--bogus"}, "unknown option '--bogus'");
  expectError({"check", "a.test", "--resolver"}, "--resolver needs a value");
  expectError({"check", "a.test", "--timeout", "0"}, "--timeout");
  expectError({"check", "a.test", "--timeout", "301"}, "--timeout");
  expectError({"check", "a.test", "--timeout", "5s"}, "--timeout");
  expectError({"check", "a.test", "--json=yes"}, "takes no value");
}

BOOST_AUTO_TEST_CASE(doctor_takes_no_arguments) {
  BOOST_TEST((parse({"doctor"})->kind == Command::Kind::doctor));
  BOOST_TEST((parse({"doctor", "--help"})->kind == Command::Kind::help));
  const auto extra = parse({"doctor", "chrome"});
  BOOST_REQUIRE(!extra.ok());
  BOOST_TEST(extra.error().message.find("doctor takes no arguments") != std::string::npos, extra.error().message);
  BOOST_TEST(mxh::cli::usageText().find("mxhealth doctor") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(double_dash_ends_options) {
  const auto command = parse({"check", "--", "-weird"});
  BOOST_REQUIRE(command.ok());
  BOOST_TEST(command->target == "-weird");
}

BOOST_AUTO_TEST_SUITE_END()

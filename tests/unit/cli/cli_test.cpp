#define BOOST_TEST_MODULE cli_cli
#include "cli/cli.h"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {
struct Run {
  int status;
  std::string out;
  std::string err;
};
Run run(std::vector<std::string_view> args) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = mxh::cli::runCli(args, out, err);
  return {status, out.str(), err.str()};
}
std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(cli_test)

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_exit_3) {
  const std::string longName = std::string(300, 'a') + ".com";
  for (std::string_view input : {std::string_view(""), std::string_view("exa mple.com"), std::string_view("a..b"),
                                 std::string_view("user@"), std::string_view(longName)}) {
    const Run r = run({"check", input});
    BOOST_TEST(r.status == 3, input);
    BOOST_TEST(r.out.empty(), input);
    BOOST_TEST(lines(r.err) == 1U, input << ": " << r.err);
    BOOST_TEST(r.err.rfind("mxhealth: ", 0) == 0U, r.err);
  }
}

BOOST_AUTO_TEST_CASE(bad_resolver_address_is_exit_3) {
  const Run r = run({"check", "example.test", "--resolver", "not-an-ip"});
  BOOST_TEST(r.status == 3);
  BOOST_TEST(r.err.find("not an IP address") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(doctor_with_no_registrations_says_how_to_register) {
  // A home with no browser at all: nothing registered (2), and the way to fix it.
  const auto home = std::filesystem::temp_directory_path() / ("mxh-cli-doctor-" + std::to_string(::getpid()));
  std::filesystem::create_directories(home);
  ::setenv("HOME", home.c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
  const Run r = run({"doctor"});
  std::filesystem::remove_all(home);
  BOOST_TEST((r.status == 1 || r.status == 2), r.out);  // 1 if this machine has a browser installed
  BOOST_TEST(r.out.find("installer/install.sh") != std::string::npos, r.out);
  BOOST_TEST(run({"doctor", "extra"}).status == 3);
}

BOOST_AUTO_TEST_CASE(help_and_version_exit_0) {
  BOOST_TEST(run({"--help"}).out.find("Usage: mxhealth check") != std::string::npos);
  BOOST_TEST(run({"--version"}).out.rfind("mxhealth ", 0) == 0U);
  BOOST_TEST(run({"--version"}).status == 0);
}

BOOST_AUTO_TEST_SUITE_END()

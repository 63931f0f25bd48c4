#define BOOST_TEST_MODULE core_log
#include "core/log.h"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

BOOST_AUTO_TEST_SUITE(log_test)

BOOST_AUTO_TEST_CASE(lines_go_to_the_configured_file_sanitized) {
  const std::string path = "/tmp/mxh-log-test-" + std::to_string(::getpid());
  ::setenv("MXHEALTH_LOG_FILE", path.c_str(), 1);  // read on the first log line of the process
  const mode_t before = ::umask(022);
  mxh::logLine("check \"c1\" of example.test: healthy");
  ::umask(before);
  struct stat status {};
  BOOST_TEST_REQUIRE(::stat(path.c_str(), &status) == 0);
  BOOST_TEST((status.st_mode & 0777) == 0600U);  // it names the domains checked: the user's only
  mxh::logLine("hostile \x1b[31m text");
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  ::unlink(path.c_str());
  const std::string log = text.str();
  BOOST_TEST(log.find("mxhealth[" + std::to_string(::getpid()) + "]: check \"c1\" of example.test: healthy\n") !=
             std::string::npos);
  BOOST_TEST(log.find("hostile \\x1b[31m text") != std::string::npos);
  BOOST_TEST(log.find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

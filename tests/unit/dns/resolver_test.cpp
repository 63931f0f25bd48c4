#define BOOST_TEST_MODULE dns_resolver
#include "dns/resolver.h"

#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace std::chrono_literals;
using mxh::Errc;
using mxh::dns::Resolver;
using mxh::dns::ResolverConfig;

namespace {

// A UDP socket on loopback that never answers: a resolver that has gone silent.
class SilentUdpServer {
 public:
  SilentUdpServer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    BOOST_REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentUdpServer() { ::close(fd_); }
  SilentUdpServer(const SilentUdpServer&) = delete;
  SilentUdpServer& operator=(const SilentUdpServer&) = delete;
  [[nodiscard]] std::string forwarder() const { return "127.0.0.1@" + std::to_string(port_); }

 private:
  int fd_ = -1;
  unsigned port_ = 0;
};

ResolverConfig silentConfig(const SilentUdpServer& server) {
  ResolverConfig config;
  config.forwarders = {server.forwarder()};
  config.validate = false;
  return config;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resolver_test)

BOOST_AUTO_TEST_CASE(forwarders_are_checked_and_normalized) {
  BOOST_TEST(*mxh::dns::parseForwarder("127.0.0.1") == "127.0.0.1");
  BOOST_TEST(*mxh::dns::parseForwarder("::1@5353") == "::1@5353");
  BOOST_TEST(*mxh::dns::parseForwarder("[2001:DB8::53]@53") == "2001:db8::53@53");
  for (const char* bad : {"", "dns.example", "127.0.0.1@", "127.0.0.1@0", "127.0.0.1@70000", "127.0.0.1@x"}) {
    const auto parsed = mxh::dns::parseForwarder(bad);
    BOOST_TEST(!parsed.ok(), bad);
    if (!parsed.ok()) BOOST_TEST(static_cast<int>(parsed.error().code) == static_cast<int>(Errc::usage));
  }
}

BOOST_AUTO_TEST_CASE(resolv_conf_nameservers_in_order) {
  const auto servers = mxh::dns::nameserversFromResolvConf(
      "# comment\nsearch example.test\nnameserver 127.0.0.1\nnameserver fe80::1%eth0\n"
      "nameserver not-an-address\n  nameserver ::1\noptions edns0\n");
  BOOST_TEST(servers == (std::vector<std::string>{"127.0.0.1", "::1"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_missing_trust_anchor_file_is_a_config_error) {
  ResolverConfig config;
  config.forwarders = {"127.0.0.1"};
  config.trustAnchorFile = "/nonexistent/anchor.key";
  const auto resolver = Resolver::create(config);
  BOOST_REQUIRE(!resolver.ok());
  BOOST_TEST(static_cast<int>(resolver.error().code) == static_cast<int>(Errc::dns_config));
  BOOST_TEST(resolver.error().message.find("/nonexistent/anchor.key") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_garbage_trust_anchor_file_is_a_config_error) {
  const std::string path = "/tmp/mxh-unit-bad-anchor-" + std::to_string(::getpid());
  std::ofstream(path) << "this is not a trust anchor\n";
  ResolverConfig config;
  config.forwarders = {"127.0.0.1"};
  config.trustAnchorFile = path;
  const auto resolver = Resolver::create(config);
  ::unlink(path.c_str());
  BOOST_TEST(!resolver.ok());
}

BOOST_AUTO_TEST_CASE(resolv_conf_without_nameservers_is_a_config_error) {
  const std::string path = "/tmp/mxh-unit-resolv-" + std::to_string(::getpid());
  std::ofstream(path) << "search example.test\n";
  ResolverConfig config;
  config.resolvConfPath = path;
  const auto resolver = Resolver::create(config);
  ::unlink(path.c_str());
  BOOST_REQUIRE(!resolver.ok());
  BOOST_TEST(resolver.error().message.find("no nameserver") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_silent_resolver_times_out_at_the_deadline) {
  SilentUdpServer server;
  auto resolver = Resolver::create(silentConfig(server));
  BOOST_REQUIRE(resolver.ok());
  const std::vector<mxh::dns::Query> queries = {{"example.test", mxh::dns::RrType::MX},
                                                {"example.test", mxh::dns::RrType::A}};
  const auto start = std::chrono::steady_clock::now();
  const auto answers = resolver->resolveAll(queries, mxh::Deadline::after(300ms), mxh::CancelToken());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_REQUIRE_EQUAL(answers.size(), 2U);
  for (const auto& answer : answers) {
    BOOST_REQUIRE(!answer.ok());
    BOOST_TEST(static_cast<int>(answer.error().code) == static_cast<int>(Errc::dns_timeout));
  }
  BOOST_TEST(elapsed >= 290ms);
  BOOST_TEST(elapsed < 1500ms);
  // The resolver stays usable after abandoned queries.
  const auto again =
      resolver->resolve({"example.test", mxh::dns::RrType::MX}, mxh::Deadline::after(100ms), mxh::CancelToken());
  BOOST_TEST(!again.ok());
}

BOOST_AUTO_TEST_CASE(cancel_stops_waiting_promptly) {
  SilentUdpServer server;
  auto resolver = Resolver::create(silentConfig(server));
  BOOST_REQUIRE(resolver.ok());
  mxh::CancelSource source;
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    source.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto answer =
      resolver->resolve({"example.test", mxh::dns::RrType::MX}, mxh::Deadline::after(10s), source.token());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  canceller.join();
  BOOST_REQUIRE(!answer.ok());
  BOOST_TEST(static_cast<int>(answer.error().code) == static_cast<int>(Errc::cancelled));
  BOOST_TEST(elapsed < 1s);
}

BOOST_AUTO_TEST_SUITE_END()

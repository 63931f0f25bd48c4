#define BOOST_TEST_MODULE dns_resolver
#include "dns/resolver.h"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "dns/wire.h"
#include "fake_dns_server.h"

using namespace std::chrono_literals;
using mxh::Errc;
using mxh::dns::Resolver;
using mxh::dns::ResolverConfig;
using mxh::testing::bindLoopbackUdp;
using mxh::testing::BoundUdp;
using mxh::testing::UdpResponder;

namespace {

// A UDP socket on loopback that never answers: a resolver that has gone silent.
class SilentUdpServer {
 public:
  SilentUdpServer() {
    const BoundUdp bound = bindLoopbackUdp();
    fd_ = bound.fd;
    port_ = bound.port;
  }
  ~SilentUdpServer() { ::close(fd_); }
  SilentUdpServer(const SilentUdpServer&) = delete;
  SilentUdpServer& operator=(const SilentUdpServer&) = delete;
  [[nodiscard]] std::string forwarder() const { return "127.0.0.1@" + std::to_string(port_); }

 private:
  int fd_ = -1;
  unsigned port_ = 0;
};

// A tiny DNS responder on loopback: answers A with 198.51.100.1 and MX with "10 mx.example.test",
// everything else with NODATA, each after `delay`. Enough to drive libunbound for real.
class ScriptedDnsServer {
 public:
  explicit ScriptedDnsServer(std::chrono::milliseconds delay) : delay_(delay) {}

  [[nodiscard]] std::string forwarder() const { return responder_.forwarder(); }
  void setDelay(std::chrono::milliseconds delay) { delay_ = delay; }
  [[nodiscard]] int answered() const { return responder_.answered(); }

 private:
  static std::vector<std::uint8_t> answer(const std::vector<std::uint8_t>& query) {
    std::size_t pos = 12;
    while (pos < query.size() && query[pos] != 0) pos += 1U + query[pos];
    const std::size_t questionEnd = pos + 5;  // root label, QTYPE, QCLASS
    if (questionEnd > query.size()) return {};
    const unsigned type = (static_cast<unsigned>(query[pos + 1]) << 8U) | query[pos + 2];
    std::vector<std::uint8_t> reply(query.begin(), query.begin() + static_cast<std::ptrdiff_t>(questionEnd));
    if (reply.size() < 12) return {};  // never (the question follows the header); keeps -Wnull-dereference quiet
    reply[2] = static_cast<std::uint8_t>(0x80U | (query[2] & 0x01U));  // QR, keep RD
    reply[3] = 0x80;                                                   // RA, NOERROR
    reply[6] = 0;
    reply[8] = reply[9] = reply[10] = reply[11] = 0;  // no authority, no EDNS
    std::vector<std::uint8_t> rdata;
    if (type == 1) rdata = {198, 51, 100, 1};
    if (type == 15) rdata = {0, 10, 2, 'm', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0};
    reply[7] = rdata.empty() ? 0 : 1;
    if (!rdata.empty()) {
      const std::vector<std::uint8_t> record = {0xc0, 0x0c, 0, static_cast<std::uint8_t>(type),        0, 1, 0, 0,
                                                1,    0x2c, 0, static_cast<std::uint8_t>(rdata.size())};
      reply.insert(reply.end(), record.begin(), record.end());
      reply.insert(reply.end(), rdata.begin(), rdata.end());
    }
    return reply;
  }

  std::atomic<std::chrono::milliseconds> delay_;
  UdpResponder responder_{[this](const std::vector<std::uint8_t>& query) {
    auto reply = answer(query);
    std::this_thread::sleep_for(delay_.load());
    return reply;
  }};  // last: its thread stops before delay_ goes
};

ResolverConfig forwardingTo(const std::string& forwarder) {
  ResolverConfig config;
  config.forwarders = {forwarder};
  config.validate = false;
  return config;
}

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
    if (!parsed.ok()) BOOST_TEST(static_cast<int>(parsed.error().code) == static_cast<int>(Errc::dns_config));
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

BOOST_AUTO_TEST_CASE(answers_from_a_real_server_are_decoded) {
  ScriptedDnsServer server(0ms);
  auto resolver = Resolver::create(forwardingTo(server.forwarder()));
  BOOST_REQUIRE(resolver.ok());
  const std::vector<mxh::dns::Query> queries = {{"example.test", mxh::dns::RrType::MX},
                                                {"mx.example.test", mxh::dns::RrType::A},
                                                {"mx.example.test", mxh::dns::RrType::AAAA}};
  const auto answers = resolver->resolveAll(queries, mxh::Deadline::after(5s), mxh::CancelToken());
  BOOST_REQUIRE(answers[0].ok());
  BOOST_TEST((answers[0]->outcome == mxh::dns::Outcome::data));
  BOOST_REQUIRE_EQUAL(answers[0]->rdata.size(), 1U);
  BOOST_TEST(mxh::dns::decodeMx(answers[0]->rdata[0])->exchange == "mx.example.test");
  BOOST_TEST((answers[0]->dnssec == mxh::dns::DnssecState::unvalidated));
  BOOST_TEST(!answers[0]->followedCname("example.test"));
  BOOST_REQUIRE(answers[1].ok());
  BOOST_TEST(mxh::dns::decodeA(answers[1]->rdata[0])->toString() == "198.51.100.1");
  BOOST_REQUIRE(answers[2].ok());
  BOOST_TEST((answers[2]->outcome == mxh::dns::Outcome::nodata));
}

BOOST_AUTO_TEST_CASE(late_answers_after_a_timeout_never_reach_the_next_batch) {
  ScriptedDnsServer server(400ms);
  auto resolver = Resolver::create(forwardingTo(server.forwarder()));
  BOOST_REQUIRE(resolver.ok());
  const std::vector<mxh::dns::Query> slow = {{"a.example.test", mxh::dns::RrType::MX},
                                             {"b.example.test", mxh::dns::RrType::A}};
  const auto timedOut = resolver->resolveAll(slow, mxh::Deadline::after(100ms), mxh::CancelToken());
  for (const auto& answer : timedOut) {
    BOOST_REQUIRE(!answer.ok());
    BOOST_TEST(static_cast<int>(answer.error().code) == static_cast<int>(Errc::dns_timeout));
  }
  // The late answers arrive while nobody waits for them; the next batch must get its own.
  std::this_thread::sleep_for(900ms);
  server.setDelay(0ms);
  const auto answer =
      resolver->resolve({"c.example.test", mxh::dns::RrType::A}, mxh::Deadline::after(5s), mxh::CancelToken());
  BOOST_REQUIRE(answer.ok());
  BOOST_REQUIRE_EQUAL(answer->rdata.size(), 1U);
  BOOST_TEST(mxh::dns::decodeA(answer->rdata[0])->toString() == "198.51.100.1");
  BOOST_TEST(server.answered() >= 3);
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

#define BOOST_TEST_MODULE smtp_probe
#include "smtp/probe.h"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "../tls/test_pki.h"

using mxh::smtp::isValidEhloName;
using mxh::smtp::ProbeKind;

namespace {

// A one-connection SMTP server on 127.0.0.1 with STARTTLS: greeting, EHLO, STARTTLS, TLS with
// the test PKI's chain, EHLO, QUIT. Just enough of a conversation for the probe.
class StarttlsServer {
 public:
  explicit StarttlsServer(const mxh::testing::TestPki& pki) : ctx_(mxh::testing::serverContext(pki)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    mxh::testing::require(listener_ >= 0, "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    mxh::testing::require(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "bind");
    mxh::testing::require(::listen(listener_, 1) == 0, "listen");
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StarttlsServer() {
    thread_.join();
    ::close(listener_);
  }
  StarttlsServer(const StarttlsServer&) = delete;
  StarttlsServer& operator=(const StarttlsServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  void serve() {
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    timeval timeout{10, 0};  // a broken test must not hang
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    converse(fd);
    ::close(fd);
  }

  static std::string readLine(int fd, SSL* ssl) {
    std::string line;
    char c = 0;
    while (line.size() < 1024) {
      const long got = ssl != nullptr ? SSL_read(ssl, &c, 1) : ::read(fd, &c, 1);
      if (got != 1) break;
      line += c;
      if (c == '\n') break;
    }
    return line;
  }
  static void say(int fd, SSL* ssl, const std::string& text) {
    if (ssl != nullptr) {
      SSL_write(ssl, text.data(), static_cast<int>(text.size()));
    } else {
      (void)::write(fd, text.data(), text.size());
    }
  }

  void converse(int fd) {
    say(fd, nullptr, "220 mx.dane.test ESMTP test\r\n");
    if (readLine(fd, nullptr).rfind("EHLO ", 0) != 0) return;
    say(fd, nullptr, "250-mx.dane.test\r\n250 STARTTLS\r\n");
    if (readLine(fd, nullptr).rfind("STARTTLS", 0) != 0) return;
    say(fd, nullptr, "220 2.0.0 ready\r\n");
    mxh::tls::SslPtr ssl(SSL_new(ctx_.get()));
    SSL_set_fd(ssl.get(), fd);
    if (SSL_accept(ssl.get()) != 1) return;
    if (readLine(fd, ssl.get()).rfind("EHLO ", 0) != 0) return;
    say(fd, ssl.get(), "250-mx.dane.test\r\n250 PIPELINING\r\n");
    if (readLine(fd, ssl.get()).rfind("QUIT", 0) != 0) return;
    say(fd, ssl.get(), "221 2.0.0 bye\r\n");
    SSL_shutdown(ssl.get());
  }

  mxh::tls::SslCtxPtr ctx_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

mxh::smtp::ProbeResult probeWithTlsa(const mxh::testing::TestPki& pki, std::vector<mxh::tls::TlsaRecord> tlsa) {
  auto tls = mxh::tls::TlsClientContext::create(std::nullopt);
  BOOST_REQUIRE(tls.ok());
  StarttlsServer server(pki);
  mxh::smtp::ProbeRequest request;
  request.address = *mxh::dns::IpAddress::parse("127.0.0.1");
  request.port = server.port();
  request.kind = ProbeKind::relay;
  request.mxHost = "mx.dane.test";
  request.ehloName = "probe.mxhealth.test";
  request.tlsa = std::move(tlsa);
  return mxh::smtp::runProbe(request, *tls, mxh::Deadline::after(std::chrono::seconds(20)), mxh::CancelToken());
}

}  // namespace

using mxh::testing::IgnoreSigpipe;
BOOST_TEST_GLOBAL_FIXTURE(IgnoreSigpipe);

BOOST_AUTO_TEST_SUITE(probe_test)

BOOST_AUTO_TEST_CASE(only_safe_names_go_into_ehlo) {
  BOOST_TEST(isValidEhloName("probe.example.test"));
  BOOST_TEST(isValidEhloName("[198.51.100.1]"));
  BOOST_TEST(isValidEhloName("[IPv6:2001:db8::1]"));
  BOOST_TEST(!isValidEhloName("[2001:db8::1]"));  // RFC 5321 §4.1.3 wants the IPv6: tag
  BOOST_TEST(!isValidEhloName("[IPv6:198.51.100.1]"));
  BOOST_TEST(!isValidEhloName("localhost"));  // no dot
  BOOST_TEST(!isValidEhloName("evil.test\r\nMAIL FROM:<x@y>"));
  BOOST_TEST(!isValidEhloName("a b.test"));
  BOOST_TEST(!isValidEhloName("[not-an-ip]"));
  BOOST_TEST(!isValidEhloName(""));
}

BOOST_AUTO_TEST_CASE(the_default_name_is_valid) {
  BOOST_TEST(isValidEhloName(mxh::smtp::defaultEhloName()));
}

BOOST_AUTO_TEST_CASE(ports_have_their_kinds) {
  BOOST_TEST((mxh::smtp::probeKindForPort(25) == ProbeKind::relay));
  BOOST_TEST((mxh::smtp::probeKindForPort(587) == ProbeKind::submission));
  BOOST_TEST((mxh::smtp::probeKindForPort(465) == ProbeKind::smtps));
  BOOST_TEST(mxh::smtp::probeKindName(ProbeKind::smtps) == "smtps");
  BOOST_TEST(mxh::smtp::probeStatusName(mxh::smtp::ProbeStatus::greeting_timeout) == "greeting_timeout");
}

// DANE rides along the STARTTLS handshake: the probe checks the chain against the TLSA
// records it was given and records the verdict, and never stops for a mismatch.
BOOST_AUTO_TEST_CASE(a_probe_with_tlsa_records_reports_dane) {
  const mxh::testing::TestPki pki;
  const mxh::tls::TlsaRecord record{3, 1, 1, mxh::testing::sha256(mxh::testing::spkiDer(pki.server.get()))};
  const auto result = probeWithTlsa(pki, {record});
  BOOST_TEST(mxh::smtp::probeStatusName(result.status) == "ok", result.error.value_or(""));
  BOOST_TEST(result.tlsNegotiated);
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(result.dane->verified);
  BOOST_TEST((result.dane->matched == record));
}

BOOST_AUTO_TEST_CASE(a_dane_mismatch_does_not_stop_the_probe) {
  const mxh::testing::TestPki pki;
  const auto result = probeWithTlsa(pki, {{3, 1, 1, std::vector<std::uint8_t>(32, 0xab)}});
  BOOST_TEST(mxh::smtp::probeStatusName(result.status) == "ok", result.error.value_or(""));
  BOOST_TEST(result.capabilitiesAfterTls.has_value());
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(!result.dane->verified);
  BOOST_TEST(result.dane->error.has_value());
}

BOOST_AUTO_TEST_CASE(a_probe_without_tlsa_records_has_no_dane_verdict) {
  const mxh::testing::TestPki pki;
  const auto result = probeWithTlsa(pki, {});
  BOOST_TEST(mxh::smtp::probeStatusName(result.status) == "ok", result.error.value_or(""));
  BOOST_TEST(!result.dane.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE http_https_get
#include "http/https_get.h"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

using mxh::Errc;
using mxh::http::httpsGet;
using mxh::http::HttpsRequest;
using namespace std::chrono_literals;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct CtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  BOOST_REQUIRE(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `commonName`, signed by `issuerKey` (self-signed when issuer is null).
X509Ptr makeCertificate(EVP_PKEY* key, const std::string& commonName, X509* issuer, EVP_PKEY* issuerKey, bool ca,
                        const std::string& dnsName, long notBeforeDays, long notAfterDays, long serial) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), notBeforeDays * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), notAfterDays * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (ca) {
    addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    addExtension(cert.get(), signer, NID_subject_alt_name, ("DNS:" + dnsName).c_str());
  }
  addExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  BOOST_REQUIRE(X509_sign(cert.get(), issuerKey != nullptr ? issuerKey : key, EVP_sha256()) > 0);
  return cert;
}

// A test CA and server certificates, made once; the CA is written to a PEM file.
struct Pki {
  PkeyPtr caKey{EVP_EC_gen("P-256")};
  X509Ptr ca;
  PkeyPtr serverKey{EVP_EC_gen("P-256")};
  X509Ptr server;   // mta-sts.example.test, valid
  X509Ptr expired;  // mta-sts.example.test, expired yesterday
  std::string caFile;

  Pki() {
    ca = makeCertificate(caKey.get(), "mxhealth test CA", nullptr, nullptr, true, "", -1, 30, 1);
    server = makeCertificate(serverKey.get(), "mta-sts.example.test", ca.get(), caKey.get(), false,
                             "mta-sts.example.test", -1, 30, 2);
    expired = makeCertificate(serverKey.get(), "mta-sts.example.test", ca.get(), caKey.get(), false,
                              "mta-sts.example.test", -10, -1, 3);
    caFile =
        (std::filesystem::temp_directory_path() / ("mxh_https_get_ca_" + std::to_string(::getpid()) + ".pem")).string();
    FILE* out = std::fopen(caFile.c_str(), "w");
    PEM_write_X509(out, ca.get());
    std::fclose(out);
  }
  ~Pki() { std::filesystem::remove(caFile); }
};

Pki& pki() {
  static Pki instance;
  return instance;
}

// What one connection to the test server saw.
struct Seen {
  std::string sni;
  std::string request;
};

// An HTTPS server on 127.0.0.1 that answers each connection with `response` (raw HTTP bytes)
// after reading the request head; with `stall` it then keeps the connection open, silent.
class TestServer {
 public:
  explicit TestServer(std::string response, X509* cert = nullptr, bool stall = false)
      : response_(std::move(response)), stall_(stall) {
    std::signal(SIGPIPE, SIG_IGN);
    ctx_.reset(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_use_certificate(ctx_.get(), cert != nullptr ? cert : pki().server.get());
    SSL_CTX_use_PrivateKey(ctx_.get(), pki().serverKey.get());
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    ::listen(listener_, 8);
    thread_ = std::thread([this] { run(); });
  }
  ~TestServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // The connections seen, once there are at least `count` (or after a second).
  std::vector<Seen> seenAtLeast(std::size_t count) {
    for (int i = 0; i < 100 && seen().size() < count; ++i) std::this_thread::sleep_for(10ms);
    return seen();
  }

 private:
  void run() {
    while (!stop_) {
      pollfd pfd{listener_, POLLIN, 0};
      if (::poll(&pfd, 1, 20) <= 0) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      serve(fd);
      ::close(fd);
    }
  }

  void serve(int fd) {
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SslPtr ssl(SSL_new(ctx_.get()));
    SSL_set_fd(ssl.get(), fd);
    Seen seen;
    if (SSL_accept(ssl.get()) != 1) {
      record(seen);
      return;
    }
    if (const char* name = SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name); name != nullptr) seen.sni = name;
    std::array<char, 4096> buffer{};
    while (seen.request.find("\r\n\r\n") == std::string::npos && seen.request.size() < 65536) {
      const int got = SSL_read(ssl.get(), buffer.data(), static_cast<int>(buffer.size()));
      if (got <= 0) break;
      seen.request.append(buffer.data(), static_cast<std::size_t>(got));
    }
    record(seen);
    std::string_view rest = response_;
    while (!rest.empty()) {
      const int sent = SSL_write(ssl.get(), rest.data(), static_cast<int>(std::min<std::size_t>(rest.size(), 16384)));
      if (sent <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
    if (stall_) {
      while (!stop_) std::this_thread::sleep_for(10ms);
      return;
    }
    SSL_shutdown(ssl.get());
  }

  void record(const Seen& seen) {
    std::lock_guard lock(mutex_);
    seen_.push_back(seen);
  }

  std::string response_;
  bool stall_;
  CtxPtr ctx_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Seen> seen_;
};

const std::string kPolicy = "version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\nmax_age: 86400\r\n";

std::string ok(const std::string& body, const std::string& type = "text/plain") {
  return "HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

HttpsRequest requestFor(std::uint16_t port, const std::string& host = "mta-sts.example.test") {
  HttpsRequest request;
  request.hostName = host;
  request.connectAddress = "127.0.0.1";
  request.port = port;
  request.path = "/.well-known/mta-sts.txt";
  request.caFile = pki().caFile;
  request.timeout = 5s;
  return request;
}

// A request with a 500 ms timeout to a server that sends `head` and then stalls: it must fail
// as a timeout, in less than `limit`.
void checkTimesOutWithin(const std::string& head, std::chrono::seconds limit) {
  TestServer server(head, nullptr, /*stall=*/true);
  HttpsRequest request = requestFor(server.port());
  request.timeout = 500ms;
  const auto start = std::chrono::steady_clock::now();
  const auto response = httpsGet(request);
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::net_timeout), response.error().message);
  BOOST_TEST(took < limit);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(https_get_test)

BOOST_AUTO_TEST_CASE(fetches_a_policy_from_a_server_the_ca_file_vouches_for) {
  TestServer server(ok(kPolicy, "text/plain; charset=utf-8"));
  const auto response = httpsGet(requestFor(server.port()));
  BOOST_TEST_REQUIRE(response.ok(), (response.ok() ? "" : response.error().message));
  BOOST_TEST(response->status == 200);
  BOOST_TEST(response->body == kPolicy);
  BOOST_TEST(!response->truncated);
  BOOST_TEST(mxh::http::mediaType(response->contentType) == "text/plain");
  const auto seen = server.seen();
  BOOST_TEST_REQUIRE(seen.size() == 1U);
  BOOST_TEST(seen[0].sni == "mta-sts.example.test");
  BOOST_TEST(seen[0].request.find("GET /.well-known/mta-sts.txt HTTP/1.1\r\n") == 0U);
  BOOST_TEST(seen[0].request.find("\r\nHost: mta-sts.example.test:" + std::to_string(server.port()) + "\r\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_body_delimited_by_the_close_is_read_to_the_end) {
  TestServer server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + kPolicy);
  const auto response = httpsGet(requestFor(server.port()));
  BOOST_TEST_REQUIRE(response.ok(), (response.ok() ? "" : response.error().message));
  BOOST_TEST(response->body == kPolicy);
}

BOOST_AUTO_TEST_CASE(a_chunked_body_is_decoded) {
  TestServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
      "10\r\nversion: STSv1\r\n\r\n0\r\n\r\n");
  const auto response = httpsGet(requestFor(server.port()));
  BOOST_TEST_REQUIRE(response.ok(), (response.ok() ? "" : response.error().message));
  BOOST_TEST(response->body == "version: STSv1\r\n");
}

BOOST_AUTO_TEST_CASE(a_certificate_for_another_name_is_a_tls_error) {
  TestServer server(ok(kPolicy));
  const auto response = httpsGet(requestFor(server.port(), "mta-sts.other.test"));
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::tls_handshake));
  BOOST_TEST(response.error().message.find("hostname mismatch") != std::string::npos, response.error().message);
  BOOST_TEST(server.seenAtLeast(1).at(0).request.empty());  // nothing was sent to it
}

BOOST_AUTO_TEST_CASE(a_certificate_from_an_unknown_ca_is_a_tls_error) {
  TestServer server(ok(kPolicy));
  HttpsRequest request = requestFor(server.port());
  request.caFile.reset();  // the system's store does not know the test CA
  const auto response = httpsGet(request);
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::tls_handshake));
  BOOST_TEST(response.error().message.find("local issuer") != std::string::npos, response.error().message);
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_is_a_tls_error) {
  TestServer server(ok(kPolicy), pki().expired.get());
  const auto response = httpsGet(requestFor(server.port()));
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::tls_handshake));
  BOOST_TEST(response.error().message.find("expired") != std::string::npos, response.error().message);
}

BOOST_AUTO_TEST_CASE(a_redirect_is_returned_and_not_followed) {
  TestServer server(
      "HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.test/mta-sts.txt\r\n"
      "Content-Length: 0\r\n\r\n");
  const auto response = httpsGet(requestFor(server.port()));
  BOOST_TEST_REQUIRE(response.ok(), (response.ok() ? "" : response.error().message));
  BOOST_TEST(response->status == 301);
  BOOST_TEST(response->location.value_or("") == "https://elsewhere.test/mta-sts.txt");
  BOOST_TEST(server.seen().size() == 1U);
}

BOOST_AUTO_TEST_CASE(a_body_over_the_cap_is_cut_and_marked) {
  const std::string big(100 * 1024, 'x');
  TestServer server(ok(big));
  HttpsRequest request = requestFor(server.port());
  request.maxBodyBytes = 64 * 1024;
  const auto response = httpsGet(request);
  BOOST_TEST_REQUIRE(response.ok(), (response.ok() ? "" : response.error().message));
  BOOST_TEST(response->truncated);
  BOOST_TEST(response->body.size() == 64U * 1024U);
}

BOOST_AUTO_TEST_CASE(a_body_exactly_at_the_cap_is_whole) {
  const std::string body(1000, 'y');
  TestServer server(ok(body));
  HttpsRequest request = requestFor(server.port());
  request.maxBodyBytes = 1000;
  const auto response = httpsGet(request);
  BOOST_TEST_REQUIRE(response.ok(), (response.ok() ? "" : response.error().message));
  BOOST_TEST(!response->truncated);
  BOOST_TEST(response->body == body);
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_refused) {
  std::uint16_t port = 0;
  {
    TestServer server(ok(kPolicy));
    port = server.port();
  }  // closed again: nothing listens there now
  const auto response = httpsGet(requestFor(port));
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::net_refused));
  BOOST_TEST(response.error().message.find("mta-sts.example.test (127.0.0.1 port") == 0U, response.error().message);
}

BOOST_AUTO_TEST_CASE(a_silent_server_is_a_timeout_within_the_limit) {
  checkTimesOutWithin("", 3s);
}

BOOST_AUTO_TEST_CASE(a_body_that_stops_coming_is_a_timeout_within_the_limit) {
  checkTimesOutWithin("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nversion: STSv1\r\n", 2s);
}

BOOST_AUTO_TEST_CASE(a_missing_ca_file_is_a_configuration_error) {
  HttpsRequest request = requestFor(443);
  request.caFile = "/nonexistent/ca.pem";
  const auto response = httpsGet(request);
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::tls_config));
}

BOOST_AUTO_TEST_CASE(only_addresses_are_connected_to) {
  HttpsRequest request = requestFor(443);
  request.connectAddress = "mta-sts.example.test";
  const auto response = httpsGet(request);
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::usage));
}

BOOST_AUTO_TEST_CASE(a_cancelled_request_does_not_connect) {
  TestServer server(ok(kPolicy));
  mxh::CancelSource source;
  source.cancel();
  HttpsRequest request = requestFor(server.port());
  request.cancel = source.token();
  const auto response = httpsGet(request);
  BOOST_TEST_REQUIRE(!response.ok());
  BOOST_TEST(mxh::errcName(response.error().code) == mxh::errcName(Errc::cancelled));
  BOOST_TEST(server.seen().empty());
}

BOOST_AUTO_TEST_CASE(media_types_are_compared_without_parameters) {
  BOOST_TEST(mxh::http::mediaType("Text/Plain; charset=UTF-8") == "text/plain");
  BOOST_TEST(mxh::http::mediaType("  text/html ") == "text/html");
  BOOST_TEST(mxh::http::mediaType("").empty());
}

BOOST_AUTO_TEST_SUITE_END()

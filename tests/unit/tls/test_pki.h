// Test-only PKI and TLS servers: keys, a CA and server certificates made with the OpenSSL API at
// run time, and a TLS server thread on one end of a connected socket, so TLS and DANE
// verification can be tested against real handshakes without files or network.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls/openssl_handles.h"

namespace mxh::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

inline void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

inline PkeyPtr makeKey() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(key != nullptr, "EC key generation");
  return key;
}

inline void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  require(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

struct CertSpec {
  std::string commonName;
  std::vector<std::string> dnsNames;  // subjectAltName
  bool ca = false;
  long notBeforeOffset = -3600;       // seconds from now
  long notAfterOffset = 30L * 86400;  // seconds from now
};

// A certificate for `key`, signed by `issuerKey` under `issuer` (both null: self-signed).
inline tls::X509Ptr makeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey) {
  static long serial = 1;
  tls::X509Ptr cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.notBeforeOffset);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.notAfterOffset);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.commonName.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* issuing = issuer != nullptr ? issuer : cert.get();
  if (spec.ca) {
    addExtension(cert.get(), issuing, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), issuing, NID_key_usage, "critical,keyCertSign,cRLSign");
    addExtension(cert.get(), issuing, NID_subject_key_identifier, "hash");
  } else {
    addExtension(cert.get(), issuing, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), issuing, NID_ext_key_usage, "serverAuth");
    std::string sans;
    for (const std::string& dns : spec.dnsNames) sans += (sans.empty() ? "DNS:" : ",DNS:") + dns;
    if (!sans.empty()) addExtension(cert.get(), issuing, NID_subject_alt_name, sans);
  }
  require(X509_sign(cert.get(), issuerKey != nullptr ? issuerKey : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

inline std::vector<std::uint8_t> certDer(X509* cert) {
  unsigned char* out = nullptr;
  const int length = i2d_X509(cert, &out);
  require(length > 0, "i2d_X509");
  std::vector<std::uint8_t> der(out, out + length);
  OPENSSL_free(out);
  return der;
}

inline std::vector<std::uint8_t> spkiDer(X509* cert) {
  unsigned char* out = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &out);
  require(length > 0, "i2d_X509_PUBKEY");
  std::vector<std::uint8_t> der(out, out + length);
  OPENSSL_free(out);
  return der;
}

inline std::vector<std::uint8_t> sha256(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::uint8_t> digest(32);
  unsigned int length = 0;
  require(EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) == 1, "sha256");
  return digest;
}

// A PEM file of one certificate that lives as long as this object.
class TempPemFile {
 public:
  explicit TempPemFile(X509* cert) {
    std::array<char, 64> name{};
    std::snprintf(name.data(), name.size(), "/tmp/mxh-test-ca-XXXXXX");
    const int fd = ::mkstemp(name.data());
    require(fd >= 0, "mkstemp");
    path_ = name.data();
    FILE* file = ::fdopen(fd, "w");
    require(file != nullptr, "fdopen");
    PEM_write_X509(file, cert);
    std::fclose(file);
  }
  ~TempPemFile() { ::unlink(path_.c_str()); }
  TempPemFile(const TempPemFile&) = delete;
  TempPemFile& operator=(const TempPemFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A CA, and a server certificate it issued (the chain the server sends: leaf, CA).
struct TestPki {
  PkeyPtr caKey = makeKey();
  tls::X509Ptr ca = makeCert({"mxhealth test CA", {}, true}, caKey.get(), nullptr, nullptr);
  PkeyPtr serverKey = makeKey();
  tls::X509Ptr server;

  explicit TestPki(const std::vector<std::string>& names = {"mx.dane.test"}, long notAfterOffset = 30L * 86400)
      : server(makeCert({"server", names, false, -7200, notAfterOffset}, serverKey.get(), ca.get(), caKey.get())) {}
};

inline tls::SslCtxPtr serverContext(const TestPki& pki) {
  tls::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  require(ctx != nullptr, "SSL_CTX_new");
  STACK_OF(X509)* chain = sk_X509_new_null();
  sk_X509_push(chain, pki.ca.get());
  const int ok = SSL_CTX_use_cert_and_key(ctx.get(), pki.server.get(), pki.serverKey.get(), chain, 1);
  sk_X509_free(chain);
  require(ok == 1, "SSL_CTX_use_cert_and_key");
  return ctx;
}

// Accepts one TLS handshake on `fd` (blocking) on a thread, then reads until the peer is gone.
// Owns the fd.
class TlsServerThread {
 public:
  TlsServerThread(SSL_CTX* ctx, int fd) : fd_(fd) {
    thread_ = std::thread([ctx, fd] {
      tls::SslPtr ssl(SSL_new(ctx));
      if (!ssl) return;
      SSL_set_fd(ssl.get(), fd);
      if (SSL_accept(ssl.get()) != 1) return;
      std::array<char, 256> buffer{};
      while (SSL_read(ssl.get(), buffer.data(), static_cast<int>(buffer.size())) > 0) {
      }
    });
  }
  ~TlsServerThread() {
    thread_.join();
    ::close(fd_);
  }
  TlsServerThread(const TlsServerThread&) = delete;
  TlsServerThread& operator=(const TlsServerThread&) = delete;

 private:
  int fd_;
  std::thread thread_;
};

// The host ignores SIGPIPE (main.cpp); tests whose peers hang up early must too.
struct IgnoreSigpipe {
  IgnoreSigpipe() { std::signal(SIGPIPE, SIG_IGN); }
};

// A connected pair: [0] for the client (non-blocking, as TlsSession wants), [1] for the server.
inline std::pair<int, int> socketPair() {
  std::array<int, 2> fds{};
  require(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) == 0, "socketpair");
  require(::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK) == 0, "O_NONBLOCK");
  return {fds[0], fds[1]};
}

}  // namespace mxh::testing

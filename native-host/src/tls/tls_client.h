// TLS client side for probing mail servers: a context that accepts any server (so weak and
// broken servers can be described, as opportunistic SMTP senders would still talk to them)
// while recording what strict verification would say, and sessions over a borrowed socket
// with deadlines and cancellation.
// Thread-safety: a TlsClientContext may be shared by many threads; a TlsSession may not.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/cancel.h"
#include "core/clock.h"
#include "core/result.h"
#include "tls/certificate.h"
#include "tls/openssl_handles.h"

namespace mxh::tls {

struct TlsInfo {
  std::string version;                     // "TLSv1.3"
  std::string cipher;                      // "TLS_AES_256_GCM_SHA384"
  std::optional<std::string> keyExchange;  // the negotiated group, e.g. "X25519"
  std::optional<CertificateInfo> certificate;
  bool chainVerified = false;  // against the system trust store (and --ca-file)
  std::optional<std::string> verifyError;
  bool hostnameMatch = false;  // the certificate is valid for the name we connected to
};

class TlsClientContext {
 public:
  // `extraCaFile`: PEM trust anchors added to the system's (tests use their own CA).
  static Result<TlsClientContext> create(const std::optional<std::string>& extraCaFile);
  [[nodiscard]] SSL_CTX* get() const { return ctx_.get(); }

 private:
  explicit TlsClientContext(SslCtxPtr ctx) : ctx_(std::move(ctx)) {}
  SslCtxPtr ctx_;
};

class TlsSession {
 public:
  // Runs the client handshake on `fd` (non-blocking, connected; owned by the caller, who keeps
  // it open for the session's life). `serverName` is sent as SNI and checked against the
  // certificate.
  static Result<TlsSession> handshake(const TlsClientContext& context, int fd, const std::string& serverName,
                                      Deadline deadline, const CancelToken& cancel);

  // Bytes read into `buffer` (at least 1), or an Error (net.closed at the end of the stream).
  Result<std::size_t> read(std::span<char> buffer, Deadline deadline, const CancelToken& cancel);
  Status writeAll(std::string_view data, Deadline deadline, const CancelToken& cancel);
  // Sends close_notify without waiting for the peer's; nothing after a fatal error.
  void close();

  [[nodiscard]] const TlsInfo& info() const { return info_; }

 private:
  TlsSession(SslPtr ssl, int fd, TlsInfo info) : ssl_(std::move(ssl)), fd_(fd), info_(std::move(info)) {}
  SslPtr ssl_;
  int fd_;
  TlsInfo info_;
  bool failed_ = false;  // a fatal error happened: OpenSSL forbids SSL_shutdown then
};

}  // namespace mxh::tls

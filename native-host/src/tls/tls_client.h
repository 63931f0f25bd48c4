// TLS client side for probing mail servers: a context that accepts any server (so weak and
// broken servers can be described, as opportunistic SMTP senders would still talk to them)
// while recording what strict verification would say, and sessions over a borrowed socket
// with deadlines and cancellation. A session may also check the server's chain against DANE TLSA
// records (RFC 7672) with OpenSSL's own DANE support, as a DANE sender would, without ever
// refusing the server for it.
// Thread-safety: a TlsClientContext may be shared by many threads; a TlsSession may not.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/cancel.h"
#include "core/clock.h"
#include "core/result.h"
#include "tls/certificate.h"
#include "tls/dane.h"
#include "tls/openssl_handles.h"

namespace mxh::tls {

struct TlsInfo {
  std::string version;                     // "TLSv1.3"
  std::string cipher;                      // "TLS_AES_256_GCM_SHA384"
  std::optional<std::string> keyExchange;  // the negotiated group, e.g. "X25519"
  std::optional<CertificateInfo> certificate;
  // PKIX verification against the system trust store (and --ca-file), with or without DANE on
  // the session: the same verdict either way.
  bool chainVerified = false;
  std::optional<std::string> verifyError;
  bool hostnameMatch = false;  // the certificate is valid for the name we connected to
};

class TlsClientContext {
 public:
  // `extraCaFile`: PEM trust anchors added to the system's (tests use their own CA). The context
  // is DANE-enabled, with no name checks for DANE-EE(3) matches (RFC 7672 §3.1.1).
  static Result<TlsClientContext> create(const std::optional<std::string>& extraCaFile);
  // The same, shared by every caller that holds it at the time: checks that run at once share
  // one context per CA file instead of loading the system's CA store each (about 0.6 MB). Made
  // anew once nobody holds it, so a changed CA file is read again by the next check.
  static Result<std::shared_ptr<const TlsClientContext>> shared(const std::optional<std::string>& extraCaFile);
  [[nodiscard]] SSL_CTX* get() const { return ctx_.get(); }

 private:
  explicit TlsClientContext(SslCtxPtr ctx) : ctx_(std::move(ctx)) {}
  SslCtxPtr ctx_;
};

class TlsSession {
 public:
  // Runs the client handshake on `fd` (non-blocking, connected; owned by the caller, who keeps
  // it open for the session's life). `serverName` is sent as SNI and checked against the
  // certificate. With `dane`, the chain is also checked against its TLSA records (see dane());
  // the handshake never fails for DANE's sake. `dane->baseDomain` should be `serverName`
  // (OpenSSL sends it as SNI when `serverName` is not a host name).
  static Result<TlsSession> handshake(const TlsClientContext& context, int fd, const std::string& serverName,
                                      Deadline deadline, const CancelToken& cancel,
                                      const std::optional<DaneInput>& dane = std::nullopt);

  // Bytes read into `buffer` (at least 1), or an Error (net.closed at the end of the stream).
  Result<std::size_t> read(std::span<char> buffer, Deadline deadline, const CancelToken& cancel);
  Status writeAll(std::string_view data, Deadline deadline, const CancelToken& cancel);
  // Sends close_notify without waiting for the peer's; nothing after a fatal error.
  void close();

  [[nodiscard]] const TlsInfo& info() const { return info_; }
  // What DANE verification said; nullopt when the handshake had no DaneInput.
  [[nodiscard]] const std::optional<DaneOutcome>& dane() const { return dane_; }

 private:
  TlsSession(SslPtr ssl, int fd, TlsInfo info, std::optional<DaneOutcome> dane)
      : ssl_(std::move(ssl)), fd_(fd), info_(std::move(info)), dane_(std::move(dane)) {}
  SslPtr ssl_;
  int fd_;
  TlsInfo info_;
  std::optional<DaneOutcome> dane_;
  bool failed_ = false;  // a fatal error happened: OpenSSL forbids SSL_shutdown then
};

}  // namespace mxh::tls

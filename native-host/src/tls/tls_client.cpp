#include "tls/tls_client.h"

#include <poll.h>

#include <algorithm>
#include <ctime>

#include <openssl/err.h>

#include "core/fd_wait.h"
#include "core/text.h"

namespace mxh::tls {
namespace {

// The oldest error on this thread's OpenSSL error queue, which is then cleared.
std::string takeOpenSslError(std::string_view fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return sanitizeForDisplay(text.data(), 256);
}

enum class WaitFor { read, write };

Status waitReady(int fd, WaitFor what, Deadline deadline, const CancelToken& cancel, Errc timeoutCode,
                 const char* timeoutMessage) {
  switch (waitForFd(fd, static_cast<short>(what == WaitFor::read ? POLLIN : POLLOUT), deadline, cancel)) {
    case FdWait::ready: return Ok{};
    case FdWait::timeout: return Error{timeoutCode, timeoutMessage};
    case FdWait::cancelled: return Error{Errc::cancelled, "the check was cancelled"};
    case FdWait::failed: break;
  }
  return Error{Errc::net_error, "waiting on the connection failed"};
}

std::optional<std::string> negotiatedGroup(SSL* ssl) {
  const auto group = static_cast<int>(SSL_get_negotiated_group(ssl));
  if (group <= 0) return std::nullopt;
  if (const char* name = SSL_group_to_name(ssl, group); name != nullptr) return std::string(name);
  if (const char* name = OBJ_nid2sn(group & ~TLSEXT_nid_unknown); name != nullptr) return std::string(name);
  return std::nullopt;
}

TlsInfo describeSession(SSL* ssl, const std::string& serverName) {
  TlsInfo info;
  info.version = SSL_get_version(ssl);
  if (const char* cipher = SSL_get_cipher_name(ssl); cipher != nullptr) info.cipher = cipher;
  info.keyExchange = negotiatedGroup(ssl);
  if (const X509* peer = SSL_get0_peer_certificate(ssl); peer != nullptr) {
    info.certificate = describeCertificate(*peer, std::time(nullptr));
    info.hostnameMatch = certificateMatchesHost(*peer, serverName);
    const long verify = SSL_get_verify_result(ssl);
    info.chainVerified = verify == X509_V_OK;
    if (!info.chainVerified) info.verifyError = X509_verify_cert_error_string(verify);
  } else {
    info.verifyError = "the server sent no certificate";
  }
  return info;
}

}  // namespace

Result<TlsClientContext> TlsClientContext::create(const std::optional<std::string>& extraCaFile) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return Error{Errc::tls_config, takeOpenSslError("cannot create a TLS context")};
  // A probe must be able to talk to old and weak servers in order to report them: allow every
  // protocol version and cipher OpenSSL still has (security level 0), and verify on the side
  // instead of refusing (SSL_VERIFY_NONE still runs verification and keeps its result).
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
  SSL_CTX_set_security_level(ctx.get(), 0);
  if (SSL_CTX_set_cipher_list(ctx.get(), "ALL:@SECLEVEL=0") != 1) {
    return Error{Errc::tls_config, takeOpenSslError("cannot set the TLS cipher list")};
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) ERR_clear_error();
  if (extraCaFile) {
    if (SSL_CTX_load_verify_locations(ctx.get(), extraCaFile->c_str(), nullptr) != 1) {
      return Error{Errc::tls_config, "cannot load the CA file " + sanitizeForDisplay(*extraCaFile, 200) + ": " +
                                         takeOpenSslError("unreadable or not PEM")};
    }
  }
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Many SMTP servers close without close_notify; OpenSSL 3 would call that a protocol error.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  return TlsClientContext(std::move(ctx));
}

Result<TlsSession> TlsSession::handshake(const TlsClientContext& context, int fd, const std::string& serverName,
                                         Deadline deadline, const CancelToken& cancel) {
  ERR_clear_error();
  SslPtr ssl(SSL_new(context.get()));
  if (!ssl) return Error{Errc::tls_config, takeOpenSslError("cannot create a TLS session")};
  if (SSL_set_fd(ssl.get(), fd) != 1) return Error{Errc::tls_config, takeOpenSslError("cannot attach TLS")};
  // SNI must be a host name, never an address (RFC 6066 §3).
  if (!serverName.empty() && serverName.find(':') == std::string::npos &&
      serverName.find_first_not_of("0123456789.") != std::string::npos) {
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<void*>(static_cast<const void*>(serverName.c_str())));
  }
  while (true) {
    const int rc = SSL_connect(ssl.get());
    if (rc == 1) break;
    const int error = SSL_get_error(ssl.get(), rc);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      auto ready = waitReady(fd, error == SSL_ERROR_WANT_READ ? WaitFor::read : WaitFor::write, deadline, cancel,
                             Errc::tls_timeout, "the TLS handshake did not finish in time");
      if (!ready) return ready.error();
      continue;
    }
    if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      return Error{Errc::tls_handshake, "the server closed the connection during the TLS handshake"};
    }
    return Error{Errc::tls_handshake, "the TLS handshake failed: " + takeOpenSslError("unknown TLS error")};
  }
  TlsInfo info = describeSession(ssl.get(), serverName);
  return TlsSession(std::move(ssl), fd, std::move(info));
}

Result<std::size_t> TlsSession::read(std::span<char> buffer, Deadline deadline, const CancelToken& cancel) {
  while (true) {
    std::size_t got = 0;
    ERR_clear_error();
    const int rc = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &got);
    if (rc == 1) return got;
    const int error = SSL_get_error(ssl_.get(), rc);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      auto ready = waitReady(fd_, error == SSL_ERROR_WANT_READ ? WaitFor::read : WaitFor::write, deadline, cancel,
                             Errc::smtp_timeout, "the server did not answer in time");
      if (!ready) return ready.error();
      continue;
    }
    if (error == SSL_ERROR_ZERO_RETURN) return Error{Errc::net_closed, "the server closed the TLS connection"};
    failed_ = true;
    if (error == SSL_ERROR_SYSCALL) return Error{Errc::net_reset, "the connection was reset"};
    return Error{Errc::net_error, "reading from the TLS connection failed: " + takeOpenSslError("TLS error")};
  }
}

Status TlsSession::writeAll(std::string_view data, Deadline deadline, const CancelToken& cancel) {
  while (!data.empty()) {
    std::size_t written = 0;
    ERR_clear_error();
    const int rc = SSL_write_ex(ssl_.get(), data.data(), data.size(), &written);
    if (rc == 1) {
      data.remove_prefix(written);
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), rc);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      auto ready = waitReady(fd_, error == SSL_ERROR_WANT_READ ? WaitFor::read : WaitFor::write, deadline, cancel,
                             Errc::smtp_timeout, "the server did not accept data in time");
      if (!ready) return ready.error();
      continue;
    }
    failed_ = true;
    return Error{Errc::net_reset, "writing to the TLS connection failed"};
  }
  return Ok{};
}

void TlsSession::close() {
  if (failed_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_.get());  // one attempt; a probe does not wait for the peer's close_notify
  ERR_clear_error();
}

}  // namespace mxh::tls

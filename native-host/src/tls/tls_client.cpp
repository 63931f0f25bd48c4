#include "tls/tls_client.h"

#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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

struct X509StoreCtxFree {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, X509StoreCtxFree>;

// The PKIX verdict on the chain the server sent, computed after the handshake exactly as
// OpenSSL's handshake computes it for a session without DANE (ssl_verify_cert_chain in
// ssl/ssl_cert.c: the context's store, "ssl_server" defaults, the session's security level as
// the authentication level, then the verify parameters), except that the parameters are the
// context's: SSL_dane_enable gave the session's parameters the TLSA base domain as a host name
// to check, which plain PKIX verification here never does (hostnameMatch is separate).
long verifyPkix(SSL* ssl) {
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);  // the client's view includes the leaf
  if (chain == nullptr || sk_X509_num(chain) <= 0) return X509_V_ERR_UNSPECIFIED;
  SSL_CTX* context = SSL_get_SSL_CTX(ssl);
  const X509StoreCtxPtr store(X509_STORE_CTX_new());
  if (!store) return X509_V_ERR_OUT_OF_MEM;
  if (X509_STORE_CTX_init(store.get(), SSL_CTX_get_cert_store(context), sk_X509_value(chain, 0), chain) != 1) {
    ERR_clear_error();
    return X509_V_ERR_UNSPECIFIED;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store.get());
  X509_VERIFY_PARAM_set_auth_level(param, SSL_get_security_level(ssl));
  X509_STORE_CTX_set_ex_data(store.get(), SSL_get_ex_data_X509_STORE_CTX_idx(), ssl);
  X509_STORE_CTX_set_default(store.get(), "ssl_server");
  X509_VERIFY_PARAM_set1(param, SSL_CTX_get0_param(context));
  (void)X509_verify_cert(store.get());
  ERR_clear_error();
  return X509_STORE_CTX_get_error(store.get());
}

// `daneOn`: the session ran DANE verification, so its own verify result is DANE's, not PKIX's.
TlsInfo describeSession(SSL* ssl, const std::string& serverName, bool daneOn) {
  TlsInfo info;
  info.version = SSL_get_version(ssl);
  if (const char* cipher = SSL_get_cipher_name(ssl); cipher != nullptr) info.cipher = cipher;
  info.keyExchange = negotiatedGroup(ssl);
  if (const X509* peer = SSL_get0_peer_certificate(ssl); peer != nullptr) {
    info.certificate = describeCertificate(*peer, std::time(nullptr));
    info.hostnameMatch = certificateMatchesHost(*peer, serverName);
    const long verify = daneOn ? verifyPkix(ssl) : SSL_get_verify_result(ssl);
    info.chainVerified = verify == X509_V_OK;
    if (!info.chainVerified) info.verifyError = X509_verify_cert_error_string(verify);
  } else {
    info.verifyError = "the server sent no certificate";
  }
  return info;
}

// Loads the usable TLSA records into the session before the handshake; the number loaded, or
// why DANE cannot be checked (then nothing is loaded and verification stays plain).
Result<std::size_t> enableDane(SSL* ssl, const DaneInput& dane) {
  std::vector<const TlsaRecord*> usable;
  for (const TlsaRecord& record : dane.records) {
    if (usableForSmtp(record)) usable.push_back(&record);
  }
  if (usable.empty()) return Error{Errc::tls_config, "none of the TLSA records is usable for SMTP"};
  if (SSL_dane_enable(ssl, dane.baseDomain.c_str()) <= 0) {
    return Error{Errc::tls_config, "DANE could not be enabled: " + takeOpenSslError("bad TLSA base domain")};
  }
  std::size_t loaded = 0;
  for (const TlsaRecord* record : usable) {
    // 0: OpenSSL finds the record unusable (bad parameters or data); negative: internal error.
    if (SSL_dane_tlsa_add(ssl, record->usage, record->selector, record->matchingType, record->data.data(),
                          record->data.size()) > 0) {
      ++loaded;
    }
  }
  ERR_clear_error();
  if (loaded == 0) return Error{Errc::tls_config, "OpenSSL could use none of the TLSA records"};
  return loaded;
}

// DANE's verdict after the handshake: SSL_get_verify_result is DANE's result on a session with
// TLSA records loaded, and SSL_get0_dane_tlsa names the record that matched (negative: none).
DaneOutcome daneOutcome(SSL* ssl) {
  DaneOutcome outcome;
  if (SSL_get0_peer_certificate(ssl) == nullptr) {
    outcome.error = "the server sent no certificate";
    return outcome;
  }
  const long verify = SSL_get_verify_result(ssl);
  std::uint8_t usage = 0;
  std::uint8_t selector = 0;
  std::uint8_t matchingType = 0;
  const unsigned char* data = nullptr;
  std::size_t length = 0;
  const int depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &matchingType, &data, &length);
  if (verify == X509_V_OK && depth >= 0) {
    outcome.verified = true;
    TlsaRecord matched{usage, selector, matchingType, {}};
    if (data != nullptr) matched.data.assign(data, data + length);
    outcome.matched = std::move(matched);
    outcome.matchDepth = depth;
    return outcome;
  }
  outcome.error = verify == X509_V_OK ? "no TLSA record authenticated the certificate chain"
                                      : X509_verify_cert_error_string(verify);
  return outcome;
}

}  // namespace

Result<std::shared_ptr<const TlsClientContext>> TlsClientContext::shared(
    const std::optional<std::string>& extraCaFile) {
  static std::mutex mutex;
  static std::map<std::optional<std::string>, std::weak_ptr<const TlsClientContext>> contexts;
  const std::lock_guard lock(mutex);
  std::erase_if(contexts, [](const auto& entry) { return entry.second.expired(); });
  if (const auto found = contexts.find(extraCaFile); found != contexts.end()) {
    if (auto existing = found->second.lock()) return existing;
  }
  auto created = create(extraCaFile);
  if (!created) return created.error();
  auto context = std::make_shared<const TlsClientContext>(std::move(created).value());
  contexts[extraCaFile] = context;
  return context;
}

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
  // DANE for the sessions that ask for it (SSL_dane_enable); sessions without TLSA records are
  // not affected. SMTP skips name checks on DANE-EE(3) matches (RFC 7672 §3.1.1; OpenSSL's
  // SSL_CTX_dane_enable(3) recommends this flag for SMTP).
  if (SSL_CTX_dane_enable(ctx.get()) <= 0) {
    return Error{Errc::tls_config, takeOpenSslError("cannot enable DANE on the TLS context")};
  }
  SSL_CTX_dane_set_flags(ctx.get(), DANE_FLAG_NO_DANE_EE_NAMECHECKS);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Many SMTP servers close without close_notify; OpenSSL 3 would call that a protocol error.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  return TlsClientContext(std::move(ctx));
}

Result<TlsSession> TlsSession::handshake(const TlsClientContext& context, int fd, const std::string& serverName,
                                         Deadline deadline, const CancelToken& cancel,
                                         const std::optional<DaneInput>& dane) {
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
  // DANE is checked on the side like PKIX: the verify mode stays SSL_VERIFY_NONE, so a chain
  // that matches no TLSA record is recorded, never refused (SSL_CTX_dane_enable(3), EXAMPLES).
  std::optional<DaneOutcome> outcome;
  if (dane) {
    auto loaded = enableDane(ssl.get(), *dane);
    if (!loaded) outcome = DaneOutcome{false, std::nullopt, std::nullopt, loaded.error().message};
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
  TlsInfo info = describeSession(ssl.get(), serverName, dane.has_value());
  if (dane && !outcome) outcome = daneOutcome(ssl.get());
  return TlsSession(std::move(ssl), fd, std::move(info), std::move(outcome));
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

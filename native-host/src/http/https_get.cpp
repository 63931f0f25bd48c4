#include "http/https_get.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <istream>
#include <mutex>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Timespan.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/clock.h"
#include "core/limits.h"
#include "core/text.h"

namespace mxh::http {
namespace {

// How the message of a refused certificate begins (isCertificateError looks for it).
constexpr std::string_view kCertificatePrefix = "the certificate";

// What OpenSSL's chain and name verification refused, kept by the verify callback: Poco's
// exception only says "certificate verify failed".
struct VerifyRecord {
  std::optional<std::string> reason;
  int depth = 0;
};

int verifyRecordIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int recordVerifyFailure(int preverifyOk, X509_STORE_CTX* store) {
  if (preverifyOk == 1) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl != nullptr) {
    auto* record = static_cast<VerifyRecord*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), verifyRecordIndex()));
    if (record != nullptr && !record->reason) {
      record->reason = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
      record->depth = X509_STORE_CTX_get_error_depth(store);
    }
  }
  return 0;  // refuse: the handshake fails
}

void initializeOnce() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

Poco::Timespan toTimespan(std::chrono::milliseconds duration) {
  // At least 1 ms: Poco treats a zero timeout as "none".
  return {static_cast<Poco::Timespan::TimeDiff>(std::max<std::chrono::milliseconds::rep>(duration.count(), 1)) * 1000};
}

// A client context that verifies the chain against the system's store (and the CA file) and
// the host name with OpenSSL's own matching (RFC 6125: wildcards only as a whole left label).
Result<Poco::Net::Context::Ptr> makeContext(const HttpsRequest& request, VerifyRecord& record) {
  try {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = true;
    if (request.caFile) params.caLocation = *request.caFile;
    params.cipherList = "DEFAULT";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // Poco's own name check would resolve the name with the system resolver to see whether it
    // is local; OpenSSL checks the name during verification instead.
    context->enableExtendedCertificateVerification(false);
    SSL_CTX* ctx = context->sslContext();
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, request.hostName.c_str(), request.hostName.size()) != 1) {
      ERR_clear_error();
      return Error{Errc::tls_config, "cannot check certificates for the name " +
                                         sanitizeForDisplay(request.hostName, limits::kMaxErrorText)};
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, recordVerifyFailure);
    SSL_CTX_set_ex_data(ctx, verifyRecordIndex(), &record);
    // Servers that close without close_notify end the body like any other close.
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    return context;
  } catch (const Poco::Exception& e) {
    const std::string what = request.caFile ? "cannot load the CA file " + sanitizeForDisplay(*request.caFile, 200)
                                            : std::string("cannot set up TLS");
    return Error{Errc::tls_config, what + ": " + sanitizeForDisplay(e.displayText(), limits::kMaxErrorText)};
  }
}

std::string where(const HttpsRequest& request) {
  const bool v6 = request.connectAddress.find(':') != std::string::npos;
  return sanitizeForDisplay(request.hostName, 260) + " (" + (v6 ? "[" : "") +
         sanitizeForDisplay(request.connectAddress, 64) + (v6 ? "]" : "") + " port " + std::to_string(request.port) +
         ")";
}

Error networkError(const Poco::Net::NetException& e, const HttpsRequest& request) {
  const int code = e.code();
  const std::string text = sanitizeForDisplay(e.displayText(), limits::kMaxErrorText);
  if (code == ENETUNREACH || code == EHOSTUNREACH || code == ENETDOWN || code == EHOSTDOWN) {
    return Error{Errc::net_unreachable, where(request) + " cannot be reached from here (" + text + ")"};
  }
  return Error{Errc::net_error, "the connection to " + where(request) + " failed: " + text};
}

Result<HttpsResponse> exchange(const HttpsRequest& request, const Poco::Net::Context::Ptr& context, Deadline deadline) {
  Poco::Net::SecureStreamSocket socket(context);
  socket.setPeerHostName(request.hostName);  // SNI and the name checked (set before connect)
  Poco::Net::HTTPSClientSession session(socket);
  session.setHost(request.connectAddress);  // an address: Poco resolves nothing
  session.setPort(request.port);
  session.setKeepAlive(false);
  session.setProxyConfig({});
  const Poco::Timespan budget = toTimespan(deadline.remaining());
  session.setTimeout(budget, budget, budget);

  Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_GET, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
  httpRequest.setHost(request.port == 443 ? request.hostName : request.hostName + ":" + std::to_string(request.port));
  httpRequest.set("User-Agent", "mxhealth");
  httpRequest.set("Accept", "text/plain");
  httpRequest.setKeepAlive(false);
  session.sendRequest(httpRequest);

  if (request.cancel.cancelled()) return Error{Errc::cancelled, "the check was cancelled"};
  session.socket().setReceiveTimeout(toTimespan(deadline.remaining()));
  Poco::Net::HTTPResponse httpResponse;
  std::istream& in = session.receiveResponse(httpResponse);
  in.exceptions(std::ios::badbit);  // a failed read rethrows Poco's exception

  HttpsResponse response;
  response.status = static_cast<int>(httpResponse.getStatus());
  response.reason = sanitizeForDisplay(httpResponse.getReason(), limits::kMaxHeaderValueKept);
  if (httpResponse.has("Content-Type")) {
    response.contentType = httpResponse.get("Content-Type").substr(0, limits::kMaxHeaderValueKept);
  }
  if (httpResponse.has("Location")) {
    response.location = sanitizeForDisplay(httpResponse.get("Location"), limits::kMaxHeaderValueKept);
  }
  std::array<char, limits::kReadChunk> buffer{};
  while (true) {
    if (request.cancel.cancelled()) return Error{Errc::cancelled, "the check was cancelled"};
    if (deadline.expired()) {
      return Error{Errc::net_timeout, where(request) + " did not send the whole answer in time"};
    }
    session.socket().setReceiveTimeout(toTimespan(deadline.remaining()));
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    const std::size_t room = request.maxBodyBytes - response.body.size();
    response.body.append(buffer.data(), std::min(got, room));
    if (got > room) {
      response.truncated = true;  // the rest is not read
      break;
    }
    if (!in) break;  // the end of the body
  }
  return response;
}

}  // namespace

bool isCertificateError(const Error& error) {
  return error.code == Errc::tls_handshake && error.message.starts_with(kCertificatePrefix);
}

std::string mediaType(const std::string& contentType) {
  std::string type = contentType.substr(0, contentType.find(';'));
  const auto first = type.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  type = type.substr(first, type.find_last_not_of(" \t") - first + 1);
  return toLowerAscii(type);
}

Result<HttpsResponse> httpsGet(const HttpsRequest& request) {
  if (request.cancel.cancelled()) return Error{Errc::cancelled, "the check was cancelled"};
  Poco::Net::IPAddress parsed;
  if (!Poco::Net::IPAddress::tryParse(request.connectAddress, parsed)) {
    return Error{Errc::usage, "not an IP address: " + sanitizeForDisplay(request.connectAddress, 64)};
  }
  const Deadline deadline = Deadline::after(request.timeout);
  initializeOnce();
  VerifyRecord record;
  auto context = makeContext(request, record);
  if (!context) return context.error();
  try {
    return exchange(request, *context, deadline);
  } catch (const Poco::Net::ConnectionRefusedException&) {
    return Error{Errc::net_refused, where(request) + " refused the connection"};
  } catch (const Poco::TimeoutException&) {
    return Error{Errc::net_timeout, where(request) + " did not answer in time"};
  } catch (const Poco::Net::ConnectionResetException&) {
    return Error{Errc::net_reset, "the connection to " + where(request) + " was reset"};
  } catch (const Poco::Net::SSLException& e) {
    if (record.reason) {
      const std::string which = std::string(kCertificatePrefix) + (record.depth == 0 ? "" : " chain");
      return Error{Errc::tls_handshake, which + " of " + where(request) + " is not valid: " + *record.reason};
    }
    return Error{Errc::tls_handshake, "the TLS handshake with " + where(request) +
                                          " failed: " + sanitizeForDisplay(e.displayText(), limits::kMaxErrorText)};
  } catch (const Poco::Net::NoMessageException&) {
    return Error{Errc::net_closed, where(request) + " closed the connection without an answer"};
  } catch (const Poco::Net::MessageException& e) {
    return Error{Errc::net_error, where(request) + " sent an answer that is not valid HTTP (" +
                                      sanitizeForDisplay(e.displayText(), limits::kMaxErrorText) + ")"};
  } catch (const Poco::Net::NetException& e) {
    return networkError(e, request);
  } catch (const Poco::Exception& e) {
    return Error{Errc::net_error, "the request to " + where(request) +
                                      " failed: " + sanitizeForDisplay(e.displayText(), limits::kMaxErrorText)};
  } catch (const std::exception& e) {
    return Error{Errc::internal, "the HTTPS request failed: " + sanitizeForDisplay(e.what(), limits::kMaxErrorText)};
  }
}

}  // namespace mxh::http

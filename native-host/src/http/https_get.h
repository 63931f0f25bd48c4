// One HTTPS GET with full certificate validation (the system's trust store plus an optional CA
// file, the host name checked by OpenSSL), to an address the caller resolved itself, with a
// time limit, a body cap and no redirects. Made for MTA-STS policies (RFC 8461 §3.3); Poco's
// exceptions stop here and become Errors.
// Thread-safety: httpsGet may run on many threads at once (each call has its own TLS context).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/cancel.h"
#include "core/limits.h"
#include "core/result.h"

namespace mxh::http {

using namespace std::chrono_literals;

struct HttpsRequest {
  std::string hostName;        // SNI, Host header and the name the certificate must be valid for
  std::string connectAddress;  // IPv4 or IPv6 address text: no name is resolved here
  std::uint16_t port = 443;
  std::string path = "/";                                            // absolute path, sent as is
  std::optional<std::string> caFile;                                 // PEM trust anchors added to the system's
  std::chrono::milliseconds timeout = limits::kDefaultHttpsTimeout;  // for the whole request
  std::size_t maxBodyBytes = limits::kDefaultMaxBodyBytes;
  CancelToken cancel;  // looked at before connecting and between reads of the body
};

struct HttpsResponse {
  int status = 0;
  std::string reason;                   // sanitized, capped
  std::string contentType;              // as sent, capped (not sanitized: compare, do not show); empty when none
  std::optional<std::string> location;  // a redirect's target (sanitized, capped); never followed
  std::string body;                     // at most maxBodyBytes
  bool truncated = false;               // the body was longer than maxBodyBytes
};

// Every HTTP status is a response (a 301 is returned, not followed). Errors: tls.config (the CA
// file), net.refused, net.unreachable, net.timeout (connect or any read), net.reset, net.closed,
// net.error (not HTTP), tls.handshake (the message says why the certificate was refused, e.g.
// "hostname mismatch"), request.cancelled, input.usage (not an address).
Result<HttpsResponse> httpsGet(const HttpsRequest& request);

// True for the tls.handshake error of a certificate that was refused (chain, expiry, name), as
// opposed to a handshake that failed for another reason.
bool isCertificateError(const Error& error);

// The media type of a Content-Type value, lower case, without parameters: "text/plain".
std::string mediaType(const std::string& contentType);

}  // namespace mxh::http

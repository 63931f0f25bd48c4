// One SMTP probe: connect to one address and port, read the greeting, EHLO, STARTTLS (or
// implicit TLS on 465), EHLO again, QUIT — and nothing else: never MAIL, RCPT, VRFY or AUTH.
// The result describes what happened in the reference API's terms (and, given TLSA records,
// what DANE verification said about the server's certificate chain).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cancel.h"
#include "core/clock.h"
#include "core/limits.h"
#include "dns/ip_address.h"
#include "smtp/capabilities.h"
#include "tls/tls_client.h"

namespace mxh::smtp {

enum class ProbeKind { relay, submission, smtps };  // 25 STARTTLS, 587 STARTTLS, 465 implicit TLS
std::string_view probeKindName(ProbeKind kind);
// The kind a port is probed as: 465 is implicit TLS, 587 submission, everything else relay.
ProbeKind probeKindForPort(std::uint16_t port);

enum class ProbeStatus {
  ok,                 // greeting, EHLO and TLS all worked
  no_starttls,        // plaintext SMTP works, but no STARTTLS is offered
  tls_failed,         // STARTTLS or implicit TLS did not produce a TLS session
  greeting_rejected,  // 5xx greeting: the server refuses us
  deferred,           // 421 / 4xx: come back later (rate limit, greylisting): inconclusive
  greeting_timeout,   // connected, but no greeting in time
  connect_timeout,    // no answer to the connection attempt (packets dropped)
  refused,            // connection refused
  reset,              // connection reset or closed mid-conversation
  protocol_error,     // not SMTP, or beyond our limits
  timeout,            // a reply after the greeting did not come in time
  unreachable,        // this machine has no route to the address (e.g. no IPv6): about our network
  skipped,            // not probed (non-public address without --allow-private, …)
};
std::string_view probeStatusName(ProbeStatus status);

struct ProbeTimeouts {
  std::chrono::milliseconds connect = limits::kDefaultConnectTimeout;
  std::chrono::milliseconds greeting = limits::kDefaultGreetingTimeout;
  std::chrono::milliseconds reply = limits::kDefaultReplyTimeout;
  std::chrono::milliseconds tls = limits::kDefaultTlsTimeout;
};

struct ProbeRequest {
  dns::IpAddress address;
  std::uint16_t port = 25;
  ProbeKind kind = ProbeKind::relay;
  std::string mxHost;    // for SNI and the certificate name check
  std::string ehloName;  // validated by the caller (see isValidEhloName)
  ProbeTimeouts timeouts;
  // DNSSEC-secure TLSA records of mxHost (RFC 7672: port 25 only): when not empty, the TLS
  // handshake also checks the chain against them with mxHost as the TLSA base domain.
  std::vector<tls::TlsaRecord> tlsa;
};

struct PhaseTimings {
  std::optional<long long> connectMs;
  std::optional<long long> greetingMs;
  std::optional<long long> ehloMs;
  std::optional<long long> tlsMs;
};

// The first reply that held bytes no SMTP server should send (NUL, terminal escapes, other
// controls, invalid UTF-8): which reply, what kinds, and its text as sanitized.
struct UnsafeReply {
  std::string reply;  // "greeting", "EHLO", "STARTTLS", "HELO"
  UnsafeBytes bytes;
  std::string text;
};

struct ProbeResult {
  std::string ip;
  std::uint16_t port = 0;
  ProbeKind kind = ProbeKind::relay;
  ProbeStatus status = ProbeStatus::skipped;
  bool tcpConnected = false;
  std::optional<std::string> greeting;
  bool supportsStarttls = false;
  bool tlsNegotiated = false;
  Capabilities capabilities;  // first successful EHLO (inside TLS for smtps)
  std::optional<Capabilities> capabilitiesAfterTls;
  bool heloFallback = false;
  bool plaintextAfterStarttls = false;
  std::optional<std::string> error;
  std::optional<int> replyCode;
  long long durationMs = 0;
  PhaseTimings timings;
  std::optional<tls::TlsInfo> tls;
  // DANE's verdict on the chain: set when the request had TLSA records and TLS was negotiated.
  std::optional<tls::DaneOutcome> dane;
  std::optional<UnsafeReply> unsafeReply;
};

ProbeResult runProbe(const ProbeRequest& request, const tls::TlsClientContext& tlsContext, Deadline overall,
                     const CancelToken& cancel);

// A name we may send in EHLO: a host name with a dot, or an address literal "[198.51.100.1]".
bool isValidEhloName(std::string_view name);
// This machine's name if it is a valid EHLO name, else "mxhealth.invalid".
std::string defaultEhloName();

}  // namespace mxh::smtp

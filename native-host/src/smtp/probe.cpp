#include "smtp/probe.h"

#include <unistd.h>

#include <array>

#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"
#include "net/socket.h"
#include "smtp/reply.h"

namespace mxh::smtp {

std::string_view probeKindName(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::relay: return "relay";
    case ProbeKind::submission: return "submission";
    case ProbeKind::smtps: return "smtps";
  }
  return "relay";
}

ProbeKind probeKindForPort(std::uint16_t port) {
  if (port == 465) return ProbeKind::smtps;
  if (port == 587) return ProbeKind::submission;
  return ProbeKind::relay;
}

std::string_view probeStatusName(ProbeStatus status) {
  switch (status) {
    case ProbeStatus::ok: return "ok";
    case ProbeStatus::no_starttls: return "no_starttls";
    case ProbeStatus::tls_failed: return "tls_failed";
    case ProbeStatus::greeting_rejected: return "greeting_rejected";
    case ProbeStatus::deferred: return "deferred";
    case ProbeStatus::greeting_timeout: return "greeting_timeout";
    case ProbeStatus::connect_timeout: return "connect_timeout";
    case ProbeStatus::refused: return "refused";
    case ProbeStatus::reset: return "reset";
    case ProbeStatus::protocol_error: return "protocol_error";
    case ProbeStatus::timeout: return "timeout";
    case ProbeStatus::unreachable: return "unreachable";
    case ProbeStatus::skipped: return "skipped";
  }
  return "skipped";
}

bool isValidEhloName(std::string_view name) {
  // Address literals (RFC 5321 §4.1.3): "[198.51.100.1]" and "[IPv6:2001:db8::1]".
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    std::string_view inside = name.substr(1, name.size() - 2);
    const bool v6 = inside.starts_with("IPv6:");
    if (v6) inside.remove_prefix(5);
    const auto address = dns::IpAddress::parse(inside);
    return address && (address->family() == dns::IpAddress::Family::v6) == v6;
  }
  return name.find('.') != std::string_view::npos && dns::isHostName(name);
}

std::string defaultEhloName() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) == 0 && isValidEhloName(host.data())) return host.data();
  return "mxhealth.invalid";
}

namespace {

// A connection that stops answering once the conversation has begun is the SMTP server's
// silence (smtp.timeout), not a network failure: the report's codes say which phase failed.
Error inConversation(Error error) {
  if (error.code == Errc::net_timeout) error.code = Errc::smtp_timeout;
  return error;
}

// The connection as the conversation sees it: plain until STARTTLS, then TLS; bytes that
// arrived but were not used yet wait in `pending`.
class Channel {
 public:
  explicit Channel(net::Socket socket) : socket_(std::move(socket)) {}

  Result<Reply> readReply(Deadline deadline, const CancelToken& cancel) {
    ReplyParser parser;
    std::array<char, limits::kReadChunk> chunk{};
    while (true) {
      auto reply = parser.consume(pending_);
      if (!reply) return reply.error();
      if (*reply) return std::move(**reply);
      auto got = tls_ ? tls_->read(chunk, deadline, cancel) : socket_.read(chunk, deadline, cancel);
      if (!got) return inConversation(got.error());
      pending_.append(chunk.data(), *got);
    }
  }

  Status send(std::string_view line, Deadline deadline, const CancelToken& cancel) {
    auto sent = tls_ ? tls_->writeAll(line, deadline, cancel) : socket_.writeAll(line, deadline, cancel);
    if (!sent) return inConversation(sent.error());
    return Ok{};
  }

  // After the server's 220 to STARTTLS: whatever plaintext is still buffered must not be read
  // as if it came through TLS (the STARTTLS command injection class of bugs, CVE-2011-0411).
  bool discardPlaintext() {
    const bool had = !pending_.empty();
    pending_.clear();
    return had;
  }

  Status startTls(const tls::TlsClientContext& context, const std::string& serverName,
                  const std::optional<tls::DaneInput>& dane, Deadline deadline, const CancelToken& cancel) {
    auto session = tls::TlsSession::handshake(context, socket_.fd(), serverName, deadline, cancel, dane);
    if (!session) return session.error();
    tls_.emplace(std::move(session).value());
    return Ok{};
  }

  [[nodiscard]] const tls::TlsSession* tls() const { return tls_ ? &*tls_ : nullptr; }
  void closeTls() {
    if (tls_) tls_->close();
  }

 private:
  net::Socket socket_;  // declared first: destroyed after the TLS session that borrows its fd
  std::optional<tls::TlsSession> tls_;
  std::string pending_;
};

ProbeStatus statusForFailure(Errc code, ProbeStatus timeoutStatus) {
  switch (code) {
    case Errc::smtp_timeout:
    case Errc::net_timeout: return timeoutStatus;
    case Errc::net_reset:
    case Errc::net_closed: return ProbeStatus::reset;
    case Errc::net_refused: return ProbeStatus::refused;
    case Errc::tls_handshake:
    case Errc::tls_timeout: return ProbeStatus::tls_failed;
    default: return ProbeStatus::protocol_error;
  }
}

class Conversation {
 public:
  Conversation(const ProbeRequest& request, const tls::TlsClientContext& tlsContext, Deadline overall,
               const CancelToken& cancel)
      : request_(request), tlsContext_(tlsContext), overall_(overall), cancel_(cancel) {
    result_.ip = request.address.toString();
    result_.port = request.port;
    result_.kind = request.kind;
  }

  ProbeResult run() {
    const auto started = SteadyClock::now();
    converse();
    result_.durationMs = millisecondsSince(started);
    return std::move(result_);
  }

 private:
  // Each phase sets its own deadline inside the check's overall one.
  [[nodiscard]] Deadline phase(std::chrono::milliseconds limit) const { return overall_.capped(limit); }

  void fail(ProbeStatus status, const std::string& message, std::optional<int> code = std::nullopt) {
    result_.status = status;
    result_.error = message;
    if (code) result_.replyCode = code;
  }
  // The check's own time limit (--timeout) ran out before a connection was made: not the
  // server's doing, and nothing was learned.
  void budgetSpent() {
    result_.status = ProbeStatus::skipped;
    result_.error = "not finished: the check's time limit ran out during this probe";
  }

  void fail(const Error& error, ProbeStatus timeoutStatus, const std::string& during) {
    if (error.code == Errc::cancelled) {
      fail(ProbeStatus::skipped, "the check was cancelled");
      return;
    }
    const bool timedOut =
        error.code == Errc::smtp_timeout || error.code == Errc::net_timeout || error.code == Errc::tls_timeout;
    if (timedOut && overall_.expired()) {
      fail(statusForFailure(error.code, timeoutStatus),
           std::string(during) + ": the check's time limit (--timeout) ran out before the server answered");
      return;
    }
    fail(statusForFailure(error.code, timeoutStatus), std::string(during) + ": " + error.message);
  }

  void converse() {
    // 1. Connect.
    auto start = SteadyClock::now();
    auto socket = net::Socket::connect(request_.address, request_.port, phase(request_.timeouts.connect), cancel_);
    if (!socket) {
      if (socket.error().code == Errc::cancelled) return fail(ProbeStatus::skipped, "the check was cancelled");
      // Unreachable and local failures (no route, no file descriptors) say nothing about the server.
      const Errc code = socket.error().code;
      const ProbeStatus status = code == Errc::net_refused   ? ProbeStatus::refused
                                 : code == Errc::net_timeout ? ProbeStatus::connect_timeout
                                 : code == Errc::net_reset   ? ProbeStatus::reset
                                                             : ProbeStatus::unreachable;
      if (status == ProbeStatus::connect_timeout && overall_.expired()) return budgetSpent();
      return fail(status, socket.error().message);
    }
    result_.tcpConnected = true;
    result_.timings.connectMs = millisecondsSince(start);
    channel_.emplace(std::move(socket).value());

    // 2. Implicit TLS (465) comes before anything else is said.
    if (request_.kind == ProbeKind::smtps && !negotiateTls()) return;

    // 3. The greeting: wait for its last line before saying anything (postscreen punishes talkers).
    start = SteadyClock::now();
    auto greeting = channel_->readReply(phase(request_.timeouts.greeting), cancel_);
    if (!greeting) return fail(greeting.error(), ProbeStatus::greeting_timeout, "waiting for the greeting");
    result_.timings.greetingMs = millisecondsSince(start);
    noteUnsafe(*greeting, "greeting");
    result_.greeting = greeting->text(limits::kMaxGreetingText);  // lines already sanitized
    result_.replyCode = greeting->code;
    if (greeting->code != 220) {
      const bool temporary = greeting->code / 100 == 4;
      fail(temporary                   ? ProbeStatus::deferred
           : greeting->code / 100 == 5 ? ProbeStatus::greeting_rejected
                                       : ProbeStatus::protocol_error,
           temporary ? "the server asks to come back later (" + std::to_string(greeting->code) + " greeting)"
                     : "the server refused the connection with a " + std::to_string(greeting->code) + " greeting",
           greeting->code);
      return quit();
    }

    // 4. EHLO (HELO when EHLO is refused).
    start = SteadyClock::now();
    auto caps = hello();
    if (!caps) return;
    result_.timings.ehloMs = millisecondsSince(start);
    result_.capabilities = *caps;

    if (request_.kind == ProbeKind::smtps) {
      result_.status = ProbeStatus::ok;
      return quit();
    }
    // 5. STARTTLS.
    result_.supportsStarttls = caps->starttls;
    if (!caps->starttls) {
      fail(ProbeStatus::no_starttls, "the server does not offer STARTTLS: mail to it travels unencrypted");
      result_.error.reset();  // not an error of the conversation: the finding says it
      return quit();
    }
    auto ready = exchange("STARTTLS\r\n", "STARTTLS");
    if (!ready) return;
    if (ready->code != 220) {
      fail(ProbeStatus::tls_failed,
           "the server offered STARTTLS but answered it with " +
               sanitizeForDisplay(ready->text(), limits::kMaxServerTextDisplay),
           ready->code);
      return quit();
    }
    result_.plaintextAfterStarttls = channel_->discardPlaintext();
    if (!negotiateTls()) return;

    // 6. EHLO again: the capabilities may differ inside TLS (RFC 3207 §4.2).
    auto secureCaps = hello();
    if (!secureCaps) return;
    result_.capabilitiesAfterTls = *secureCaps;
    result_.status = ProbeStatus::ok;
    quit();
  }

  bool negotiateTls() {
    std::optional<tls::DaneInput> dane;
    if (!request_.tlsa.empty()) dane = tls::DaneInput{request_.mxHost, request_.tlsa};
    const auto start = SteadyClock::now();
    auto tls = channel_->startTls(tlsContext_, request_.mxHost, dane, phase(request_.timeouts.tls), cancel_);
    result_.timings.tlsMs = millisecondsSince(start);
    if (!tls) {
      // After a failed handshake the connection is in an unknown state: no more I/O on it.
      fail(tls.error(), ProbeStatus::tls_failed, "TLS");
      if (result_.status != ProbeStatus::skipped) result_.status = ProbeStatus::tls_failed;
      return false;
    }
    result_.tlsNegotiated = true;
    result_.tls = channel_->tls()->info();
    result_.dane = channel_->tls()->dane();
    return true;
  }

  // Sends one command and reads its reply, each within the reply timeout; a failure is recorded.
  std::optional<Reply> exchange(const std::string& command, std::string_view verb) {
    auto sent = channel_->send(command, phase(request_.timeouts.reply), cancel_);
    if (!sent) {
      fail(sent.error(), ProbeStatus::timeout, "sending " + std::string(verb));
      return std::nullopt;
    }
    auto reply = channel_->readReply(phase(request_.timeouts.reply), cancel_);
    if (!reply) {
      fail(reply.error(), ProbeStatus::timeout, "waiting for the reply to " + std::string(verb));
      return std::nullopt;
    }
    noteUnsafe(*reply, verb);
    return std::move(reply).value();
  }

  // The first reply with bytes no server should send; its text is the sanitized one.
  void noteUnsafe(const Reply& reply, std::string_view which) {
    if (result_.unsafeReply || !reply.unsafe.any()) return;
    result_.unsafeReply = UnsafeReply{std::string(which), reply.unsafe, reply.text(limits::kMaxServerTextDisplay)};
  }

  std::optional<Capabilities> hello() {
    auto reply = exchange("EHLO " + request_.ehloName + "\r\n", "EHLO");
    if (!reply) return std::nullopt;
    if (reply->code == 250) return parseCapabilities(*reply);
    if (reply->code / 100 == 4) {
      fail(ProbeStatus::deferred,
           "the server answered EHLO with " + sanitizeForDisplay(reply->text(), limits::kMaxServerTextDisplay),
           reply->code);
      quit();
      return std::nullopt;
    }
    if (reply->code / 100 != 5 || result_.heloFallback) {
      fail(ProbeStatus::protocol_error,
           "unexpected reply to EHLO: " + sanitizeForDisplay(reply->text(), limits::kMaxServerTextDisplay),
           reply->code);
      return std::nullopt;
    }
    // RFC 5321 §3.2: a server that does not know EHLO gets HELO, which has no extensions.
    result_.heloFallback = true;
    auto heloReply = exchange("HELO " + request_.ehloName + "\r\n", "HELO");
    if (!heloReply) return std::nullopt;
    if (heloReply->code != 250) {
      fail(ProbeStatus::greeting_rejected,
           "the server refused both EHLO and HELO: " +
               sanitizeForDisplay(heloReply->text(), limits::kMaxServerTextDisplay),
           heloReply->code);
      return std::nullopt;
    }
    return Capabilities{};
  }

  // A courtesy: say goodbye, wait briefly for the answer, ignore what happens.
  void quit() {
    const Deadline deadline = overall_.capped(limits::kQuitTimeout);
    if (channel_->send("QUIT\r\n", deadline, cancel_)) (void)channel_->readReply(deadline, cancel_);
    channel_->closeTls();
  }

  const ProbeRequest& request_;
  const tls::TlsClientContext& tlsContext_;
  Deadline overall_;
  const CancelToken& cancel_;
  std::optional<Channel> channel_;
  ProbeResult result_;
};

}  // namespace

ProbeResult runProbe(const ProbeRequest& request, const tls::TlsClientContext& tlsContext, Deadline overall,
                     const CancelToken& cancel) {
  return Conversation(request, tlsContext, overall, cancel).run();
}

}  // namespace mxh::smtp

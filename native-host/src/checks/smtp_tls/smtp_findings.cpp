#include "checks/smtp_tls/smtp_findings.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace mxh::checks {
namespace {

using smtp::ProbeKind;
using smtp::ProbeResult;
using smtp::ProbeStatus;

constexpr long long kExpiringSoonDays = 14;
constexpr long long kExpiringDays = 30;

// A probe that reached the network towards the server: neither skipped nor stopped by our own
// network's lack of a route (which says nothing about the server).
bool probed(const ProbeResult& probe) {
  return probe.status != ProbeStatus::skipped && probe.status != ProbeStatus::unreachable;
}

std::string where(const std::string& host, const ProbeResult& probe) {
  const bool v6 = probe.ip.find(':') != std::string::npos;
  return host + " (" + (v6 ? "[" + probe.ip + "]" : probe.ip) + " port " + std::to_string(probe.port) + ")";
}

std::string_view portReference(const ProbeResult& probe) {
  return probe.kind == ProbeKind::relay ? "RFC 5321" : "RFC 8314";
}

// Findings are made once per host, port and code; the first address stands for the others.
class FindingSet {
 public:
  void add(Finding finding, const ProbeResult& probe) {
    const auto key = std::make_tuple(finding.host.value_or(""), probe.port, finding.code);
    if (!seen_.insert(key).second) return;
    findings_.push_back(std::move(finding));
  }
  // Certificate findings are per host: the same certificate usually serves every port.
  void addPerHost(Finding finding) {
    const auto key = std::make_tuple(finding.host.value_or(""), 0, finding.code);
    if (!seen_.insert(key).second) return;
    findings_.push_back(std::move(finding));
  }
  std::vector<Finding> take() { return std::move(findings_); }

 private:
  std::set<std::tuple<std::string, int, std::string>> seen_;
  std::vector<Finding> findings_;
};

void connectionFindings(const std::string& host, const ProbeResult& probe, bool port25Blocked, FindingSet& out) {
  const bool relay = probe.kind == ProbeKind::relay;
  const Severity primary = relay ? Severity::error : Severity::warning;
  const std::string at = where(host, probe);
  const std::string detail = probe.error ? " (" + *probe.error + ")" : "";
  auto add = [&](const char* code, Severity severity, const std::string& message, std::string_view reference) {
    out.add(makeFinding(code, severity, message, {host, probe.ip}, std::string(reference)), probe);
  };
  switch (probe.status) {
    case ProbeStatus::refused:
      // MX hosts often run no submission service: a closed 587/465 is a fact, not a fault.
      add("smtp.refused", relay ? Severity::error : Severity::info,
          relay ? "The MX host " + at + " refuses connections: it does not receive mail."
                : "The MX host " + at + " does not offer " + std::string(smtp::probeKindName(probe.kind)) +
                      " (connection refused).",
          portReference(probe));
      break;
    case ProbeStatus::connect_timeout:
      if (relay && port25Blocked) break;  // reported once as a network finding
      add("smtp.connect_timeout", relay ? Severity::error : Severity::info,
          "The MX host " + at + " does not answer connection attempts (packets are dropped).", portReference(probe));
      break;
    case ProbeStatus::greeting_rejected:
      add("smtp.greeting_rejected", primary,
          "The MX host " + at + " rejects connections with a " + std::to_string(probe.replyCode.value_or(554)) +
              " greeting" + (probe.greeting ? ": " + *probe.greeting : "") + ".",
          "RFC 5321 §3.1");
      break;
    case ProbeStatus::deferred:
      add("smtp.deferred", Severity::warning,
          "The MX host " + at + " asked us to come back later (" + std::to_string(probe.replyCode.value_or(421)) +
              "): rate limiting or greylisting. This is inconclusive, not a failure; try again later.",
          "RFC 5321 §3.1");
      break;
    case ProbeStatus::greeting_timeout:
      add("smtp.greeting_timeout", primary,
          "The MX host " + at + " accepted the connection but sent no greeting in time" + detail + ".",
          "RFC 5321 §4.5.3.2");
      break;
    case ProbeStatus::protocol_error:
      add("smtp.protocol_error", primary, "The MX host " + at + " does not speak SMTP correctly" + detail + ".",
          "RFC 5321 §4.2");
      break;
    case ProbeStatus::reset:
      add("smtp.reset", primary, "The MX host " + at + " dropped the connection mid-conversation" + detail + ".",
          "RFC 5321");
      break;
    case ProbeStatus::timeout:
      add("smtp.timeout", primary, "The MX host " + at + " stopped answering" + detail + ".", "RFC 5321 §4.5.3.2");
      break;
    case ProbeStatus::no_starttls:
      add("smtp.no_starttls", relay ? Severity::error : Severity::warning,
          relay ? "The MX host " + at + " does not offer STARTTLS: mail to it travels unencrypted."
                : "The MX host " + at + " does not offer STARTTLS on the submission port.",
          relay ? "RFC 3207" : "RFC 8314");
      break;
    case ProbeStatus::tls_failed:
      if (probe.kind == ProbeKind::smtps) {
        add("smtp.tls_failed", Severity::warning, "Implicit TLS to " + at + " failed" + detail + ".", "RFC 8314");
      } else {
        add("smtp.starttls_failed", primary,
            "The MX host " + at + " offers STARTTLS, but TLS could not be set up" + detail +
                "; senders then deliver without encryption or not at all.",
            "RFC 3207");
      }
      break;
    case ProbeStatus::unreachable:
      out.addPerHost(
          makeFinding("network.unreachable", Severity::info,
                      "This machine has no route to " + probe.ip + " (" + host +
                          "), so that address was not checked. This is about the network you are on (often: no "
                          "IPv6), not about the domain.",
                      {host, probe.ip}));
      break;
    case ProbeStatus::ok:
    case ProbeStatus::skipped: break;
  }
  if (probe.plaintextAfterStarttls) {
    add("smtp.plaintext_injection", Severity::warning,
        "The MX host " + at +
            " sent plaintext after agreeing to STARTTLS; a server that buffers it may be open to command "
            "injection (CVE-2011-0411).",
        "RFC 3207 §4.2");
  }
}

void tlsFindings(const std::string& host, const ProbeResult& probe, FindingSet& out) {
  if (!probe.tls) return;
  const tls::TlsInfo& info = *probe.tls;
  auto add = [&](const char* code, Severity severity, const std::string& message, const char* reference) {
    out.addPerHost({code, severity, message, host, probe.ip, std::string(reference)});
  };
  if (info.version == "TLSv1" || info.version == "TLSv1.1") {
    add("tls.old_version", Severity::warning,
        "The MX host " + host + " negotiated only " + info.version +
            ", which is deprecated and refused by modern senders.",
        "RFC 8996");
  }
  if (!info.certificate) return;
  const tls::CertificateInfo& cert = *info.certificate;
  if (cert.daysLeft < 0) {
    add("tls.cert_expired", Severity::error,
        "The certificate of MX host " + host + " expired on " + cert.notAfter.substr(0, 10) +
            ": senders that check certificates (MTA-STS in enforce mode, DANE-TA) refuse it; opportunistic senders "
            "and DANE-EE do not check dates.",
        "RFC 5280 §4.1.2.5");
  } else if (cert.daysLeft <= kExpiringDays) {
    add("tls.cert_expiring", cert.daysLeft <= kExpiringSoonDays ? Severity::warning : Severity::info,
        "The certificate of MX host " + host + " expires in " + std::to_string(cert.daysLeft) + " day" +
            (cert.daysLeft == 1 ? "" : "s") + " (" + cert.notAfter.substr(0, 10) + ").",
        "RFC 5280 §4.1.2.5");
  }
  // An expired certificate also fails verification; say that once, as expired.
  if (!info.chainVerified && cert.daysLeft >= 0) {
    add("tls.untrusted", Severity::warning,
        "The certificate of MX host " + host + " is not trusted (" + info.verifyError.value_or("unknown") +
            "): senders that check certificates (MTA-STS in enforce mode) refuse it; opportunistic senders do not "
            "check.",
        "RFC 8461 §4.2");
  }
  if (!info.hostnameMatch) {
    add("tls.name_mismatch", Severity::warning,
        "The certificate of MX host " + host + " is not valid for that name (it is for " + cert.subject +
            "): senders that check names (MTA-STS in enforce mode, DANE-TA) refuse it.",
        "RFC 6125");
  }
}

// The kinds of bytes, as a sentence says them: "NUL bytes, terminal escape sequences and …".
std::string unsafeKindsText(const UnsafeBytes& bytes) {
  std::vector<std::string_view> words;
  if (bytes.nul) words.emplace_back("NUL bytes");
  if (bytes.escapeSequence) words.emplace_back("terminal escape sequences");
  if (bytes.control) words.emplace_back("control characters");
  if (bytes.invalidUtf8) words.emplace_back("bytes that are not valid UTF-8");
  if (bytes.invisible) words.emplace_back("invisible or direction-changing characters");
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

// A server whose replies hold bytes no SMTP server sends: the text was made safe to show, but
// the server is misbehaving (or something between us rewrites its bytes), and so is worth a word.
void unsafeReplyFindings(const std::string& host, const ProbeResult& probe, FindingSet& out) {
  if (!probe.unsafeReply) return;
  const smtp::UnsafeReply& unsafe = *probe.unsafeReply;
  const std::string which = unsafe.reply == "greeting" ? "its greeting" : "its reply to " + unsafe.reply;
  out.add(makeFinding("smtp.unsafe_reply", Severity::warning,
                      "The MX host " + where(host, probe) + " sent " + unsafeKindsText(unsafe.bytes) + " in " + which +
                          " (shown escaped: " + unsafe.text +
                          "). SMTP replies are plain text; a server that sends such bytes is misconfigured, "
                          "broken or tampered with, and senders' logs and filters may choke on them.",
                      {host, probe.ip}, "RFC 5321 §4.2"),
          probe);
}

}  // namespace

ProbeSummary summarizeProbes(const ProbesByHost& probes) {
  ProbeSummary summary;
  bool anyHostProbed = false;
  bool allHostsTls = true;
  bool any25 = false;
  bool all25TimedOut = true;
  bool otherPortConnected = false;
  for (const auto& [host, list] : probes) {
    const bool hostProbed = std::any_of(list.begin(), list.end(), probed);
    if (!hostProbed) continue;
    anyHostProbed = true;
    if (std::any_of(list.begin(), list.end(), [](const ProbeResult& p) { return p.status == ProbeStatus::ok; })) {
      summary.anySmtpOk = true;
    }
    if (std::none_of(list.begin(), list.end(), [](const ProbeResult& p) { return p.tlsNegotiated; })) {
      allHostsTls = false;
    }
    for (const ProbeResult& probe : list) {
      if (!probed(probe)) continue;
      if (probe.port == 25) {
        any25 = true;
        all25TimedOut = all25TimedOut && probe.status == ProbeStatus::connect_timeout;
      } else if (probe.tcpConnected) {
        otherPortConnected = true;
      }
    }
  }
  if (anyHostProbed) summary.allTlsOk = allHostsTls;
  summary.port25Blocked = any25 && all25TimedOut && otherPortConnected;
  return summary;
}

std::vector<Finding> evaluateProbes(const std::string& domain, const ProbesByHost& probes) {
  const ProbeSummary summary = summarizeProbes(probes);
  FindingSet out;
  for (const auto& [host, list] : probes) {
    for (const ProbeResult& probe : list) {
      connectionFindings(host, probe, summary.port25Blocked, out);
      tlsFindings(host, probe, out);
      unsafeReplyFindings(host, probe, out);
    }
  }
  std::vector<Finding> findings = out.take();
  if (summary.port25Blocked) {
    findings.push_back(
        makeFinding("network.port25_blocked", Severity::warning,
                    "Your network appears to block outbound port 25: every connection to port 25 timed out "
                    "while other ports of the same servers answered. This is about the network you are on "
                    "(common on home and cloud networks), not about " +
                        domain + "; port 25 could not be checked."));
  } else {
    // No MX host took a conversation on port 25 (deferrals are inconclusive, not failures).
    bool tried25 = false;
    bool accepted = false;
    bool onlyDeferred = true;
    for (const auto& [host, list] : probes) {
      for (const ProbeResult& probe : list) {
        if (probe.port != 25 || !probed(probe)) continue;
        tried25 = true;
        accepted = accepted || probe.status == ProbeStatus::ok || probe.status == ProbeStatus::no_starttls ||
                   (probe.status == ProbeStatus::tls_failed && probe.greeting);
        onlyDeferred = onlyDeferred && probe.status == ProbeStatus::deferred;
      }
    }
    if (tried25 && !accepted && !onlyDeferred) {
      findings.push_back(makeFinding("smtp.no_mx_accepts", Severity::error,
                                     "No MX host of " + domain +
                                         " completed an SMTP conversation on port 25: mail to " + domain +
                                         " is not being delivered.",
                                     {}, "RFC 5321 §5.1"));
    }
  }
  return findings;
}

}  // namespace mxh::checks

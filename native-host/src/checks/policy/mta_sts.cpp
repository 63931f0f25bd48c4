#include "checks/policy/mta_sts.h"

#include <algorithm>
#include <array>

#include "checks/policy/mail_policy.h"
#include "checks/report/report_json.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/ip_address.h"
#include "dns/wire.h"
#include "http/https_get.h"

namespace mxh::checks {
namespace {

// What a published but unusable policy costs (RFC 8461 §5): the protection, not the mail.
constexpr const char* kNoPolicyConsequence =
    " Senders without a cached policy deliver as if there were none: the domain loses MTA-STS protection, not mail.";

using Json = nlohmann::ordered_json;

constexpr std::string_view kWellKnownPath = "/.well-known/mta-sts.txt";

// Record and policy syntax errors carry the code of malformed DNS data; only the message is used.
Error syntax(std::string message) {
  return Error{Errc::dns_resolver, std::move(message)};
}

std::string inQuotes(std::string_view text) {
  return "'" + sanitizeForDisplay(text, 80) + "'";
}
std::string name(std::string_view text) {
  return sanitizeForDisplay(text, limits::kMaxNameDisplay);
}

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// An extension name of the TXT record or the policy (RFC 8461 §3.1, §3.2).
bool isFieldName(std::string_view key) {
  return !key.empty() && key.size() <= 32 && isAlnum(key.front()) &&
         std::all_of(key.begin(), key.end(), [](char c) { return isAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

// A domain in A-label form (RFC 5321 §4.1.2 Domain): LDH labels, no hyphen at either end.
bool isDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > limits::kMaxDomainLength) return false;
  for (const std::string_view label : splitOn(domain, '.')) {
    if (label.empty() || label.size() > limits::kMaxLabelLength || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return isAlnum(c) || c == '-'; })) return false;
  }
  return true;
}

std::string normalizedHost(std::string_view host) {
  std::string out = toLowerAscii(host);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// The policy as a person reads it: each line sanitized, line ends kept as "\n".
std::string displayPolicy(std::string_view body) {
  std::string out;
  const auto lines = splitOn(body, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (i + 1 == lines.size() && line.empty()) break;
    const std::string shown = sanitizeForDisplay(line, limits::kMaxPolicyDisplay);
    if (out.size() + shown.size() + 1 > limits::kMaxPolicyDisplay) {
      out += "\u2026";
      break;
    }
    out += shown;
    if (i + 1 < lines.size()) out += '\n';
  }
  return out;
}

Finding finding(std::string code, Severity severity, std::string message, std::optional<std::string> host,
                std::string reference) {
  return {std::move(code), severity, std::move(message), std::move(host), std::nullopt, std::move(reference)};
}

// The addresses of the policy host: IPv4 first (more often reachable from where a check runs),
// at most limits::kMaxPolicyAddresses. An error when nothing can be said.
struct PolicyHostAddresses {
  std::vector<std::string> addresses;
  std::optional<std::string> error;  // the lookup failed
};

PolicyHostAddresses readAddresses(const Result<dns::Answer>& a, const Result<dns::Answer>& aaaa,
                                  const std::string& host) {
  PolicyHostAddresses out;
  std::vector<std::string> errors;
  auto take = [&](const Result<dns::Answer>& answer, bool v6) {
    if (!answer) {
      errors.push_back(answer.error().message);
      return;
    }
    if (answer->dnssec == dns::DnssecState::bogus) {
      errors.push_back("the addresses of " + name(host) + " fail DNSSEC validation (" + answer->whyBogus + ")");
      return;
    }
    if (answer->outcome != dns::Outcome::data) return;
    for (const auto& rdata : answer->rdata) {
      auto address = v6 ? dns::decodeAaaa(rdata) : dns::decodeA(rdata);
      if (address && out.addresses.size() < limits::kMaxPolicyAddresses) out.addresses.push_back(address->toString());
    }
  };
  take(a, false);
  take(aaaa, true);
  if (out.addresses.empty() && !errors.empty()) out.error = errors.front();
  return out;
}

std::optional<bool> certificateOk(const MxCertificateFacts& facts) {
  if (facts.chainVerified == false || facts.hostnameMatch == false) return false;
  if (facts.chainVerified && facts.hostnameMatch) return true;
  return std::nullopt;
}

}  // namespace

std::string_view stsModeName(StsMode mode) {
  switch (mode) {
    case StsMode::enforce: return "enforce";
    case StsMode::testing: return "testing";
    case StsMode::none: return "none";
  }
  return "none";
}

std::string_view policyFetchOutcomeName(PolicyFetchOutcome outcome) {
  switch (outcome) {
    case PolicyFetchOutcome::fetched: return "fetched";
    case PolicyFetchOutcome::no_host: return "no_host";
    case PolicyFetchOutcome::lookup_failed: return "lookup_failed";
    case PolicyFetchOutcome::not_found: return "not_found";
    case PolicyFetchOutcome::unreachable: return "unreachable";
    case PolicyFetchOutcome::bad_certificate: return "bad_certificate";
    case PolicyFetchOutcome::http_error: return "http_error";
    case PolicyFetchOutcome::too_large: return "too_large";
    case PolicyFetchOutcome::cancelled: return "cancelled";
  }
  return "lookup_failed";
}

std::string_view mtaStsStatusName(MtaStsStatus status) {
  switch (status) {
    case MtaStsStatus::ok: return "ok";
    case MtaStsStatus::none: return "none";
    case MtaStsStatus::txt_only: return "txt_only";
    case MtaStsStatus::policy_only: return "policy_only";
    case MtaStsStatus::unreachable: return "unreachable";
    case MtaStsStatus::bad_certificate: return "bad_certificate";
    case MtaStsStatus::invalid: return "invalid";
    case MtaStsStatus::mx_not_covered: return "mx_not_covered";
    case MtaStsStatus::unknown: return "unknown";
  }
  return "unknown";
}

// ---- TXT (RFC 8461 §3.1) ----

bool isStsTxtRecord(std::string_view text) {
  return text.starts_with("v=STSv1");
}

Result<StsTxtRecord> parseStsTxt(std::string_view text) {
  if (!isStsTxtRecord(text)) return syntax("the record does not start with v=STSv1");
  const std::vector<std::string_view> fields = splitOn(text.substr(7), ';');
  if (!trimmed(fields.front()).empty()) return syntax("v=STSv1 must be followed by ';'");
  std::optional<std::string> id;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::string_view field = trimmed(fields[i]);
    if (field.empty()) {
      if (i + 1 == fields.size()) break;  // a final ';' is allowed
      return syntax("the record has an empty field (two ';' in a row)");
    }
    const auto equals = field.find('=');
    const std::string_view key = field.substr(0, equals);
    if (equals == std::string_view::npos || !isFieldName(key)) {
      return syntax("the field " + inQuotes(field) + " is not name=value");
    }
    const std::string_view value = field.substr(equals + 1);
    const bool valueOk = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return c > ' ' && c < 0x7f && c != '=' && c != ';';
    });
    if (!valueOk) return syntax("the field " + inQuotes(field) + " has no valid value");
    if (key != "id" || id) continue;  // extensions and repeated ids are ignored
    if (value.size() > 32 || !std::all_of(value.begin(), value.end(), isAlnum)) {
      return syntax("id=" + sanitizeForDisplay(value, 80) + " must be 1 to 32 letters and digits");
    }
    id = std::string(value);
  }
  if (!id) return syntax("the record has no id= field, which is required");
  return StsTxtRecord{*id};
}

// ---- policy (RFC 8461 §3.2) ----

Result<StsPolicy> parseStsPolicy(std::string_view body) {
  if (body.size() > limits::kMaxPolicyBytes) return syntax("the policy is larger than 64 KiB");
  std::vector<std::string_view> lines = splitOn(body, '\n');
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  // Blank lines at the end are tolerated; the grammar has no blank lines between fields.
  while (!lines.empty() && trimmed(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) return syntax("the policy is empty");

  StsPolicy policy;
  bool seenVersion = false;
  bool seenMode = false;
  bool seenMaxAge = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    const std::string_view line = lines[i];
    const auto colon = line.find(':');
    const std::string_view key = line.substr(0, colon);
    if (colon == std::string_view::npos || !isFieldName(key)) {
      return syntax(where + inQuotes(line) + " is not a 'key: value' line");
    }
    const std::string_view value = trimmed(line.substr(colon + 1));
    if (value.empty()) return syntax(where + std::string(key) + " has no value");
    if (key == "version") {
      if (value != "STSv1") return syntax(where + "version must be STSv1, not " + inQuotes(value));
      seenVersion = true;
    } else if (key == "mode") {
      StsMode mode = StsMode::none;
      if (value == "enforce") {
        mode = StsMode::enforce;
      } else if (value == "testing") {
        mode = StsMode::testing;
      } else if (value != "none") {
        return syntax(where + "mode must be enforce, testing or none, not " + inQuotes(value));
      }
      if (!seenMode) policy.mode = mode;  // the first one counts
      seenMode = true;
    } else if (key == "max_age") {
      const bool digits =
          value.size() <= 10 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      const unsigned long long seconds = digits ? std::stoull(std::string(value)) : limits::kMaxPolicyMaxAge + 1ULL;
      if (!digits || seconds > limits::kMaxPolicyMaxAge) {
        return syntax(where + "max_age must be a number of seconds from 0 to 31557600, not " + inQuotes(value));
      }
      if (!seenMaxAge) policy.maxAge = static_cast<std::uint32_t>(seconds);
      seenMaxAge = true;
    } else if (key == "mx") {
      const std::string pattern = toLowerAscii(value);
      const std::string_view domain = std::string_view(pattern).substr(pattern.starts_with("*.") ? 2 : 0);
      if (!isDomain(domain)) {
        return syntax(where + "mx " + inQuotes(value) +
                      " is not a host name or a *. wildcard (international names must be in xn-- form)");
      }
      if (policy.mx.size() < limits::kMaxPolicyMxPatterns) policy.mx.push_back(pattern);
    }
    // Other keys are extensions, ignored (RFC 8461 §3.2).
  }
  if (!seenVersion) return syntax("the policy has no 'version: STSv1' line");
  if (!seenMode) return syntax("the policy has no mode line");
  if (!seenMaxAge) return syntax("the policy has no max_age line");
  if (policy.mx.empty() && policy.mode != StsMode::none) {
    return syntax("the policy lists no mx patterns, which mode " + std::string(stsModeName(policy.mode)) + " requires");
  }
  return policy;
}

bool mxPatternMatches(std::string_view pattern, std::string_view host) {
  const std::string p = normalizedHost(pattern);
  const std::string h = normalizedHost(host);
  if (p.empty() || h.empty()) return false;
  if (p.starts_with("*.")) {
    const auto dot = h.find('.');
    return dot != std::string::npos && dot > 0 && std::string_view(h).substr(dot + 1) == std::string_view(p).substr(2);
  }
  return p == h;
}

std::optional<std::string> matchingPattern(const std::vector<std::string>& patterns, std::string_view host) {
  for (const std::string& pattern : patterns) {
    if (mxPatternMatches(pattern, host)) return pattern;
  }
  return std::nullopt;
}

// ---- the fetch ----

MtaStsFetch fetchMtaSts(dns::Resolver& resolver, const std::string& domain, const std::optional<std::string>& caFile,
                        const ContactPolicy& contact, Deadline deadline, const CancelToken& cancel) {
  MtaStsFetch fetch;
  fetch.domain = domain;
  const std::string policyHost = "mta-sts." + domain;
  fetch.policyUrl = "https://" + policyHost + std::string(kWellKnownPath);

  const std::array<dns::Query, 3> queries = {dns::Query{"_mta-sts." + domain, dns::RrType::TXT},
                                             dns::Query{policyHost, dns::RrType::A},
                                             dns::Query{policyHost, dns::RrType::AAAA}};
  const auto answers = resolver.resolveAll(queries, deadline.capped(kMtaStsFetchTimeout), cancel);

  const auto txt = readTxtAnswer(answers[0], queries[0].name);
  if (txt) {
    for (const std::string& text : txt->texts) {
      if (isStsTxtRecord(text)) fetch.txtRecords.push_back(text);
    }
  } else {
    fetch.txtError = txt.error().message;
    if (answers[0].ok() && answers[0]->dnssec == dns::DnssecState::bogus) fetch.txtBogus = answers[0]->whyBogus;
  }

  PolicyHostAddresses host = readAddresses(answers[1], answers[2], policyHost);
  if (!host.addresses.empty()) {
    std::vector<std::string> nonPublic;
    std::erase_if(host.addresses, [&](const std::string& text) {
      const auto address = dns::IpAddress::parse(text);
      if (address && contact.mayContact(*address)) return false;
      nonPublic.push_back(text);
      return true;
    });
    if (host.addresses.empty()) {
      // Senders on the internet cannot reach it either; we do not try.
      fetch.policyOutcome = PolicyFetchOutcome::unreachable;
      fetch.policyError = name(policyHost) + " has only non-public addresses (" + nonPublic.front() +
                          (nonPublic.size() > 1 ? ", ..." : "") +
                          "), which senders on the internet cannot reach; they were not contacted";
      return fetch;
    }
  }
  if (host.addresses.empty()) {
    fetch.policyOutcome = host.error ? PolicyFetchOutcome::lookup_failed : PolicyFetchOutcome::no_host;
    fetch.policyError = host.error
                            ? "the address of " + name(policyHost) + " could not be looked up (" + *host.error + ")"
                            : name(policyHost) + " does not exist or has no address";
    return fetch;
  }

  const Deadline fetchDeadline = deadline.capped(kMtaStsFetchTimeout);
  for (const std::string& address : host.addresses) {
    if (cancel.cancelled()) {
      fetch.policyOutcome = PolicyFetchOutcome::cancelled;
      fetch.policyError = "the check was cancelled";
      return fetch;
    }
    if (fetchDeadline.expired()) break;  // the last error stands
    http::HttpsRequest request;
    request.hostName = policyHost;
    request.connectAddress = address;
    request.path = std::string(kWellKnownPath);
    request.caFile = caFile;
    request.timeout = fetchDeadline.remaining();
    request.maxBodyBytes = limits::kMaxPolicyBytes;
    request.cancel = cancel;
    fetch.policyAddress = address;
    auto response = http::httpsGet(request);
    if (!response) {
      const Error& error = response.error();
      fetch.policyError = error.message;
      if (error.code == Errc::cancelled) {
        fetch.policyOutcome = PolicyFetchOutcome::cancelled;
        return fetch;
      }
      if (http::isCertificateError(error)) {
        fetch.policyOutcome = PolicyFetchOutcome::bad_certificate;
        return fetch;
      }
      if (error.code == Errc::tls_config) {  // our --ca-file, not the domain
        fetch.policyOutcome = PolicyFetchOutcome::lookup_failed;
        return fetch;
      }
      fetch.policyOutcome = PolicyFetchOutcome::unreachable;
      continue;  // the next address may answer
    }
    const int status = response->status;
    const std::string statusText = "HTTP " + std::to_string(status) +
                                   (response->reason.empty() ? "" : " " + sanitizeForDisplay(response->reason, 80));
    if (status == 200) {
      if (response->truncated) {
        fetch.policyOutcome = PolicyFetchOutcome::too_large;
        fetch.policyError = "the policy is larger than 64 KiB";
        return fetch;
      }
      fetch.policyOutcome = PolicyFetchOutcome::fetched;
      fetch.policyBody = std::move(response->body);
      fetch.contentType = sanitizeForDisplay(response->contentType, limits::kMaxHeaderValueKept);
      fetch.policyError.reset();
      return fetch;
    }
    if (status == 404 || status == 410) {
      fetch.policyOutcome = PolicyFetchOutcome::not_found;
      fetch.policyError = "the policy host answered " + statusText + ": there is no policy";
    } else if (status >= 300 && status < 400) {
      fetch.policyOutcome = PolicyFetchOutcome::http_error;
      fetch.policyError = "the policy host answered " + statusText + " (a redirect" +
                          (response->location ? " to " + *response->location : std::string()) +
                          "), and MTA-STS forbids following redirects";
    } else {
      fetch.policyOutcome = PolicyFetchOutcome::http_error;
      fetch.policyError = "the policy host answered " + statusText + " instead of 200 OK";
    }
    return fetch;
  }
  if (!fetch.policyAddress) {  // not one attempt: that says nothing about the domain
    fetch.policyOutcome = PolicyFetchOutcome::lookup_failed;
    fetch.policyError = "the check ran out of time before " + name(policyHost) + " could be asked";
  }
  return fetch;
}

// ---- evaluation ----

MtaStsReport evaluateMtaSts(const MtaStsFetch& fetch, const std::vector<MxCertificateFacts>& mxHosts) {
  MtaStsReport report;
  report.bogus = fetch.txtBogus;

  // The TXT record.
  bool txtValid = false;
  if (!fetch.txtRecords.empty()) {
    MtaStsTxtReport txt;
    txt.record = sanitizeForDisplay(fetch.txtRecords.front(), limits::kMaxRecordDisplay);
    if (fetch.txtRecords.size() > 1) {
      txt.error = std::to_string(fetch.txtRecords.size()) +
                  " TXT records begin with v=STSv1; there must be exactly one, so senders ignore them all";
    } else if (auto parsed = parseStsTxt(fetch.txtRecords.front()); parsed) {
      txt.id = sanitizeForDisplay(parsed->id, 64);
      txt.valid = txtValid = true;
    } else {
      txt.error = parsed.error().message;
    }
    report.txt = std::move(txt);
  }

  // The policy.
  MtaStsPolicyReport policyReport;
  policyReport.url = sanitizeForDisplay(fetch.policyUrl, limits::kMaxRecordDisplay);
  std::optional<StsPolicy> policy;
  if (fetch.policyOutcome == PolicyFetchOutcome::fetched && fetch.policyBody) {
    policyReport.fetched = true;
    policyReport.text = displayPolicy(*fetch.policyBody);
    if (auto parsed = parseStsPolicy(*fetch.policyBody); parsed) {
      policy = std::move(*parsed);
      policyReport.mode = policy->mode;
      for (const std::string& pattern : policy->mx) policyReport.mx.push_back(sanitizeForDisplay(pattern, 260));
      policyReport.maxAge = policy->maxAge;
    } else {
      policyReport.error = "the policy is not valid: " + parsed.error().message;
    }
  } else {
    policyReport.error = fetch.policyError;
  }

  // Every MX host against the patterns, with its certificate.
  if (policy) {
    for (const MxCertificateFacts& facts : mxHosts) {
      MxCoverage coverage;
      coverage.host = sanitizeForDisplay(normalizedHost(facts.mxHost), limits::kMaxNameDisplay);
      coverage.pattern = matchingPattern(policy->mx, facts.mxHost);
      coverage.covered = coverage.pattern.has_value();
      coverage.certificateOk = certificateOk(facts);
      report.mxCoverage.push_back(std::move(coverage));
    }
  }
  const bool allCovered = std::all_of(report.mxCoverage.begin(), report.mxCoverage.end(),
                                      [](const MxCoverage& coverage) { return coverage.covered; });

  // The status: what a sender that implements MTA-STS makes of it.
  if (fetch.txtError) {
    report.status = MtaStsStatus::unknown;
    report.error = "the _mta-sts TXT lookup failed: " + *fetch.txtError;
  } else if (!report.txt) {
    if (policy) {
      report.status = MtaStsStatus::policy_only;
      report.error = "a policy is published, but there is no _mta-sts TXT record, so senders never fetch it";
    } else {
      report.status = MtaStsStatus::none;
    }
  } else if (!txtValid) {
    report.status = MtaStsStatus::invalid;
    report.error = "the _mta-sts TXT record is not valid: " + report.txt->error.value_or("syntax error");
  } else {
    switch (fetch.policyOutcome) {
      case PolicyFetchOutcome::fetched:
        if (!policy) {
          report.status = MtaStsStatus::invalid;
          report.error = policyReport.error;
        } else if (policy->mode != StsMode::none && !allCovered) {
          report.status = MtaStsStatus::mx_not_covered;
          report.error = "the policy does not list every MX host";
        } else {
          report.status = MtaStsStatus::ok;
        }
        break;
      case PolicyFetchOutcome::no_host:
      case PolicyFetchOutcome::not_found:
        report.status = MtaStsStatus::txt_only;
        report.error = fetch.policyError;
        break;
      case PolicyFetchOutcome::unreachable:
      case PolicyFetchOutcome::http_error:
        report.status = MtaStsStatus::unreachable;
        report.error = fetch.policyError;
        break;
      case PolicyFetchOutcome::bad_certificate:
        report.status = MtaStsStatus::bad_certificate;
        report.error = fetch.policyError;
        break;
      case PolicyFetchOutcome::too_large:
        report.status = MtaStsStatus::invalid;
        report.error = fetch.policyError;
        break;
      case PolicyFetchOutcome::lookup_failed:
      case PolicyFetchOutcome::cancelled:
        report.status = MtaStsStatus::unknown;
        report.error = fetch.policyError;
        break;
    }
  }
  if (report.status != MtaStsStatus::none) report.policy = std::move(policyReport);
  return report;
}

std::vector<Finding> mtaStsFindings(const std::string& domain, const MtaStsReport& report) {
  std::vector<Finding> out;
  const std::string host = name(domain);
  const std::string policyHost = "mta-sts." + host;
  const std::string txtName = "_mta-sts." + host;
  const std::string url = report.policy ? report.policy->url : "https://" + policyHost + std::string(kWellKnownPath);
  const std::string why = report.error ? ": " + *report.error : "";
  if (report.bogus) {
    out.push_back(finding("dnssec.bogus", Severity::error,
                          "The TXT records of " + txtName + " fail DNSSEC validation (" + *report.bogus +
                              "); senders that validate DNSSEC cannot see the MTA-STS record.",
                          txtName, "RFC 4035 §4.3"));
  }
  switch (report.status) {
    case MtaStsStatus::ok:
    case MtaStsStatus::none:
    case MtaStsStatus::unknown: break;
    case MtaStsStatus::txt_only:
      out.push_back(finding("mta_sts.txt_without_policy", Severity::warning,
                            host + " publishes an MTA-STS record (" + txtName + "), but there is no policy at " + url +
                                why + ": publish the policy or remove the record." + kNoPolicyConsequence,
                            std::nullopt, "RFC 8461 §3.3"));
      break;
    case MtaStsStatus::policy_only:
      out.push_back(finding("mta_sts.policy_without_txt", Severity::warning,
                            "An MTA-STS policy is published at " + url + ", but there is no " + txtName +
                                " TXT record (\"v=STSv1; id=...\"), so senders never fetch the policy.",
                            std::nullopt, "RFC 8461 §3.1"));
      break;
    case MtaStsStatus::unreachable:
      out.push_back(
          finding("mta_sts.unreachable", Severity::warning,
                  "The MTA-STS policy of " + host + " cannot be fetched from " + url + why + "." + kNoPolicyConsequence,
                  policyHost, "RFC 8461 §3.3"));
      break;
    case MtaStsStatus::bad_certificate:
      out.push_back(finding("mta_sts.bad_certificate", Severity::warning,
                            "The MTA-STS policy host " + policyHost + " cannot be trusted" + why +
                                ", so senders refuse its policy." + kNoPolicyConsequence,
                            policyHost, "RFC 8461 §3.3"));
      break;
    case MtaStsStatus::invalid:
      out.push_back(finding(
          "mta_sts.invalid", Severity::warning,
          "The MTA-STS policy of " + host + " cannot be used" + why + ", so senders ignore it." + kNoPolicyConsequence,
          std::nullopt, "RFC 8461 §3"));
      break;
    case MtaStsStatus::mx_not_covered: break;  // per MX host below
  }
  const bool judged = report.status == MtaStsStatus::ok || report.status == MtaStsStatus::mx_not_covered;
  if (!judged || !report.policy || !report.policy->mode) return out;
  const StsMode mode = *report.policy->mode;
  if (mode == StsMode::none) {
    out.push_back(finding("mta_sts.none_mode", Severity::info,
                          "The MTA-STS policy of " + host + " has mode none: MTA-STS is switched off for the domain.",
                          std::nullopt, "RFC 8461 §5"));
    return out;
  }
  const bool enforce = mode == StsMode::enforce;
  const Severity severity = enforce ? Severity::error : Severity::warning;
  const std::string consequence = enforce ? "senders that enforce the policy will not deliver mail to it."
                                          : "in testing mode senders only report this, but delivery to it will fail "
                                            "once the policy is enforced.";
  for (const MxCoverage& coverage : report.mxCoverage) {
    if (!coverage.covered) {
      out.push_back(finding("mta_sts.mx_not_covered", severity,
                            "The MX host " + coverage.host + " matches no mx pattern of the MTA-STS policy of " + host +
                                "; " + consequence,
                            coverage.host, "RFC 8461 §4.1"));
    }
    if (coverage.certificateOk == false) {
      out.push_back(finding("mta_sts.cert_invalid", severity,
                            "The certificate of MX host " + coverage.host +
                                " on port 25 does not verify or is not valid for its name; under the MTA-STS policy "
                                "of " +
                                host + " " + consequence,
                            coverage.host, "RFC 8461 §4.2"));
    }
  }
  if (!enforce) {
    out.push_back(finding("mta_sts.testing", Severity::info,
                          "The MTA-STS policy of " + host +
                              " is in testing mode: senders report failures but still deliver without the protection; "
                              "switch to enforce when the reports are clean.",
                          std::nullopt, "RFC 8461 §5"));
  }
  return out;
}

Json toJson(const MtaStsReport& report) {
  Json txt = nullptr;
  if (report.txt) {
    txt = Json{{"record", report.txt->record},
               {"id", orNull(report.txt->id)},
               {"valid", report.txt->valid},
               {"error", orNull(report.txt->error)}};
  }
  Json policy = nullptr;
  if (report.policy) {
    const MtaStsPolicyReport& p = *report.policy;
    policy = Json{{"url", p.url},
                  {"fetched", p.fetched},
                  {"mode", p.mode ? Json(stsModeName(*p.mode)) : Json(nullptr)},
                  {"mx", p.mx},
                  {"max_age", p.maxAge ? Json(*p.maxAge) : Json(nullptr)},
                  {"error", orNull(p.error)},
                  {"text", orNull(p.text)}};
  }
  Json coverage = Json::array();
  for (const MxCoverage& c : report.mxCoverage) {
    coverage.push_back(Json{{"host", c.host},
                            {"pattern", orNull(c.pattern)},
                            {"covered", c.covered},
                            {"certificate_ok", c.certificateOk ? Json(*c.certificateOk) : Json(nullptr)}});
  }
  return Json{{"status", mtaStsStatusName(report.status)},
              {"txt", std::move(txt)},
              {"policy", std::move(policy)},
              {"mx_coverage", std::move(coverage)},
              {"error", orNull(report.error)}};
}

}  // namespace mxh::checks

// MTA-STS: the fetch (TXT record, policy host addresses, HTTPS) and its evaluation against the MX hosts.
#include "checks/policy/mta_sts.h"

#include "checks/policy/mail_policy.h"
#include "checks/policy/record_syntax.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/ip_address.h"
#include "dns/wire.h"
#include "http/https_get.h"

namespace mxh::checks {
namespace {

using record_syntax::displayName;

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
      errors.push_back("the addresses of " + displayName(host) + " fail DNSSEC validation (" + answer->whyBogus + ")");
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

// ---- the fetch ----

MtaStsFetch fetchMtaSts(dns::Resolver& resolver, const std::string& domain, const std::optional<std::string>& caFile,
                        const ContactPolicy& contact, Deadline deadline, const CancelToken& cancel) {
  MtaStsFetch fetch;
  fetch.domain = domain;
  const std::string policyHost = "mta-sts." + domain;
  fetch.policyUrl = "https://" + policyHost + std::string(kMtaStsWellKnownPath);

  const std::array<dns::Query, 3> queries = {dns::Query{"_mta-sts." + domain, dns::RrType::TXT},
                                             dns::Query{policyHost, dns::RrType::A},
                                             dns::Query{policyHost, dns::RrType::AAAA}};
  const auto answers = resolver.resolveAll(queries, deadline.capped(kMtaStsFetchTimeout), cancel);

  auto txt = readTxtAnswer(answers[0], queries[0].name, isStsTxtRecord);
  if (txt) {
    fetch.txtRecords = std::move(txt->records);
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
      fetch.policyError = displayName(policyHost) + " has only non-public addresses (" + nonPublic.front() +
                          (nonPublic.size() > 1 ? ", ..." : "") +
                          "), which senders on the internet cannot reach; they were not contacted";
      return fetch;
    }
  }
  if (host.addresses.empty()) {
    fetch.policyOutcome = host.error ? PolicyFetchOutcome::lookup_failed : PolicyFetchOutcome::no_host;
    fetch.policyError =
        host.error ? "the address of " + displayName(policyHost) + " could not be looked up (" + *host.error + ")"
                   : displayName(policyHost) + " does not exist or has no address";
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
    request.path = std::string(kMtaStsWellKnownPath);
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
    const std::string statusText =
        "HTTP " + std::to_string(status) +
        (response->reason.empty() ? "" : " " + sanitizeForDisplay(response->reason, limits::kMaxQuotedDisplay));
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
    fetch.policyError = "the check ran out of time before " + displayName(policyHost) + " could be asked";
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
    const dns::TxtText& first = fetch.txtRecords.front();
    txt.record = sanitizeForDisplay(first.text, limits::kMaxRecordDisplay);
    if (fetch.txtRecords.size() > 1) {
      txt.error = std::to_string(fetch.txtRecords.size()) +
                  " TXT records begin with v=STSv1; there must be exactly one, so senders ignore them all";
    } else if (!first.complete()) {
      txt.error = record_syntax::tooLongText(first.length);
    } else if (auto parsed = parseStsTxt(first.text); parsed) {
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
      coverage.host = displayName(dns::canonicalName(facts.mxHost));
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

}  // namespace mxh::checks

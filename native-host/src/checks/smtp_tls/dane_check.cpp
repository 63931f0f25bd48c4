#include "checks/smtp_tls/dane_check.h"

#include <algorithm>
#include <iterator>

#include "core/limits.h"
#include "core/text.h"
#include "dns/ip_address.h"

namespace mxh::checks {
namespace {

using Json = nlohmann::ordered_json;
using dns::DnssecState;

constexpr const char* kReference = "RFC 7672";

std::string ownerName(const std::string& host) {
  return "_25._tcp." + host;
}

// An MX target that names no host has no TLSA records to look up.
bool canHaveTlsa(const std::string& host) {
  return !host.empty() && host != "." && !dns::IpAddress::parse(host).has_value();
}

std::string text(std::string_view raw) {
  return sanitizeForDisplay(raw, limits::kMaxReasonLength);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

Json recordToJson(const tls::TlsaRecord& record) {
  return Json{{"usage", record.usage},
              {"selector", record.selector},
              {"matching_type", record.matchingType},
              {"data", tls::toHex(record.data)}};
}

}  // namespace

DaneLookup::Host tlsaHostFacts(const std::string& host, const Result<dns::Answer>& answer) {
  DaneLookup::Host facts;
  facts.host = host;
  facts.owner = ownerName(host);
  if (!answer) {
    facts.error = answer.error();
    return facts;
  }
  facts.dnssec = answer->dnssec;
  if (answer->dnssec == DnssecState::bogus) facts.whyBogus = answer->whyBogus;
  if (answer->outcome != dns::Outcome::data) return facts;
  facts.present = !answer->rdata.empty();
  for (const auto& rdata : answer->rdata) {
    auto record = tls::parseTlsaRdata(rdata);
    if (!record) {
      ++facts.malformed;
    } else if (facts.records.size() < limits::kMaxTlsaRecords) {
      facts.records.push_back(std::move(record).value());
    }
  }
  return facts;
}

DaneLookup lookupTlsa(dns::Resolver& resolver, const std::vector<std::string>& mxHosts, Deadline deadline,
                      const CancelToken& cancel) {
  DaneLookup lookup;
  std::vector<std::string> asked;
  std::vector<dns::Query> queries;
  for (const std::string& host : mxHosts) {
    if (lookup.hosts.contains(host)) continue;
    DaneLookup::Host& facts = lookup.hosts[host];
    facts.host = host;
    facts.owner = ownerName(host);
    if (!canHaveTlsa(host)) continue;  // recorded as having none
    asked.push_back(host);
    queries.push_back({ownerName(host), dns::RrType::TLSA});
  }
  if (queries.empty()) return lookup;
  const auto answers = resolver.resolveAll(queries, deadline, cancel);
  for (std::size_t i = 0; i < asked.size(); ++i) {
    DaneLookup::Host facts = tlsaHostFacts(asked[i], answers[i]);
    if (facts.dnssec) {
      DnssecEntry entry{facts.owner, "TLSA", std::string(dns::dnssecStateName(*facts.dnssec)), {}};
      if (*facts.dnssec == DnssecState::bogus) entry.why = facts.whyBogus;
      lookup.dnssec.push_back(std::move(entry));
    }
    lookup.hosts[asked[i]] = std::move(facts);
  }
  return lookup;
}

TlsaByHost usableSecureTlsa(const DaneLookup& lookup) {
  TlsaByHost usable;
  for (const auto& [name, host] : lookup.hosts) {
    if (host.error || !host.present || host.dnssec != DnssecState::secure) continue;
    std::vector<tls::TlsaRecord> records;
    std::copy_if(host.records.begin(), host.records.end(), std::back_inserter(records), tls::usableForSmtp);
    if (!records.empty()) usable[name] = std::move(records);
  }
  return usable;
}

std::string_view daneStatusName(DaneStatus status) {
  switch (status) {
    case DaneStatus::none: return "none";
    case DaneStatus::insecure: return "insecure";
    case DaneStatus::unusable: return "unusable";
    case DaneStatus::match: return "match";
    case DaneStatus::mismatch: return "mismatch";
    case DaneStatus::not_checked: return "not_checked";
    case DaneStatus::unknown: return "unknown";
  }
  return "unknown";
}

DaneReport evaluateDane(const DaneLookup::Host& host, const std::vector<smtp::ProbeResult>& probesOfHost) {
  DaneReport report;
  report.host = host.host;
  report.dnssec = host.dnssec;
  bool anyUsable = false;
  for (const tls::TlsaRecord& record : host.records) {
    const bool usable = tls::usableForSmtp(record);
    anyUsable = anyUsable || usable;
    report.tlsa.push_back({record, usable});
  }
  if (host.error) {
    report.status = DaneStatus::unknown;
    report.error = "the TLSA lookup failed: " + text(host.error->message);
    return report;
  }
  if (host.dnssec == DnssecState::bogus) {
    report.status = DaneStatus::unknown;
    report.error =
        "the TLSA answer fails DNSSEC validation" + (host.whyBogus.empty() ? "" : " (" + text(host.whyBogus) + ")");
    return report;
  }
  if (!host.present) {
    report.status = DaneStatus::none;
    return report;
  }
  if (host.dnssec == DnssecState::insecure) {
    report.status = DaneStatus::insecure;
    return report;
  }
  if (host.dnssec != DnssecState::secure) {
    report.status = DaneStatus::unknown;
    report.error = "the resolver did not validate DNSSEC, so whether senders use these TLSA records is unknown";
    return report;
  }
  if (!anyUsable) {
    report.status = DaneStatus::unusable;
    return report;
  }

  // Each address is checked by its own port-25 handshake; one failing address is enough for a
  // DANE sender to fail delivery there.
  const smtp::ProbeResult* firstFailure = nullptr;
  bool anyChecked = false;
  for (const smtp::ProbeResult& probe : probesOfHost) {
    if (probe.port != 25 || !probe.dane) continue;
    anyChecked = true;
    if (probe.dane->verified) {
      if (!report.matched) report.matched = probe.dane->matched;
      continue;
    }
    if (firstFailure == nullptr) firstFailure = &probe;
    if (std::find(report.mismatchAddresses.begin(), report.mismatchAddresses.end(), probe.ip) ==
        report.mismatchAddresses.end()) {
      report.mismatchAddresses.push_back(probe.ip);
    }
  }
  if (!anyChecked) {
    report.status = DaneStatus::not_checked;
    report.error = "no TLS handshake on port 25 completed, so the certificate was not checked against the TLSA records";
    return report;
  }
  if (firstFailure != nullptr) {
    report.status = DaneStatus::mismatch;
    report.matched.reset();
    report.error = firstFailure->ip + ": " +
                   text(firstFailure->dane->error.value_or("the certificate chain matches no TLSA record"));
    return report;
  }
  report.status = DaneStatus::match;
  return report;
}

std::vector<Finding> daneFindings(const DaneReport& report) {
  std::vector<Finding> out;
  const std::string& host = report.host;
  const std::string owner = ownerName(host);
  switch (report.status) {
    case DaneStatus::insecure:
      out.push_back(makeFinding("dane.insecure", Severity::warning,
                                "The MX host " + host + " publishes TLSA records (" + owner +
                                    "), but they are not DNSSEC-signed, so senders ignore them: DANE does not protect "
                                    "mail to this server. Sign the zone, or remove the records.",
                                {host}, kReference));
      break;
    case DaneStatus::unusable:
      out.push_back(makeFinding("dane.unusable", Severity::warning,
                                "None of the DNSSEC-signed TLSA records of MX host " + host +
                                    " is usable for SMTP (only DANE-TA(2) and DANE-EE(3) records with valid parameters "
                                    "count; PKIX-TA(0) and PKIX-EE(1) do not), so DANE senders cannot authenticate it.",
                                {host}, kReference));
      break;
    case DaneStatus::mismatch: {
      const std::string where = report.mismatchAddresses.size() == 1 ? report.mismatchAddresses.front()
                                                                     : "addresses " + joined(report.mismatchAddresses);
      out.push_back(makeFinding(
          "dane.mismatch", Severity::error,
          "The certificate of MX host " + host + " (" + where +
              ", port 25) matches none of its DNSSEC-signed TLSA records" +
              (report.error ? " (" + *report.error + ")" : "") +
              ": mail from DANE-validating senders (e.g. large providers) will not be delivered to "
              "this server.",
          {host, report.mismatchAddresses.empty() ? std::nullopt : std::optional(report.mismatchAddresses.front())},
          kReference));
      break;
    }
    case DaneStatus::unknown:
      if (report.dnssec == DnssecState::bogus) {
        out.push_back(makeFinding("dnssec.bogus", Severity::error,
                                  "The TLSA records of MX host " + host + " (" + owner + ") fail DNSSEC validation" +
                                      (report.error ? " (" + *report.error + ")" : "") +
                                      "; senders that validate DNSSEC cannot tell whether the host uses DANE and hold "
                                      "mail for it.",
                                  {host}, kReference));
      } else {
        out.push_back(makeFinding("dane.unknown", Severity::info,
                                  "Whether MX host " + host + " uses DANE is unknown: " +
                                      report.error.value_or("the TLSA lookup gave no answer") + ".",
                                  {host}, kReference));
      }
      break;
    case DaneStatus::none:
    case DaneStatus::match:
    case DaneStatus::not_checked: break;
  }
  return out;
}

Json toJson(const DaneReport& report) {
  Json tlsa = Json::array();
  for (const TlsaEntry& entry : report.tlsa) {
    Json item = recordToJson(entry.record);
    item["usable"] = entry.usable;
    tlsa.push_back(std::move(item));
  }
  return Json{{"status", daneStatusName(report.status)},
              {"tlsa", std::move(tlsa)},
              {"dnssec", report.dnssec ? Json(dns::dnssecStateName(*report.dnssec)) : Json(nullptr)},
              {"matched", report.matched ? recordToJson(*report.matched) : Json(nullptr)},
              {"error", report.error ? Json(*report.error) : Json(nullptr)}};
}

Json daneOutcomeToJson(const std::optional<tls::DaneOutcome>& outcome) {
  if (!outcome) return nullptr;
  return Json{{"verified", outcome->verified},
              {"matched", outcome->matched ? recordToJson(*outcome->matched) : Json(nullptr)},
              {"error", outcome->error ? Json(text(*outcome->error)) : Json(nullptr)}};
}

}  // namespace mxh::checks

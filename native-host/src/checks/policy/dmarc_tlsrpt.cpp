// DMARC (RFC 7489) and TLS-RPT (RFC 8460), both tag=value records: each record, its report and
// its findings.
#include <algorithm>

#include "checks/policy/mail_policy.h"
#include "checks/policy/record_syntax.h"
#include "checks/report/report_json.h"
#include "core/limits.h"
#include "core/text.h"

namespace mxh::checks {
namespace {

using namespace record_syntax;  // NOLINT(google-build-using-namespace): the grammar helpers

using Json = nlohmann::ordered_json;

// ---- DMARC and TLS-RPT tags ----

struct Tag {
  std::string name;  // lower case
  std::string_view value;
};

// "name=value" with optional spaces around "=" (RFC 7489 §6.4).
Result<Tag> readTag(std::string_view field) {
  const auto equals = field.find('=');
  if (equals == std::string_view::npos)
    return syntaxError("the part " + quotedForDisplay(field) + " is not a tag=value pair");
  const std::string_view name = trimmed(field.substr(0, equals));
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.';
      })) {
    return syntaxError("the part " + quotedForDisplay(field) + " does not start with a tag name");
  }
  return Tag{toLowerAscii(name), trimmed(field.substr(equals + 1))};
}

std::vector<std::string> uriList(std::string_view value) {
  std::vector<std::string> uris;
  for (const std::string_view part : splitOn(value, ',')) {
    const std::string_view uri = trimmed(part);
    if (!uri.empty()) uris.emplace_back(uri);
  }
  return uris;
}

std::vector<std::string> displayUris(const std::vector<std::string>& uris) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < uris.size() && i < limits::kMaxReportUris; ++i) {
    out.push_back(sanitizeForDisplay(uris[i], limits::kMaxUriDisplay));
  }
  return out;
}

bool validPolicyValue(std::string_view value) {
  return value == "none" || value == "quarantine" || value == "reject";
}

// A TLS-RPT reporting URI (RFC 8460 §3): mailto: with an address, or an https: URL.
bool validTlsRptUri(std::string_view uri) {
  if (startsWithIgnoreCaseAscii(uri, "mailto:")) return uri.size() > 7 && uri.find('@') != std::string_view::npos;
  if (startsWithIgnoreCaseAscii(uri, "https://")) return uri.size() > 8;
  return false;
}

}  // namespace

// ---- DMARC ----

bool isDmarcRecord(std::string_view text) {
  if (text.empty() || (text.front() != 'v' && text.front() != 'V')) return false;
  text = trimmed(text.substr(1));
  if (text.empty() || text.front() != '=') return false;
  text = trimmed(text.substr(1));
  return text.substr(0, 6) == "DMARC1";
}

Result<DmarcRecord> parseDmarc(std::string_view text) {
  std::vector<std::string_view> fields;
  for (const std::string_view field : splitOn(text, ';')) {
    if (!trimmed(field).empty()) fields.push_back(trimmed(field));
  }
  if (fields.empty()) return syntaxError("the record is empty");
  auto version = readTag(fields.front());
  if (!version || version->name != "v" || version->value != "DMARC1") {
    return syntaxError("the record must start with v=DMARC1 followed by ';'");
  }
  DmarcRecord record;
  bool seenPolicy = false;
  std::vector<std::string> seen;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    auto tag = readTag(fields[i]);
    if (!tag) return tag.error();
    if (std::find(seen.begin(), seen.end(), tag->name) != seen.end()) continue;  // the first one counts
    seen.push_back(tag->name);
    const std::string value = toLowerAscii(tag->value);
    if (tag->name == "p") {
      if (!validPolicyValue(value)) {
        return syntaxError("p=" + sanitizeForDisplay(tag->value, 80) + " is not none, quarantine or reject");
      }
      record.policy = value;
      seenPolicy = true;
    } else if (tag->name == "sp") {
      if (!validPolicyValue(value)) {
        return syntaxError("sp=" + sanitizeForDisplay(tag->value, 80) + " is not none, quarantine or reject");
      }
      record.subdomainPolicy = value;
    } else if (tag->name == "pct") {
      record.pct = smallNumber(tag->value, 100);
      if (!record.pct)
        return syntaxError("pct=" + sanitizeForDisplay(tag->value, 80) + " is not a number from 0 to 100");
    } else if (tag->name == "rua") {
      record.rua = uriList(tag->value);
    }
  }
  if (!seenPolicy) return syntaxError("the record has no p= tag (the policy), which is required");
  return record;
}

DmarcReport readDmarc(const Result<dns::Answer>& answer, std::string_view domain) {
  DmarcReport report;
  const std::string name = "_dmarc." + std::string(domain);
  const auto txt = readTxtAnswer(answer, name, isDmarcRecord);
  if (lookupFailed(answer, txt, report)) return report;
  const auto dmarc = theOneRecord(*txt, "DMARC", name, "receivers use none of them", report);
  if (!dmarc) return report;
  auto parsed = parseDmarc(*dmarc);
  if (!parsed) {
    report.status = PolicyStatus::invalid;
    report.error = parsed.error().message;
    return report;
  }
  report.status = PolicyStatus::ok;
  report.policy = parsed->policy;
  report.subdomainPolicy = parsed->subdomainPolicy;
  report.pct = parsed->pct;
  report.rua = displayUris(parsed->rua);
  return report;
}

// ---- TLS-RPT ----

bool isTlsRptRecord(std::string_view text) {
  return text.substr(0, 10) == "v=TLSRPTv1";
}

Result<TlsRptRecord> parseTlsRpt(std::string_view text) {
  if (!isTlsRptRecord(text)) return syntaxError("the record does not start with v=TLSRPTv1");
  const std::vector<std::string_view> fields = splitOn(text.substr(10), ';');
  if (!trimmed(fields.front()).empty()) return syntaxError("v=TLSRPTv1 must be followed by ';'");
  TlsRptRecord record;
  bool seenRua = false;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::string_view field = trimmed(fields[i]);
    if (field.empty()) {
      if (i + 1 == fields.size()) break;  // a final ';' is allowed
      return syntaxError("the record has an empty field (two ';' in a row)");
    }
    auto tag = readTag(field);
    if (!tag) return tag.error();
    if (tag->name == "rua" && field.substr(0, 3) != "rua") {
      return syntaxError("the tag " + quotedForDisplay(field) + " must be written rua= (lower case)");
    }
    if (tag->name != "rua" || seenRua) continue;  // extensions are ignored
    seenRua = true;
    record.rua = uriList(tag->value);
    if (record.rua.empty()) return syntaxError("rua= lists no reporting address");
    for (const std::string& uri : record.rua) {
      if (!validTlsRptUri(uri)) {
        return syntaxError("the reporting address " + quotedForDisplay(uri) +
                           " is neither a mailto: address nor an https: URL");
      }
    }
  }
  if (!seenRua) return syntaxError("the record has no rua= tag (where to send reports), which is required");
  return record;
}

TlsRptReport readTlsRpt(const Result<dns::Answer>& answer, std::string_view domain) {
  TlsRptReport report;
  const std::string name = "_smtp._tls." + std::string(domain);
  const auto txt = readTxtAnswer(answer, name, isTlsRptRecord);
  if (lookupFailed(answer, txt, report)) return report;
  const auto tlsRpt = theOneRecord(*txt, "TLS-RPT", name, "senders use none of them", report);
  if (!tlsRpt) return report;
  auto parsed = parseTlsRpt(*tlsRpt);
  if (!parsed) {
    report.status = PolicyStatus::invalid;
    report.error = parsed.error().message;
    return report;
  }
  report.status = PolicyStatus::ok;
  report.rua = displayUris(parsed->rua);
  return report;
}

std::vector<Finding> dmarcFindings(const std::string& domain, const DmarcReport& report) {
  std::vector<Finding> out;
  const std::string ref = "RFC 7489";
  const std::string host = sanitizeForDisplay(domain, 260);
  const std::string name = "_dmarc." + host;
  switch (report.status) {
    case PolicyStatus::unknown:
      if (report.bogus) {
        out.push_back(makeFinding("dnssec.bogus", Severity::error,
                                  "The TXT records of " + name + " fail DNSSEC validation (" + *report.bogus +
                                      "); receivers that validate DNSSEC cannot read the DMARC record.",
                                  {name}, "RFC 4035 §4.3"));
      }
      break;
    case PolicyStatus::none:
      out.push_back(
          makeFinding("dmarc.none", Severity::warning,
                      host + " publishes no DMARC record (at " + name +
                          "): receivers get no policy for mail that fails SPF and DKIM, and the domain gets no "
                          "reports about forged mail.",
                      {}, ref + " §6.1"));
      break;
    case PolicyStatus::multiple:
      out.push_back(makeFinding(
          "dmarc.multiple", Severity::error,
          host + " publishes more than one DMARC record at " + name + "; receivers then apply none of them.", {},
          ref + " §6.6.3"));
      break;
    case PolicyStatus::invalid:
      out.push_back(makeFinding("dmarc.invalid", Severity::error,
                                "The DMARC record of " + host + " is not valid: " +
                                    report.error.value_or("syntax error") + ". Receivers ignore it.",
                                {}, ref + " §6.3"));
      break;
    case PolicyStatus::ok:
      if (report.policy == "none") {
        out.push_back(
            makeFinding("dmarc.policy_none", Severity::warning,
                        "The DMARC policy of " + host +
                            " is p=none (monitoring only): receivers deliver mail that fails authentication as "
                            "usual. Move to quarantine or reject once the reports show your own mail passes.",
                        {}, ref + " §6.3"));
      }
      break;
  }
  return out;
}

std::vector<Finding> tlsRptFindings(const std::string& domain, const TlsRptReport& report) {
  std::vector<Finding> out;
  const std::string host = sanitizeForDisplay(domain, 260);
  const std::string name = "_smtp._tls." + host;
  switch (report.status) {
    case PolicyStatus::unknown:
      if (report.bogus) {
        out.push_back(makeFinding("dnssec.bogus", Severity::error,
                                  "The TXT records of " + name + " fail DNSSEC validation (" + *report.bogus +
                                      "); senders that validate DNSSEC cannot read the TLS-RPT record.",
                                  {name}, "RFC 4035 §4.3"));
      }
      break;
    case PolicyStatus::multiple:
      out.push_back(makeFinding("tls_rpt.invalid", Severity::warning,
                                host + " publishes more than one TLS-RPT record at " + name +
                                    "; senders use none of them and send no reports about TLS failures.",
                                {}, "RFC 8460 §3"));
      break;
    case PolicyStatus::invalid:
      out.push_back(makeFinding("tls_rpt.invalid", Severity::warning,
                                "The TLS-RPT record of " + host + " (at " + name +
                                    ") is not valid: " + report.error.value_or("syntax error") +
                                    ". Senders send no reports about TLS failures.",
                                {}, "RFC 8460 §3"));
      break;
    case PolicyStatus::none:  // optional: a missing record is no finding
    case PolicyStatus::ok: break;
  }
  return out;
}

Json toJson(const DmarcReport& report) {
  return Json{{"status", policyStatusName(report.status)},
              {"record", orNull(report.record)},
              {"policy", orNull(report.policy)},
              {"subdomain_policy", orNull(report.subdomainPolicy)},
              {"pct", report.pct ? Json(*report.pct) : Json(nullptr)},
              {"rua", report.rua},
              {"error", orNull(report.error)}};
}

Json toJson(const TlsRptReport& report) {
  return Json{{"status", policyStatusName(report.status)},
              {"record", orNull(report.record)},
              {"rua", report.rua},
              {"error", orNull(report.error)}};
}

}  // namespace mxh::checks

#include "checks/policy/mail_policy.h"

#include <algorithm>
#include <array>

#include "checks/report/report_json.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/ip_address.h"

namespace mxh::checks {
namespace {

using Json = nlohmann::ordered_json;

// Record syntax errors carry the code of malformed DNS data (as dns/wire.cpp does); only the
// message reaches the report.
Error syntax(std::string message) {
  return Error{Errc::dns_resolver, std::move(message)};
}

std::string display(std::string_view text) {
  return sanitizeForDisplay(text, limits::kMaxRecordDisplay);
}
std::string inQuotes(std::string_view text) {
  return "'" + sanitizeForDisplay(text, 80) + "'";
}

bool isWsp(char c) {
  return c == ' ' || c == '\t';
}
bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), isDigit);
}

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equalsIgnoreCaseAscii(text.substr(0, prefix.size()), prefix);
}

std::optional<int> smallNumber(std::string_view text, int max) {
  if (!isAllDigits(text) || text.size() > 9) return std::nullopt;
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  if (value > max) return std::nullopt;
  return value;
}

Finding finding(std::string code, Severity severity, std::string message, std::optional<std::string> host,
                std::string reference) {
  return {std::move(code), severity, std::move(message), std::move(host), std::nullopt, std::move(reference)};
}

// A failed lookup or a bogus answer: the status is unknown; a bogus answer also gets its reason.
template <typename Report>
bool lookupFailed(const Result<dns::Answer>& answer, const Result<TxtRecords>& txt, Report& report) {
  if (answer.ok()) report.dnssec = answer->dnssec;
  if (txt.ok()) return false;
  report.status = PolicyStatus::unknown;
  report.error = txt.error().message;
  if (answer.ok() && answer->dnssec == dns::DnssecState::bogus) report.bogus = answer->whyBogus;
  return true;
}

std::string countText(std::size_t count, std::string_view what) {
  return std::to_string(count) + " " + std::string(what) + (count == 1 ? "" : "s");
}

// ---- SPF terms (RFC 7208 §4.6.1, §12) ----

// A modifier is name "=" value, the name starting with a letter.
std::optional<std::size_t> modifierNameLength(std::string_view term) {
  if (term.empty() || !isAlpha(term.front())) return std::nullopt;
  std::size_t i = 1;
  while (i < term.size() &&
         (isAlpha(term[i]) || isDigit(term[i]) || term[i] == '-' || term[i] == '_' || term[i] == '.')) {
    ++i;
  }
  if (i < term.size() && term[i] == '=') return i;
  return std::nullopt;
}

// "ADDRESS" or "ADDRESS/PREFIX" of the given family.
bool validNetwork(std::string_view text, dns::IpAddress::Family family) {
  const auto slash = text.find('/');
  const auto address = dns::IpAddress::parse(text.substr(0, slash));
  if (!address || address->family() != family) return false;
  if (slash == std::string_view::npos) return true;
  return smallNumber(text.substr(slash + 1), family == dns::IpAddress::Family::v4 ? 32 : 128).has_value();
}

Status checkMechanism(std::string_view name, std::string_view argument, std::string_view term) {
  const bool hasDomain = argument.size() > 1 && argument.front() == ':';
  if (name == "all") {
    if (!argument.empty()) return syntax("the term " + inQuotes(term) + " is not a valid 'all' mechanism");
  } else if (name == "include" || name == "exists") {
    if (!hasDomain)
      return syntax("the mechanism " + inQuotes(term) + " needs a domain (" + std::string(name) + ":domain)");
  } else if (name == "a" || name == "mx") {
    if (!argument.empty() && !hasDomain && argument.front() != '/') {
      return syntax("the mechanism " + inQuotes(term) + " is not valid");
    }
  } else if (name == "ptr") {
    if (!argument.empty() && !hasDomain) return syntax("the mechanism " + inQuotes(term) + " is not valid");
  } else if (name == "ip4" || name == "ip6") {
    const auto family = name == "ip4" ? dns::IpAddress::Family::v4 : dns::IpAddress::Family::v6;
    if (!hasDomain || !validNetwork(argument.substr(1), family)) {
      return syntax("the mechanism " + inQuotes(term) + " does not hold a valid " + (name == "ip4" ? "IPv4" : "IPv6") +
                    " address or network");
    }
  } else {
    return syntax("the term " + inQuotes(term) + " is not a known mechanism or modifier");
  }
  return Ok{};
}

// ---- DMARC and TLS-RPT tags ----

struct Tag {
  std::string name;  // lower case
  std::string_view value;
};

// "name=value" with optional spaces around "=" (RFC 7489 §6.4).
Result<Tag> readTag(std::string_view field) {
  const auto equals = field.find('=');
  if (equals == std::string_view::npos) return syntax("the part " + inQuotes(field) + " is not a tag=value pair");
  const std::string_view name = trimmed(field.substr(0, equals));
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.';
      })) {
    return syntax("the part " + inQuotes(field) + " does not start with a tag name");
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
  if (startsWithIgnoreCase(uri, "mailto:")) return uri.size() > 7 && uri.find('@') != std::string_view::npos;
  if (startsWithIgnoreCase(uri, "https://")) return uri.size() > 8;
  return false;
}

}  // namespace

std::string_view policyStatusName(PolicyStatus status) {
  switch (status) {
    case PolicyStatus::ok: return "ok";
    case PolicyStatus::none: return "none";
    case PolicyStatus::multiple: return "multiple";
    case PolicyStatus::invalid: return "invalid";
    case PolicyStatus::unknown: return "unknown";
  }
  return "unknown";
}

Result<std::string> decodeTxt(std::span<const std::uint8_t> rdata) {
  std::string text;
  std::size_t at = 0;
  while (at < rdata.size()) {
    const std::size_t length = rdata[at];
    if (at + 1 + length > rdata.size()) {
      return Error{Errc::dns_resolver, "malformed DNS record: a TXT string runs past the end of the record"};
    }
    if (text.size() + length > limits::kMaxTxtLength) {
      return Error{Errc::dns_resolver,
                   "TXT record longer than " + std::to_string(limits::kMaxTxtLength) + " characters"};
    }
    const auto* bytes = reinterpret_cast<const char*>(rdata.data() + at + 1);
    text.append(bytes, length);
    at += 1 + length;
  }
  return text;
}

Result<TxtRecords> readTxtAnswer(const Result<dns::Answer>& answer, std::string_view name) {
  if (!answer) return answer.error();
  if (answer->dnssec == dns::DnssecState::bogus) {
    return Error{Errc::dns_servfail, "the TXT records at " + sanitizeForDisplay(name, 260) +
                                         " fail DNSSEC validation (" + answer->whyBogus + ")"};
  }
  TxtRecords records;
  records.dnssec = answer->dnssec;
  if (answer->outcome != dns::Outcome::data) return records;
  for (std::size_t i = 0; i < answer->rdata.size() && i < limits::kMaxTxtRecords; ++i) {
    auto text = decodeTxt(answer->rdata[i]);
    if (text) {
      records.texts.push_back(std::move(*text));
    } else {
      ++records.malformed;
    }
  }
  return records;
}

// ---- SPF ----

bool isSpfRecord(std::string_view text) {
  return startsWithIgnoreCase(text, "v=spf1") && (text.size() == 6 || text[6] == ' ');
}

Result<SpfRecord> parseSpf(std::string_view text) {
  if (!isSpfRecord(text)) return syntax("the record does not start with v=spf1");
  SpfRecord record;
  bool seenExp = false;
  text.remove_prefix(6);
  // Terms are separated by spaces (RFC 7208 §4.6.1); tabs and repeated spaces are tolerated.
  std::size_t at = 0;
  while (at < text.size()) {
    if (isWsp(text[at])) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && !isWsp(text[end])) ++end;
    const std::string_view term = text.substr(at, end - at);
    at = end;
    if (const auto nameLength = modifierNameLength(term)) {
      const std::string name = toLowerAscii(term.substr(0, *nameLength));
      const std::string_view value = term.substr(*nameLength + 1);
      if (name == "redirect") {
        if (record.redirect) return syntax("the record has more than one redirect= modifier");
        if (value.empty()) return syntax("the redirect= modifier names no domain");
        record.redirect = std::string(value);
      } else if (name == "exp") {
        if (seenExp) return syntax("the record has more than one exp= modifier");
        if (value.empty()) return syntax("the exp= modifier names no domain");
        seenExp = true;
      }
      continue;  // unknown modifiers are ignored (RFC 7208 §6)
    }
    std::string_view mechanism = term;
    char qualifier = '+';
    if (mechanism.front() == '+' || mechanism.front() == '-' || mechanism.front() == '~' || mechanism.front() == '?') {
      qualifier = mechanism.front();
      mechanism.remove_prefix(1);
    }
    const auto nameEnd = std::min(mechanism.find(':'), mechanism.find('/'));
    const std::string name = toLowerAscii(mechanism.substr(0, nameEnd));
    const std::string_view argument = nameEnd == std::string_view::npos ? "" : mechanism.substr(nameEnd);
    if (auto valid = checkMechanism(name, argument, term); !valid) return valid.error();
    if (name == "all" && !record.all) record.all = std::string(1, qualifier) + "all";
  }
  return record;
}

SpfReport readSpf(const Result<dns::Answer>& answer, std::string_view domain) {
  SpfReport report;
  const auto txt = readTxtAnswer(answer, domain);
  if (lookupFailed(answer, txt, report)) return report;
  std::vector<std::string> spf;
  for (const std::string& text : txt->texts) {
    if (isSpfRecord(text)) spf.push_back(text);
  }
  for (const std::string& text : spf) report.records.push_back(display(text));
  if (spf.empty()) {
    report.status = PolicyStatus::none;
    return report;
  }
  if (spf.size() > 1) {
    report.status = PolicyStatus::multiple;
    report.error =
        countText(spf.size(), "SPF record") + " at " + sanitizeForDisplay(domain, 260) + "; there must be exactly one";
    return report;
  }
  report.record = display(spf.front());
  auto parsed = parseSpf(spf.front());
  if (!parsed) {
    report.status = PolicyStatus::invalid;
    report.error = parsed.error().message;
    return report;
  }
  report.status = PolicyStatus::ok;
  report.all = parsed->all;
  if (parsed->redirect) report.redirect = sanitizeForDisplay(*parsed->redirect, 260);
  return report;
}

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
  if (fields.empty()) return syntax("the record is empty");
  auto version = readTag(fields.front());
  if (!version || version->name != "v" || version->value != "DMARC1") {
    return syntax("the record must start with v=DMARC1 followed by ';'");
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
        return syntax("p=" + sanitizeForDisplay(tag->value, 80) + " is not none, quarantine or reject");
      }
      record.policy = value;
      seenPolicy = true;
    } else if (tag->name == "sp") {
      if (!validPolicyValue(value)) {
        return syntax("sp=" + sanitizeForDisplay(tag->value, 80) + " is not none, quarantine or reject");
      }
      record.subdomainPolicy = value;
    } else if (tag->name == "pct") {
      record.pct = smallNumber(tag->value, 100);
      if (!record.pct) return syntax("pct=" + sanitizeForDisplay(tag->value, 80) + " is not a number from 0 to 100");
    } else if (tag->name == "rua") {
      record.rua = uriList(tag->value);
    }
  }
  if (!seenPolicy) return syntax("the record has no p= tag (the policy), which is required");
  return record;
}

DmarcReport readDmarc(const Result<dns::Answer>& answer, std::string_view domain) {
  DmarcReport report;
  const std::string name = "_dmarc." + std::string(domain);
  const auto txt = readTxtAnswer(answer, name);
  if (lookupFailed(answer, txt, report)) return report;
  std::vector<std::string> dmarc;
  for (const std::string& text : txt->texts) {
    if (isDmarcRecord(text)) dmarc.push_back(text);
  }
  if (dmarc.empty()) {
    report.status = PolicyStatus::none;
    return report;
  }
  if (dmarc.size() > 1) {
    report.status = PolicyStatus::multiple;
    report.error = countText(dmarc.size(), "DMARC record") + " at " + sanitizeForDisplay(name, 260) +
                   "; receivers use none of them";
    return report;
  }
  report.record = display(dmarc.front());
  auto parsed = parseDmarc(dmarc.front());
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
  if (!isTlsRptRecord(text)) return syntax("the record does not start with v=TLSRPTv1");
  const std::vector<std::string_view> fields = splitOn(text.substr(10), ';');
  if (!trimmed(fields.front()).empty()) return syntax("v=TLSRPTv1 must be followed by ';'");
  TlsRptRecord record;
  bool seenRua = false;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::string_view field = trimmed(fields[i]);
    if (field.empty()) {
      if (i + 1 == fields.size()) break;  // a final ';' is allowed
      return syntax("the record has an empty field (two ';' in a row)");
    }
    auto tag = readTag(field);
    if (!tag) return tag.error();
    if (tag->name == "rua" && field.substr(0, 3) != "rua") {
      return syntax("the tag " + inQuotes(field) + " must be written rua= (lower case)");
    }
    if (tag->name != "rua" || seenRua) continue;  // extensions are ignored
    seenRua = true;
    record.rua = uriList(tag->value);
    if (record.rua.empty()) return syntax("rua= lists no reporting address");
    for (const std::string& uri : record.rua) {
      if (!validTlsRptUri(uri)) {
        return syntax("the reporting address " + inQuotes(uri) + " is neither a mailto: address nor an https: URL");
      }
    }
  }
  if (!seenRua) return syntax("the record has no rua= tag (where to send reports), which is required");
  return record;
}

TlsRptReport readTlsRpt(const Result<dns::Answer>& answer, std::string_view domain) {
  TlsRptReport report;
  const std::string name = "_smtp._tls." + std::string(domain);
  const auto txt = readTxtAnswer(answer, name);
  if (lookupFailed(answer, txt, report)) return report;
  std::vector<std::string> records;
  for (const std::string& text : txt->texts) {
    if (isTlsRptRecord(text)) records.push_back(text);
  }
  if (records.empty()) {
    report.status = PolicyStatus::none;
    return report;
  }
  if (records.size() > 1) {
    report.status = PolicyStatus::multiple;
    report.error = countText(records.size(), "TLS-RPT record") + " at " + sanitizeForDisplay(name, 260) +
                   "; senders use none of them";
    return report;
  }
  report.record = display(records.front());
  auto parsed = parseTlsRpt(records.front());
  if (!parsed) {
    report.status = PolicyStatus::invalid;
    report.error = parsed.error().message;
    return report;
  }
  report.status = PolicyStatus::ok;
  report.rua = displayUris(parsed->rua);
  return report;
}

// ---- together ----

MailPolicyReport checkMailPolicies(dns::Resolver& resolver, const std::string& domain, Deadline deadline,
                                   const CancelToken& cancel) {
  const std::array<dns::Query, 3> queries = {dns::Query{domain, dns::RrType::TXT},
                                             dns::Query{"_dmarc." + domain, dns::RrType::TXT},
                                             dns::Query{"_smtp._tls." + domain, dns::RrType::TXT}};
  const auto answers = resolver.resolveAll(queries, deadline.capped(kMailPolicyTimeout), cancel);
  MailPolicyReport report;
  report.spf = readSpf(answers[0], domain);
  report.dmarc = readDmarc(answers[1], domain);
  report.tlsRpt = readTlsRpt(answers[2], domain);
  return report;
}

std::vector<Finding> spfFindings(const std::string& domain, const SpfReport& report) {
  std::vector<Finding> out;
  const std::string ref = "RFC 7208";
  const std::string host = sanitizeForDisplay(domain, 260);
  switch (report.status) {
    case PolicyStatus::unknown:
      if (report.bogus) {
        out.push_back(finding("dnssec.bogus", Severity::error,
                              "The TXT records of " + host + " fail DNSSEC validation (" + *report.bogus +
                                  "); receivers that validate DNSSEC cannot read its SPF record.",
                              host, "RFC 4035 §4.3"));
      }
      break;
    case PolicyStatus::none:
      out.push_back(finding("spf.none", Severity::warning,
                            host + " publishes no SPF record, so receivers cannot tell which servers may send its "
                                   "mail, and forged mail in its name is harder to reject.",
                            std::nullopt, ref));
      break;
    case PolicyStatus::multiple:
      out.push_back(finding("spf.multiple", Severity::error,
                            host + " publishes " + std::to_string(report.records.size()) +
                                " SPF records; there must be exactly one, so receivers treat every SPF check as a "
                                "permanent error (permerror) and SPF does not protect the domain.",
                            std::nullopt, ref + " §4.5"));
      break;
    case PolicyStatus::invalid:
      out.push_back(finding("spf.invalid", Severity::error,
                            "The SPF record of " + host + " is not valid: " + report.error.value_or("syntax error") +
                                ". Receivers treat it as a permanent error (permerror), as if there were none.",
                            std::nullopt, ref + " §4.6"));
      break;
    case PolicyStatus::ok:
      if (report.all == "+all") {
        out.push_back(finding("spf.pass_all", Severity::error,
                              "The SPF record of " + host +
                                  " ends in +all: it authorizes every server on the internet to send mail as " + host +
                                  ", which makes SPF useless.",
                              std::nullopt, ref + " §5.1"));
      } else if (report.all == "?all") {
        out.push_back(finding("spf.neutral_all", Severity::warning,
                              "The SPF record of " + host +
                                  " ends in ?all (neutral): it says nothing about servers it does not list, so it "
                                  "does not help receivers reject forged mail.",
                              std::nullopt, ref + " §8.2"));
      } else if (report.all == "~all") {
        out.push_back(finding("spf.softfail_all", Severity::info,
                              "The SPF record of " + host +
                                  " ends in ~all (softfail): mail from servers it does not list is marked suspicious "
                                  "but usually accepted; -all is stricter once every sending service is listed.",
                              std::nullopt, ref + " §8.5"));
      } else if (!report.all && !report.redirect) {
        out.push_back(finding("spf.no_all", Severity::warning,
                              "The SPF record of " + host +
                                  " has no 'all' mechanism and no redirect, so mail from servers it does not list "
                                  "gets a neutral result, as with ?all; end it with -all or ~all.",
                              std::nullopt, ref + " §4.7"));
      }
      break;
  }
  return out;
}

std::vector<Finding> dmarcFindings(const std::string& domain, const DmarcReport& report) {
  std::vector<Finding> out;
  const std::string ref = "RFC 7489";
  const std::string host = sanitizeForDisplay(domain, 260);
  const std::string name = "_dmarc." + host;
  switch (report.status) {
    case PolicyStatus::unknown:
      if (report.bogus) {
        out.push_back(finding("dnssec.bogus", Severity::error,
                              "The TXT records of " + name + " fail DNSSEC validation (" + *report.bogus +
                                  "); receivers that validate DNSSEC cannot read the DMARC record.",
                              name, "RFC 4035 §4.3"));
      }
      break;
    case PolicyStatus::none:
      out.push_back(finding("dmarc.none", Severity::warning,
                            host + " publishes no DMARC record (at " + name +
                                "): receivers get no policy for mail that fails SPF and DKIM, and the domain gets no "
                                "reports about forged mail.",
                            std::nullopt, ref + " §6.1"));
      break;
    case PolicyStatus::multiple:
      out.push_back(
          finding("dmarc.multiple", Severity::error,
                  host + " publishes more than one DMARC record at " + name + "; receivers then apply none of them.",
                  std::nullopt, ref + " §6.6.3"));
      break;
    case PolicyStatus::invalid:
      out.push_back(finding("dmarc.invalid", Severity::error,
                            "The DMARC record of " + host + " is not valid: " + report.error.value_or("syntax error") +
                                ". Receivers ignore it.",
                            std::nullopt, ref + " §6.3"));
      break;
    case PolicyStatus::ok:
      if (report.policy == "none") {
        out.push_back(finding("dmarc.policy_none", Severity::warning,
                              "The DMARC policy of " + host +
                                  " is p=none (monitoring only): receivers deliver mail that fails authentication as "
                                  "usual. Move to quarantine or reject once the reports show your own mail passes.",
                              std::nullopt, ref + " §6.3"));
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
        out.push_back(finding("dnssec.bogus", Severity::error,
                              "The TXT records of " + name + " fail DNSSEC validation (" + *report.bogus +
                                  "); senders that validate DNSSEC cannot read the TLS-RPT record.",
                              name, "RFC 4035 §4.3"));
      }
      break;
    case PolicyStatus::multiple:
      out.push_back(finding("tls_rpt.invalid", Severity::warning,
                            host + " publishes more than one TLS-RPT record at " + name +
                                "; senders use none of them and send no reports about TLS failures.",
                            std::nullopt, "RFC 8460 §3"));
      break;
    case PolicyStatus::invalid:
      out.push_back(finding("tls_rpt.invalid", Severity::warning,
                            "The TLS-RPT record of " + host + " (at " + name + ") is not valid: " +
                                report.error.value_or("syntax error") + ". Senders send no reports about TLS failures.",
                            std::nullopt, "RFC 8460 §3"));
      break;
    case PolicyStatus::none:  // optional: a missing record is no finding
    case PolicyStatus::ok: break;
  }
  return out;
}

std::vector<Finding> mailPolicyFindings(const std::string& domain, const MailPolicyReport& report) {
  std::vector<Finding> out = spfFindings(domain, report.spf);
  for (auto& f : dmarcFindings(domain, report.dmarc)) out.push_back(std::move(f));
  for (auto& f : tlsRptFindings(domain, report.tlsRpt)) out.push_back(std::move(f));
  return out;
}

Json toJson(const SpfReport& report) {
  return Json{{"status", policyStatusName(report.status)},
              {"record", orNull(report.record)},
              {"records", report.records},
              {"all", orNull(report.all)},
              {"redirect", orNull(report.redirect)},
              {"error", orNull(report.error)}};
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

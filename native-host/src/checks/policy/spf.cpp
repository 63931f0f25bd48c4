// SPF (RFC 7208): the record, its terms, the report and the findings.
#include <algorithm>

#include "checks/policy/mail_policy.h"
#include "checks/policy/record_syntax.h"
#include "checks/report/report_json.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/ip_address.h"

namespace mxh::checks {
namespace {

using namespace record_syntax;  // NOLINT(google-build-using-namespace): the grammar helpers

using Json = nlohmann::ordered_json;

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
    if (!argument.empty()) return syntaxError("the term " + quotedForDisplay(term) + " is not a valid 'all' mechanism");
  } else if (name == "include" || name == "exists") {
    if (!hasDomain)
      return syntaxError("the mechanism " + quotedForDisplay(term) + " needs a domain (" + std::string(name) +
                         ":domain)");
  } else if (name == "a" || name == "mx") {
    if (!argument.empty() && !hasDomain && argument.front() != '/') {
      return syntaxError("the mechanism " + quotedForDisplay(term) + " is not valid");
    }
  } else if (name == "ptr") {
    if (!argument.empty() && !hasDomain)
      return syntaxError("the mechanism " + quotedForDisplay(term) + " is not valid");
  } else if (name == "ip4" || name == "ip6") {
    const auto family = name == "ip4" ? dns::IpAddress::Family::v4 : dns::IpAddress::Family::v6;
    if (!hasDomain || !validNetwork(argument.substr(1), family)) {
      return syntaxError("the mechanism " + quotedForDisplay(term) + " does not hold a valid " +
                         (name == "ip4" ? "IPv4" : "IPv6") + " address or network");
    }
  } else {
    return syntaxError("the term " + quotedForDisplay(term) + " is not a known mechanism or modifier");
  }
  return Ok{};
}

}  // namespace

// ---- SPF ----

bool isSpfRecord(std::string_view text) {
  return startsWithIgnoreCaseAscii(text, "v=spf1") && (text.size() == 6 || text[6] == ' ');
}

Result<SpfRecord> parseSpf(std::string_view text) {
  if (!isSpfRecord(text)) return syntaxError("the record does not start with v=spf1");
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
        if (record.redirect) return syntaxError("the record has more than one redirect= modifier");
        if (value.empty()) return syntaxError("the redirect= modifier names no domain");
        record.redirect = std::string(value);
      } else if (name == "exp") {
        if (seenExp) return syntaxError("the record has more than one exp= modifier");
        if (value.empty()) return syntaxError("the exp= modifier names no domain");
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
  const auto txt = readTxtAnswer(answer, domain, isSpfRecord);
  if (lookupFailed(answer, txt, report)) return report;
  for (const dns::TxtText& record : txt->records) report.records.push_back(displayRecord(record.text));
  const auto spf = theOneRecord(*txt, "SPF", domain, "there must be exactly one", report);
  if (!spf) return report;
  auto parsed = parseSpf(*spf);
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

std::vector<Finding> spfFindings(const std::string& domain, const SpfReport& report) {
  std::vector<Finding> out;
  const std::string ref = "RFC 7208";
  const std::string host = sanitizeForDisplay(domain, 260);
  switch (report.status) {
    case PolicyStatus::unknown:
      if (report.bogus) {
        out.push_back(makeFinding("dnssec.bogus", Severity::error,
                                  "The TXT records of " + host + " fail DNSSEC validation (" + *report.bogus +
                                      "); receivers that validate DNSSEC cannot read its SPF record.",
                                  {host}, "RFC 4035 §4.3"));
      }
      break;
    case PolicyStatus::none:
      out.push_back(makeFinding("spf.none", Severity::warning,
                                host + " publishes no SPF record, so receivers cannot tell which servers may send its "
                                       "mail, and forged mail in its name is harder to reject.",
                                {}, ref));
      break;
    case PolicyStatus::multiple:
      out.push_back(makeFinding("spf.multiple", Severity::error,
                                host + " publishes " + std::to_string(report.records.size()) +
                                    " SPF records; there must be exactly one, so receivers treat every SPF check as a "
                                    "permanent error (permerror) and SPF does not protect the domain.",
                                {}, ref + " §4.5"));
      break;
    case PolicyStatus::invalid:
      out.push_back(makeFinding("spf.invalid", Severity::error,
                                "The SPF record of " + host +
                                    " is not valid: " + report.error.value_or("syntax error") +
                                    ". Receivers treat it as a permanent error (permerror), as if there were none.",
                                {}, ref + " §4.6"));
      break;
    case PolicyStatus::ok:
      if (report.all == "+all") {
        out.push_back(makeFinding("spf.pass_all", Severity::error,
                                  "The SPF record of " + host +
                                      " ends in +all: it authorizes every server on the internet to send mail as " +
                                      host + ", which makes SPF useless.",
                                  {}, ref + " §5.1"));
      } else if (report.all == "?all") {
        out.push_back(makeFinding("spf.neutral_all", Severity::warning,
                                  "The SPF record of " + host +
                                      " ends in ?all (neutral): it says nothing about servers it does not list, so it "
                                      "does not help receivers reject forged mail.",
                                  {}, ref + " §8.2"));
      } else if (report.all == "~all") {
        out.push_back(
            makeFinding("spf.softfail_all", Severity::info,
                        "The SPF record of " + host +
                            " ends in ~all (softfail): mail from servers it does not list is marked suspicious "
                            "but usually accepted; -all is stricter once every sending service is listed.",
                        {}, ref + " §8.5"));
      } else if (!report.all && !report.redirect) {
        out.push_back(makeFinding("spf.no_all", Severity::warning,
                                  "The SPF record of " + host +
                                      " has no 'all' mechanism and no redirect, so mail from servers it does not list "
                                      "gets a neutral result, as with ?all; end it with -all or ~all.",
                                  {}, ref + " §4.7"));
      }
      break;
  }
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

}  // namespace mxh::checks

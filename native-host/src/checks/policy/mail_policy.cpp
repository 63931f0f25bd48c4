#include "checks/policy/mail_policy.h"

#include <array>

#include "checks/policy/record_syntax.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"

namespace mxh::checks {

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

Result<TxtRecords> readTxtAnswer(const Result<dns::Answer>& answer, std::string_view name, TxtKind isKind) {
  if (!answer) return answer.error();
  if (answer->dnssec == dns::DnssecState::bogus) {
    return Error{Errc::dns_servfail, "the TXT records at " + record_syntax::displayName(name) +
                                         " fail DNSSEC validation (" + answer->whyBogus + ")"};
  }
  TxtRecords records;
  records.dnssec = answer->dnssec;
  if (answer->outcome != dns::Outcome::data) return records;
  for (const auto& rdata : answer->rdata) {
    auto text = dns::decodeTxt(rdata, limits::kMaxTxtLength);
    if (!text) {
      ++records.malformed;
    } else if (isKind(text->text)) {  // a record over the cap keeps its start, which names its kind
      ++records.count;
      if (records.records.size() < limits::kMaxTxtRecords) records.records.push_back(std::move(*text));
    }
  }
  return records;
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

std::vector<Finding> mailPolicyFindings(const std::string& domain, const MailPolicyReport& report) {
  std::vector<Finding> out = spfFindings(domain, report.spf);
  for (auto& f : dmarcFindings(domain, report.dmarc)) out.push_back(std::move(f));
  for (auto& f : tlsRptFindings(domain, report.tlsRpt)) out.push_back(std::move(f));
  return out;
}

}  // namespace mxh::checks

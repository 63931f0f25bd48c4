// MTA-STS: the findings and the report's JSON.
#include "checks/policy/mta_sts.h"
#include "checks/policy/record_syntax.h"
#include "checks/report/report_json.h"
#include "core/limits.h"
#include "core/text.h"

namespace mxh::checks {
namespace {

// What a published but unusable policy costs (RFC 8461 §5): the protection, not the mail.
constexpr const char* kNoPolicyConsequence =
    " Senders without a cached policy deliver as if there were none: the domain loses MTA-STS protection, not mail.";

using Json = nlohmann::ordered_json;

using record_syntax::displayName;

}  // namespace

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

std::vector<Finding> mtaStsFindings(const std::string& domain, const MtaStsReport& report) {
  std::vector<Finding> out;
  const std::string host = displayName(domain);
  const std::string policyHost = "mta-sts." + host;
  const std::string txtName = "_mta-sts." + host;
  const std::string url =
      report.policy ? report.policy->url : "https://" + policyHost + std::string(kMtaStsWellKnownPath);
  const std::string why = report.error ? ": " + *report.error : "";
  if (report.bogus) {
    out.push_back(makeFinding("dnssec.bogus", Severity::error,
                              "The TXT records of " + txtName + " fail DNSSEC validation (" + *report.bogus +
                                  "); senders that validate DNSSEC cannot see the MTA-STS record.",
                              {txtName}, "RFC 4035 §4.3"));
  }
  switch (report.status) {
    case MtaStsStatus::ok:
    case MtaStsStatus::none:
    case MtaStsStatus::unknown: break;
    case MtaStsStatus::txt_only:
      out.push_back(makeFinding("mta_sts.txt_without_policy", Severity::warning,
                                host + " publishes an MTA-STS record (" + txtName + "), but there is no policy at " +
                                    url + why + ": publish the policy or remove the record." + kNoPolicyConsequence,
                                {}, "RFC 8461 §3.3"));
      break;
    case MtaStsStatus::policy_only:
      out.push_back(makeFinding("mta_sts.policy_without_txt", Severity::warning,
                                "An MTA-STS policy is published at " + url + ", but there is no " + txtName +
                                    " TXT record (\"v=STSv1; id=...\"), so senders never fetch the policy.",
                                {}, "RFC 8461 §3.1"));
      break;
    case MtaStsStatus::unreachable:
      out.push_back(makeFinding(
          "mta_sts.unreachable", Severity::warning,
          "The MTA-STS policy of " + host + " cannot be fetched from " + url + why + "." + kNoPolicyConsequence,
          {policyHost}, "RFC 8461 §3.3"));
      break;
    case MtaStsStatus::bad_certificate:
      out.push_back(makeFinding("mta_sts.bad_certificate", Severity::warning,
                                "The MTA-STS policy host " + policyHost + " cannot be trusted" + why +
                                    ", so senders refuse its policy." + kNoPolicyConsequence,
                                {policyHost}, "RFC 8461 §3.3"));
      break;
    case MtaStsStatus::invalid:
      out.push_back(makeFinding(
          "mta_sts.invalid", Severity::warning,
          "The MTA-STS policy of " + host + " cannot be used" + why + ", so senders ignore it." + kNoPolicyConsequence,
          {}, "RFC 8461 §3"));
      break;
    case MtaStsStatus::mx_not_covered: break;  // per MX host below
  }
  const bool judged = report.status == MtaStsStatus::ok || report.status == MtaStsStatus::mx_not_covered;
  if (!judged || !report.policy || !report.policy->mode) return out;
  const StsMode mode = *report.policy->mode;
  if (mode == StsMode::none) {
    out.push_back(
        makeFinding("mta_sts.none_mode", Severity::info,
                    "The MTA-STS policy of " + host + " has mode none: MTA-STS is switched off for the domain.", {},
                    "RFC 8461 §5"));
    return out;
  }
  const bool enforce = mode == StsMode::enforce;
  const Severity severity = enforce ? Severity::error : Severity::warning;
  const std::string consequence = enforce ? "senders that enforce the policy will not deliver mail to it."
                                          : "in testing mode senders only report this, but delivery to it will fail "
                                            "once the policy is enforced.";
  for (const MxCoverage& coverage : report.mxCoverage) {
    if (!coverage.covered) {
      out.push_back(makeFinding("mta_sts.mx_not_covered", severity,
                                "The MX host " + coverage.host + " matches no mx pattern of the MTA-STS policy of " +
                                    host + "; " + consequence,
                                {coverage.host}, "RFC 8461 §4.1"));
    }
    if (coverage.certificateOk == false) {
      out.push_back(
          makeFinding("mta_sts.cert_invalid", severity,
                      "The certificate of MX host " + coverage.host +
                          " on port 25 does not verify or is not valid for its name; under the MTA-STS policy "
                          "of " +
                          host + " " + consequence,
                      {coverage.host}, "RFC 8461 §4.2"));
    }
  }
  if (!enforce) {
    out.push_back(
        makeFinding("mta_sts.testing", Severity::info,
                    "The MTA-STS policy of " + host +
                        " is in testing mode: senders report failures but still deliver without the protection; "
                        "switch to enforce when the reports are clean.",
                    {}, "RFC 8461 §5"));
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

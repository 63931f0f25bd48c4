#include "checks/report_json.h"

namespace mxh::checks {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json orNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json findingToJson(const Finding& f) {
  return Json{{"code", f.code},       {"severity", severityName(f.severity)},
              {"message", f.message}, {"host", orNull(f.host)},
              {"ip", orNull(f.ip)},   {"reference", orNull(f.reference)}};
}

Json recordToJson(const MxRecordReport& r) {
  Json addresses = Json::array();
  for (const AddressReport& a : r.addresses) {
    addresses.push_back(Json{{"ip", a.ip}, {"version", a.version}, {"public", a.isPublic}, {"range", orNull(a.range)}});
  }
  return Json{{"priority", r.priority},   {"host", r.host},           {"ips", r.ips},
              {"reachable", r.reachable}, {"error", orNull(r.error)}, {"smtp_probe", nullptr},
              {"implicit", r.implicit},   {"cname", orNull(r.cname)}, {"addresses", std::move(addresses)}};
}

}  // namespace

Json reportToJson(const Report& report) {
  Json records = Json::array();
  for (const MxRecordReport& r : report.mxRecords) records.push_back(recordToJson(r));
  Json findings = Json::array();
  for (const Finding& f : report.findings) findings.push_back(findingToJson(f));
  Json dnssec = Json::array();
  for (const DnssecEntry& d : report.dnssec) {
    dnssec.push_back(Json{{"name", d.name}, {"type", d.type}, {"status", d.status}, {"why", orNull(d.why)}});
  }
  Json error = nullptr;
  if (report.error) error = Json{{"code", errcName(report.error->code)}, {"message", report.error->message}};
  const ResolverReport& resolver = report.resolver;

  return Json{
      {"version", report.version},
      {"input", report.input},
      {"domain", report.domain},
      {"domain_unicode", report.domainUnicode},
      {"checked_at", report.checkedAt},
      {"duration_ms", report.durationMs},
      {"verdict", verdictName(report.verdict)},
      {"error", std::move(error)},
      {"mx_records", std::move(records)},
      {"count", report.count},
      {"has_valid_mx", report.hasValidMx},
      {"all_reachable", report.allReachable},
      {"smtp_probe_enabled", report.smtpProbeEnabled},
      {"any_smtp_ok", report.anySmtpOk},
      {"all_tls_ok", orNull(report.allTlsOk)},
      {"issues", report.issues},
      {"findings", std::move(findings)},
      {"null_mx", report.nullMx},
      {"implicit_mx", report.implicitMx},
      {"dnssec", std::move(dnssec)},
      {"resolver", Json{{"mode", resolver.mode},
                        {"servers", resolver.servers},
                        {"dnssec_validation", resolver.dnssecValidation},
                        {"trust_anchor", orNull(resolver.trustAnchor)},
                        {"note", orNull(resolver.note)}}},
  };
}

std::string reportToJsonText(const Report& report, int indent) {
  return reportToJson(report).dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mxh::checks

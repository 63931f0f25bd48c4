#include "checks/report/report_json.h"

#include "checks/engine/side_checks.h"

namespace mxh::checks {
namespace {

using Json = nlohmann::ordered_json;

Json findingToJson(const Finding& f) {
  return Json{{"code", f.code},
              {"severity", severityName(f.severity)},
              {"message", f.message},
              {"host", orNull(f.host)},
              {"ip", orNull(f.ip)},
              {"reference", orNull(f.reference)},
              {"dimension", dimensionName(f.dimension)}};
}

Json sendersToJson(const std::optional<Senders>& senders) {
  if (!senders) return nullptr;
  Json out = Json::object();
  for (const SenderKind kind : kSenderKinds) {
    const SenderOutcome& s = senders->of(kind);
    out[std::string(senderKindName(kind))] =
        Json{{"outcome", deliveryOutcomeName(s.outcome)}, {"via", orNull(s.via)}, {"reason", s.reason}};
  }
  return out;
}

Json assessmentToJson(const std::optional<Assessment>& assessment) {
  if (!assessment) return nullptr;
  Json dimensions = Json::object();
  for (std::size_t i = 0; i < kAssessedDimensions; ++i) {
    const DimensionAssessment& d = assessment->dimensions.at(i);
    dimensions[std::string(dimensionName(static_cast<Dimension>(i)))] =
        Json{{"status", dimensionStatusName(d.status)}, {"summary", d.summary}};
  }
  const Headline& h = assessment->headline;
  return Json{{"headline", Json{{"kind", h.kind}, {"dimension", dimensionName(h.dimension)}, {"text", h.text}}},
              {"dimensions", std::move(dimensions)}};
}

// `offeredStarttls`: servers stop advertising STARTTLS inside TLS; what they offered before counts.
Json capabilitiesToJson(const smtp::Capabilities& caps, bool offeredStarttls) {
  return Json{{"size", caps.size ? Json(*caps.size) : Json(nullptr)},
              {"auth", caps.auth},
              {"starttls", caps.starttls || offeredStarttls},
              {"pipelining", caps.pipelining},
              {"eightbitmime", caps.eightBitMime},
              {"smtputf8", caps.smtpUtf8},
              {"chunking", caps.chunking},
              {"dsn", caps.dsn},
              {"enhancedstatuscodes", caps.enhancedStatusCodes},
              {"requiretls", caps.requireTls}};
}

Json tlsToJson(const tls::TlsInfo& info) {
  Json certificate = nullptr;
  if (info.certificate) {
    const tls::CertificateInfo& c = *info.certificate;
    certificate =
        Json{{"subject", c.subject},      {"sans", c.sans},          {"issuer", c.issuer},
             {"not_before", c.notBefore}, {"not_after", c.notAfter}, {"days_left", c.daysLeft},
             {"key_type", c.keyType},     {"key_bits", c.keyBits},   {"signature_algorithm", c.signatureAlgorithm}};
  }
  return Json{{"version", info.version},
              {"cipher", info.cipher},
              {"key_exchange", orNull(info.keyExchange)},
              {"certificate", std::move(certificate)},
              {"chain_verified", info.chainVerified},
              {"verify_error", orNull(info.verifyError)},
              {"hostname_match", info.hostnameMatch}};
}

Json unsafeReplyToJson(const smtp::UnsafeReply& unsafe) {
  return Json{{"reply", unsafe.reply}, {"kinds", unsafe.bytes.kinds()}, {"text", unsafe.text}};
}

}  // namespace

Json probeToJson(const smtp::ProbeResult& p) {
  // The extensions of the last EHLO that succeeded: inside TLS when there was one.
  const smtp::Capabilities& last = p.capabilitiesAfterTls ? *p.capabilitiesAfterTls : p.capabilities;
  return Json{
      {"ip", p.ip},
      {"port", p.port},
      {"probe_kind", smtp::probeKindName(p.kind)},
      {"status", smtp::probeStatusName(p.status)},
      {"tcp_connected", p.tcpConnected},
      {"greeting", orNull(p.greeting)},
      {"supports_starttls", p.supportsStarttls},
      {"tls_negotiated", p.tlsNegotiated},
      {"capabilities", p.capabilities.keywords},
      {"capabilities_after_tls", p.capabilitiesAfterTls ? Json(p.capabilitiesAfterTls->keywords) : Json::array()},
      {"extensions", capabilitiesToJson(last, p.supportsStarttls)},
      {"helo_fallback", p.heloFallback},
      {"plaintext_after_starttls", p.plaintextAfterStarttls},
      {"unsafe_reply", p.unsafeReply ? unsafeReplyToJson(*p.unsafeReply) : Json(nullptr)},
      {"error", orNull(p.error)},
      {"reply_code", orNull(p.replyCode)},
      {"duration_ms", p.durationMs},
      {"timings", Json{{"connect_ms", orNull(p.timings.connectMs)},
                       {"greeting_ms", orNull(p.timings.greetingMs)},
                       {"ehlo_ms", orNull(p.timings.ehloMs)},
                       {"tls_ms", orNull(p.timings.tlsMs)}}},
      {"tls", p.tls ? tlsToJson(*p.tls) : Json(nullptr)},
      {"dane", daneOutcomeToJson(p.dane)}};
}

Json mxRecordToJson(const MxRecordReport& r, const SideReport* side) {
  Json probes = Json::array();
  for (const smtp::ProbeResult& p : r.smtpProbes) probes.push_back(probeToJson(p));
  Json addresses = Json::array();
  for (const AddressReport& a : r.addresses) {
    Json ptr = nullptr;
    Json blocklists = Json::array();
    if (side) {
      if (const auto found = side->ptr.find(a.ip); found != side->ptr.end()) ptr = toJson(found->second);
      if (const auto found = side->blocklists.byIp.find(a.ip); found != side->blocklists.byIp.end()) {
        blocklists = toJson(found->second);
      }
    }
    addresses.push_back(Json{{"ip", a.ip},
                             {"version", a.version},
                             {"public", a.isPublic},
                             {"range", orNull(a.range)},
                             {"ptr", std::move(ptr)},
                             {"blocklists", std::move(blocklists)}});
  }
  Json dane = nullptr;
  Json domainBlocklists = Json::array();
  if (side) {
    if (const auto found = side->dane.find(r.host); found != side->dane.end()) dane = toJson(found->second);
    if (const auto found = side->blocklists.byHost.find(r.host); found != side->blocklists.byHost.end()) {
      domainBlocklists = toJson(found->second);
    }
  }
  return Json{{"priority", r.priority},
              {"host", r.host},
              {"ips", r.ips},
              {"reachable", r.reachable},
              {"error", orNull(r.error)},
              {"smtp_probe", r.smtpProbe ? probeToJson(*r.smtpProbe) : Json(nullptr)},
              {"implicit", r.implicit},
              {"cname", orNull(r.cname)},
              {"addresses", std::move(addresses)},
              {"smtp_probes", std::move(probes)},
              {"dane", std::move(dane)},
              {"domain_blocklists", std::move(domainBlocklists)}};
}

namespace {

Json changesToJson(const std::optional<ChangesSinceLast>& changes) {
  if (!changes) return nullptr;
  Json list = Json::array();
  for (const Change& change : changes->changes) {
    list.push_back(Json{{"kind", change.kind},
                        {"message", change.message},
                        {"host", orNull(change.host)},
                        {"port", orNull(change.port)}});
  }
  return Json{{"previous_checked_at", changes->previousCheckedAt}, {"changes", std::move(list)}};
}

}  // namespace

Json reportToJson(const Report& report) {
  Json records = Json::array();
  for (const MxRecordReport& r : report.mxRecords) records.push_back(mxRecordToJson(r, report.side.get()));
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
      {"assessment", assessmentToJson(report.assessment)},
      {"senders", sendersToJson(report.senders)},
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
      {"changes_since_last", changesToJson(report.changesSinceLast)},
      {"resolver", Json{{"mode", resolver.mode},
                        {"servers", resolver.servers},
                        {"dnssec_validation", resolver.dnssecValidation},
                        {"trust_anchor", orNull(resolver.trustAnchor)},
                        {"note", orNull(resolver.note)}}},
      {"spf", report.side ? toJson(report.side->mail.spf) : Json(nullptr)},
      {"dmarc", report.side ? toJson(report.side->mail.dmarc) : Json(nullptr)},
      {"tls_rpt", report.side ? toJson(report.side->mail.tlsRpt) : Json(nullptr)},
      {"mta_sts", report.side && report.side->mtaSts ? toJson(*report.side->mtaSts) : Json(nullptr)},
  };
}

Json dnsStageToJson(const DnsStage& stage) {
  Json records = Json::array();
  for (const MxRecordReport& record : stage.mxRecords) records.push_back(mxRecordToJson(record, nullptr));
  return Json{{"domain", stage.domain},           {"null_mx", stage.nullMx}, {"implicit_mx", stage.implicitMx},
              {"mx_records", std::move(records)}, {"ports", stage.ports},    {"smtp_probe", stage.smtpProbe}};
}

Json sideStageToJson(const SideStage& stage) {
  const SideFacts& side = stage.side;
  Json ptr = Json::object();
  for (const auto& [ip, found] : side.ptr) ptr[ip] = toJson(found);
  Json blocklists = Json::object();
  for (const auto& [ip, results] : side.blocklists.byIp) {
    if (!results.empty()) blocklists[ip] = toJson(results);
  }
  Json domainBlocklists = Json::object();
  for (const auto& [host, results] : side.blocklists.byHost) {
    if (!results.empty()) domainBlocklists[host] = toJson(results);
  }
  return Json{{"ptr", std::move(ptr)},
              {"blocklists", std::move(blocklists)},
              {"domain_blocklists", std::move(domainBlocklists)},
              {"policies", Json{{"spf", toJson(side.mail.spf)},
                                {"dmarc", toJson(side.mail.dmarc)},
                                {"tls_rpt", toJson(side.mail.tlsRpt)}}}};
}

std::string reportToJsonText(const Report& report, int indent) {
  return reportToJson(report).dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mxh::checks

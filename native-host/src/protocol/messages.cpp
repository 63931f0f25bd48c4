#include "protocol/messages.h"

#include "checks/dnsbl.h"
#include "checks/mx_check.h"
#include "checks/report_json.h"
#include "core/limits.h"
#include "core/text.h"
#include "smtp/probe.h"

namespace mxh::protocol {
namespace {

Error invalid(const std::string& message) {
  return Error{Errc::request_invalid, message};
}
Error usage(const std::string& message) {
  return Error{Errc::usage, message};
}

// A request option that makes no sense, naming it so the extension can point at the setting.
Error optionError(const char* name, const std::string& what) {
  return Error{Errc::usage, std::string("option '") + name + "' " + what, name};
}

Result<bool> boolOption(const Json& options, const char* name, bool fallback) {
  if (!options.contains(name)) return fallback;
  if (!options[name].is_boolean()) return optionError(name, "must be true or false");
  return options[name].get<bool>();
}

Result<std::chrono::milliseconds> secondsOption(const Json& options, const char* name,
                                                std::chrono::milliseconds fallback, std::chrono::milliseconds min,
                                                std::chrono::milliseconds max) {
  if (!options.contains(name)) return fallback;
  const Json& value = options[name];
  const auto lo = std::chrono::duration_cast<std::chrono::seconds>(min).count();
  const auto hi = std::chrono::duration_cast<std::chrono::seconds>(max).count();
  if (!value.is_number_integer() || value.get<long long>() < lo || value.get<long long>() > hi) {
    return optionError(name, "takes whole seconds from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return std::chrono::milliseconds(std::chrono::seconds(value.get<long long>()));
}

Result<std::optional<std::string>> stringOption(const Json& options, const char* name) {
  if (!options.contains(name)) return std::optional<std::string>{};
  if (!options[name].is_string() || options[name].get<std::string>().empty() ||
      options[name].get<std::string>().size() > limits::kMaxInputLength) {
    return optionError(name, "must be a non-empty string");
  }
  return std::optional<std::string>(options[name].get<std::string>());
}

Json base(const Json& id, std::string_view type) {
  return Json{{"id", id}, {"type", type}};
}

}  // namespace

std::variant<Request, RejectedRequest> parseRequest(std::string_view frame) {
  Json message;
  bool tooDeep = false;
  try {
    // Deep nesting is refused while parsing, before a structure exists whose copying or printing
    // would recurse once per level: a small frame must not be able to exhaust the stack.
    message = Json::parse(frame, [&](int depth, Json::parse_event_t, Json&) {
      if (depth > kMaxJsonDepth) tooDeep = true;
      return depth <= kMaxJsonDepth;
    });  // also rejects invalid UTF-8
  } catch (const Json::exception& e) {
    return RejectedRequest{nullptr, Error{Errc::frame_invalid_json,
                                          "the message is not valid UTF-8 JSON: " + sanitizeForDisplay(e.what(), 200)}};
  }
  if (tooDeep) {
    return RejectedRequest{nullptr,
                           Error{Errc::frame_invalid_json,
                                 "the message is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep"}};
  }
  if (!message.is_object()) {
    return RejectedRequest{nullptr, Error{Errc::frame_invalid_json, "the message is not a JSON object"}};
  }
  Json id = nullptr;
  if (message.contains("id")) {
    const Json& given = message["id"];
    const bool goodString =
        given.is_string() && !given.get<std::string>().empty() && given.get<std::string>().size() <= kMaxIdLength;
    if (goodString || given.is_number_integer()) id = given;
  }
  if (id.is_null()) {
    return RejectedRequest{nullptr, invalid("every request needs an \"id\": a string of 1 to " +
                                            std::to_string(kMaxIdLength) + " characters or an integer")};
  }
  if (!message.contains("type") || !message["type"].is_string()) {
    return RejectedRequest{id, invalid("the request has no \"type\" string")};
  }
  Json params = Json::object();
  if (message.contains("params")) {
    if (!message["params"].is_object()) return RejectedRequest{id, invalid("\"params\" must be an object")};
    params = message["params"];
  }
  return Request{id, message["type"].get<std::string>(), params};
}

Result<std::string> stringParam(const Json& params, const char* name) {
  if (!params.contains(name) || !params[name].is_string()) {
    return invalid(std::string("the request needs a string parameter \"") + name + "\"");
  }
  return params[name].get<std::string>();
}

Result<checks::CheckOptions> parseCheckOptions(const Json& options) {
  checks::CheckOptions result;
  if (options.is_null()) return result;
  if (!options.is_object()) return usage("\"options\" must be an object");

  // "fresh" and "history" steer the host's cache and history, not the check; checked all the same.
  for (const char* name : {"fresh", "history"}) {
    if (auto valid = boolOption(options, name, false); !valid) return valid.error();
  }
  auto noSmtp = boolOption(options, "no_smtp", false);
  if (!noSmtp) return noSmtp.error();
  result.smtpProbe = !*noSmtp;
  auto allowPrivate = boolOption(options, "allow_private", false);
  if (!allowPrivate) return allowPrivate.error();
  result.allowPrivate = *allowPrivate;

  if (options.contains("ports")) {
    const Json& ports = options["ports"];
    if (!ports.is_array() || ports.empty() || ports.size() > 8)
      return usage("option 'ports' takes 1 to 8 port numbers");
    result.ports.clear();
    for (const Json& port : ports) {
      if (!port.is_number_integer() || port.get<long long>() < 1 || port.get<long long>() > 65535) {
        return usage("option 'ports' takes port numbers from 1 to 65535");
      }
      const auto value = static_cast<std::uint16_t>(port.get<long long>());
      if (std::find(result.ports.begin(), result.ports.end(), value) == result.ports.end()) {
        result.ports.push_back(value);
      }
    }
  }
  if (options.contains("resolver")) {
    const Json& resolvers = options["resolver"];
    const Json list = resolvers.is_string() ? Json::array({resolvers}) : resolvers;
    if (!list.is_array() || list.size() > 8) return usage("option 'resolver' takes up to 8 addresses");
    for (const Json& resolver : list) {
      if (!resolver.is_string()) return usage("option 'resolver' takes address strings");
      result.resolvers.push_back(resolver.get<std::string>());
    }
  }
  for (const auto& [name, target] :
       {std::pair{"trust_anchor", &result.trustAnchor}, std::pair{"ca_file", &result.caFile}}) {
    auto value = stringOption(options, name);
    if (!value) return value.error();
    *target = *value;
  }
  auto ehlo = stringOption(options, "ehlo");
  if (!ehlo) return ehlo.error();
  if (*ehlo) {
    if (!smtp::isValidEhloName(**ehlo)) return usage("option 'ehlo' must be a host name or an address literal");
    result.ehloName = **ehlo;
  }

  // Blocklists: zone names that become DNS query names, so each is checked like the CLI's.
  if (options.contains("blocklists")) {
    const Json& zones = options["blocklists"];
    if (!zones.is_array() || zones.size() > 32) return usage("option 'blocklists' takes up to 32 zone names");
    for (const Json& zone : zones) {
      if (!zone.is_string() || !checks::isBlocklistZoneName(zone.get<std::string>())) {
        return usage("option 'blocklists' takes zone names like \"zen.spamhaus.org\"");
      }
      checks::addBlocklistZone(result.blocklists, zone.get<std::string>());
    }
    result.blocklistsSet = true;
  }
  auto dqsKey = stringOption(options, "dqs_key");
  if (!dqsKey) return dqsKey.error();
  if (*dqsKey) {
    if (!checks::isValidDqsKey(**dqsKey)) return usage("option 'dqs_key' takes letters and digits only");
    result.dqsKey = **dqsKey;
  }

  auto timeout = secondsOption(options, "timeout", result.timeout, limits::kMinCheckTimeout, limits::kMaxCheckTimeout);
  if (!timeout) return timeout.error();
  result.timeout = *timeout;
  smtp::ProbeTimeouts& phases = result.probeTimeouts;
  for (const auto& [name, target] :
       {std::pair{"connect_timeout", &phases.connect}, std::pair{"greeting_timeout", &phases.greeting},
        std::pair{"reply_timeout", &phases.reply}, std::pair{"tls_timeout", &phases.tls}}) {
    auto value = secondsOption(options, name, *target, std::chrono::seconds(1), limits::kMaxPhaseTimeout);
    if (!value) return value.error();
    *target = *value;
  }
  return result;
}

Json helloMessage(const Json& id) {
  Json message = base(id, "hello");
  message["ok"] = true;
  message["host_version"] = std::string(checks::mxhealthVersion());
  message["protocol_version"] = kProtocolVersion;
  message["capabilities"] = Json{
      {"messages", {"hello", "check", "cancel", "registrable_domain", "history", "clear_history", "validate_options"}},
      {"checks", {"mx", "dnssec", "smtp", "tls", "ptr", "dnsbl", "dane", "mta_sts", "tls_rpt", "spf", "dmarc"}},
      {"default_ports", {25, 587, 465}}};
  return message;
}

Json errorMessage(const Json& id, const Error& error) {
  Json message = base(id, "error");
  message["ok"] = false;
  message["error"] = Json{{"code", errcName(error.code)}, {"message", error.message}};
  if (!error.option.empty()) message["error"]["option"] = error.option;
  return message;
}

Json validateOptionsReply(const Json& id, const std::vector<checks::OptionProblem>& problems) {
  Json message = base(id, "validate_options");
  message["ok"] = true;
  message["valid"] = problems.empty();
  Json list = Json::array();
  for (const auto& problem : problems) list.push_back(Json{{"option", problem.option}, {"message", problem.message}});
  message["problems"] = std::move(list);
  return message;
}

Json cancelledMessage(const Json& id) {
  Json message = base(id, "cancelled");
  message["ok"] = false;
  message["error"] = Json{{"code", errcName(Errc::cancelled)}, {"message", "the check was cancelled"}};
  return message;
}

Json cancelReply(const Json& id, bool found) {
  Json message = base(id, "cancel");
  message["ok"] = true;
  message["found"] = found;
  return message;
}

Json historyReply(const Json& id, const std::string& domain, Json entries) {
  Json message = base(id, "history");
  message["ok"] = true;
  message["domain"] = domain;
  message["entries"] = std::move(entries);
  return message;
}

Json clearHistoryReply(const Json& id, std::size_t removed) {
  Json message = base(id, "clear_history");
  message["ok"] = true;
  message["removed"] = removed;
  return message;
}

Json registrableDomainReply(const Json& id, const std::string& host, const std::string& domain) {
  Json message = base(id, "registrable_domain");
  message["ok"] = true;
  message["host"] = host;
  message["domain"] = domain;
  return message;
}

Json dnsProgress(const Json& id, const checks::Report& dnsStage) {
  Json message = base(id, "progress");
  message["stage"] = "dns";
  message["domain"] = dnsStage.domain;
  message["null_mx"] = dnsStage.nullMx;
  message["implicit_mx"] = dnsStage.implicitMx;
  Json records = Json::array();
  for (const checks::MxRecordReport& record : dnsStage.mxRecords) {
    records.push_back(Json{{"priority", record.priority},
                           {"host", record.host},
                           {"ips", record.ips},
                           {"reachable", record.reachable},
                           {"error", record.error ? Json(*record.error) : Json(nullptr)}});
  }
  message["mx_records"] = std::move(records);
  return message;
}

Json sideProgress(const Json& id, const checks::Report& sideStage) {
  // The same objects as the report's, so that a page can draw them before the result comes.
  const Json report = checks::reportToJson(sideStage);
  Json ptr = Json::object();
  Json blocklists = Json::object();
  Json domainBlocklists = Json::object();
  for (const Json& record : report["mx_records"]) {
    for (const Json& address : record["addresses"]) {
      const std::string ip = address["ip"].get<std::string>();
      if (!address["ptr"].is_null()) ptr[ip] = address["ptr"];
      if (!address["blocklists"].empty()) blocklists[ip] = address["blocklists"];
    }
    if (!record["domain_blocklists"].empty()) {
      domainBlocklists[record["host"].get<std::string>()] = record["domain_blocklists"];
    }
  }
  Json message = base(id, "progress");
  message["stage"] = "side";
  message["ptr"] = std::move(ptr);
  message["blocklists"] = std::move(blocklists);
  message["domain_blocklists"] = std::move(domainBlocklists);
  message["policies"] = Json{{"spf", report["spf"]}, {"dmarc", report["dmarc"]}, {"tls_rpt", report["tls_rpt"]}};
  return message;
}

Json probeProgress(const Json& id, const std::string& host, const smtp::ProbeResult& probe) {
  Json message = base(id, "progress");
  message["stage"] = "probe";
  message["host"] = host;
  message["probe"] = checks::probeToJson(probe);
  return message;
}

std::vector<Json> resultMessages(const Json& id, const checks::Report& report, std::size_t maxMessage) {
  Json whole = base(id, "result");
  whole["ok"] = true;
  whole["report"] = checks::reportToJson(report);
  if (serialize(whole).size() <= maxMessage) return {std::move(whole)};
  // Too big for one message: each MX record on its own, then the rest of the report.
  std::vector<Json> messages;
  Json records = std::move(whole["report"]["mx_records"]);
  const std::size_t count = records.size();
  for (std::size_t i = 0; i < count; ++i) {
    Json part = base(id, "result_part");
    part["index"] = i;
    part["count"] = count;
    part["mx_record"] = std::move(records[i]);
    messages.push_back(std::move(part));
  }
  whole["report"]["mx_records"] = Json::array();
  whole["parts"] = count;
  messages.push_back(std::move(whole));
  // A single part too big to send would leave a stream nobody can put back together: then the
  // whole answer is one error instead.
  for (const Json& message : messages) {
    if (serialize(message).size() > maxMessage) {
      return {errorMessage(id, Error{Errc::frame_too_large,
                                     "the report is too large to send, even split per MX "
                                     "record; check fewer ports"})};
    }
  }
  return messages;
}

std::string serialize(const Json& message) {
  return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mxh::protocol

#include "protocol/messages.h"

#include "checks/engine/run_check.h"
#include "checks/options/option_table.h"
#include "checks/report/report_json.h"
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

Json base(const Json& id, std::string_view type) {
  return Json{{"id", id}, {"type", type}};
}

}  // namespace

std::variant<Request, RejectedRequest> parseRequest(std::string_view frame) {
  // A raw NUL is never part of JSON (inside strings it must be escaped), and the parser below
  // would take it for the end of the input: '{...}\0anything' must not pass as '{...}'.
  if (frame.find('\0') != std::string_view::npos) {
    return RejectedRequest{nullptr,
                           Error{Errc::frame_invalid_json, "the message holds a NUL byte, which JSON never does"}};
  }
  Json message;
  bool tooDeep = false;
  try {
    // Deep nesting is refused while parsing, before a structure exists whose copying or printing
    // would recurse once per level: a small frame must not be able to exhaust the stack.
    message = Json::parse(frame, [&](int depth, Json::parse_event_t, Json&) {
      if (depth > limits::kMaxJsonDepth) tooDeep = true;
      return depth <= limits::kMaxJsonDepth;
    });  // also rejects invalid UTF-8
  } catch (const Json::exception& e) {
    return RejectedRequest{
        nullptr, Error{Errc::frame_invalid_json, "the message is not valid UTF-8 JSON: " +
                                                     sanitizeForDisplay(e.what(), limits::kMaxServerTextDisplay)}};
  }
  if (tooDeep) {
    return RejectedRequest{
        nullptr, Error{Errc::frame_invalid_json,
                       "the message is nested more than " + std::to_string(limits::kMaxJsonDepth) + " levels deep"}};
  }
  if (!message.is_object()) {
    return RejectedRequest{nullptr, Error{Errc::frame_invalid_json, "the message is not a JSON object"}};
  }
  Json id = nullptr;
  if (message.contains("id")) {
    const Json& given = message["id"];
    const bool goodString = given.is_string() && !given.get<std::string>().empty() &&
                            given.get<std::string>().size() <= limits::kMaxIdLength;
    if (goodString || given.is_number_integer()) id = given;
  }
  if (id.is_null()) {
    return RejectedRequest{nullptr, invalid("every request needs an \"id\": a string of 1 to " +
                                            std::to_string(limits::kMaxIdLength) + " characters or an integer")};
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
  if (!options.is_null() && !options.is_object()) return usage("\"options\" must be an object");
  // The request options share the object: a wrong one is refused like any other.
  if (auto policy = parseRequestPolicy(options); !policy) return policy.error();
  auto validated = checks::validateCheckOptions(options, checks::OptionNaming::request);
  if (!validated.problems.empty()) return checks::optionError(validated.problems.front());
  return std::move(validated.options);
}

Result<checks::RequestPolicy> parseRequestPolicy(const Json& options) {
  auto validated = checks::validateRequestPolicy(options, checks::OptionNaming::request);
  if (!validated.problems.empty()) return checks::optionError(validated.problems.front());
  return validated.policy;
}

Json helloMessage(const Json& id) {
  Json message = base(id, "hello");
  message["ok"] = true;
  message["host_version"] = std::string(checks::mxhealthVersion());
  message["protocol_version"] = kProtocolVersion;
  const checks::CheckOptions defaults;
  const Json defaultValues = checks::checkOptionsToJson(defaults);
  message["capabilities"] = Json{
      {"messages", {"hello", "check", "cancel", "registrable_domain", "history", "clear_history", "validate_options"}},
      {"checks", {"mx", "dnssec", "smtp", "tls", "ptr", "dnsbl", "dane", "mta_sts", "tls_rpt", "spf", "dmarc"}},
      {"default_ports", defaultValues["ports"]},
      {"options", checks::optionTableToJson(checks::checkOptionTable(), defaultValues)},
      {"request_options",
       checks::optionTableToJson(checks::requestOptionTable(), checks::requestPolicyToJson(checks::RequestPolicy{}))}};
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

Json dnsProgress(const Json& id, const checks::DnsStage& stage) {
  Json message = base(id, "progress");
  message["stage"] = "dns";
  message.update(checks::dnsStageToJson(stage));
  return message;
}

Json sideProgress(const Json& id, const checks::SideStage& stage) {
  Json message = base(id, "progress");
  message["stage"] = "side";
  message.update(checks::sideStageToJson(stage));
  return message;
}

Json probeProgress(const Json& id, const checks::ProbeStage& stage) {
  Json message = base(id, "progress");
  message["stage"] = "probe";
  message["host"] = stage.host;
  message["probe"] = checks::probeToJson(stage.probe);
  return message;
}

checks::CheckObserver progressObserver(MessageSink& sink, const Json& id) {
  return {[&sink, id](const checks::DnsStage& stage) { sink.send(dnsProgress(id, stage)); },
          [&sink, id](const checks::ProbeStage& stage) { sink.send(probeProgress(id, stage)); },
          [&sink, id](const checks::SideStage& stage) { sink.send(sideProgress(id, stage)); }};
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

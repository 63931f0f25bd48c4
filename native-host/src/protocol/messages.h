// The native messaging protocol's messages (docs/protocol.md): requests parsed from JSON with
// every field checked, and every message the host sends built in one place. nlohmann/json's
// exceptions stop here.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/engine/run_check.h"
#include "checks/engine/stage_events.h"
#include "checks/options/check_options.h"
#include "checks/options/option_table.h"
#include "checks/report/report.h"
#include "core/error.h"
#include "core/result.h"
#include "smtp/probe.h"

namespace mxh::protocol {

using Json = nlohmann::ordered_json;

inline constexpr int kProtocolVersion = 1;

struct Request {
  Json id;  // a string or an integer, echoed on every answer
  std::string type;
  Json params;  // always an object
};

// A request that cannot be served; `id` is null when it could not be read.
struct RejectedRequest {
  Json id;
  Error error;
};

std::variant<Request, RejectedRequest> parseRequest(std::string_view frame);

// The "options" of a check request: the check options (checks/options/option_table.h) and the
// request options (fresh, history), each validated by the one table.
Result<checks::CheckOptions> parseCheckOptions(const Json& options);
Result<checks::RequestPolicy> parseRequestPolicy(const Json& options);

// A string parameter, or input.usage naming it.
Result<std::string> stringParam(const Json& params, const char* name);

Json helloMessage(const Json& id);
Json errorMessage(const Json& id, const Error& error);
Json cancelledMessage(const Json& id);
Json cancelReply(const Json& id, bool found);
Json historyReply(const Json& id, const std::string& domain, Json entries);
Json clearHistoryReply(const Json& id, std::size_t removed);
// The answer to validate_options: {"valid": bool, "problems": [{"option", "message"}]}.
Json validateOptionsReply(const Json& id, const std::vector<checks::OptionProblem>& problems);
Json registrableDomainReply(const Json& id, const std::string& host, const std::string& domain);
// The progress messages, one per stage event of the check (checks/engine/stage_events.h).
Json dnsProgress(const Json& id, const checks::DnsStage& stage);
Json probeProgress(const Json& id, const checks::ProbeStage& stage);
// The side checks, as soon as they are done (before or after the last probe): reverse DNS and
// blocklists by address, domain blocklists by MX host, and SPF, DMARC and TLS-RPT.
Json sideProgress(const Json& id, const checks::SideStage& stage);

// Where a check's progress messages go: each stage event becomes one message to `sink`.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Must be safe to call from several threads at once.
  virtual void send(const Json& message) = 0;
};
checks::CheckObserver progressObserver(MessageSink& sink, const Json& id);
// The result, split into result_part messages first when one message would be too big.
std::vector<Json> resultMessages(const Json& id, const checks::Report& report, std::size_t maxMessage);

// Serialized for a frame; invalid UTF-8 from anywhere is replaced, never thrown on.
std::string serialize(const Json& message);

}  // namespace mxh::protocol

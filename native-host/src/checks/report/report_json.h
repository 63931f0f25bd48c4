// The JSON layer: the report, its parts and the check's stage events as JSON, with the field
// names of the reference MX-health API (docs/report.md). One serialiser per part, used by the
// report, the progress messages and (for history entries, history.h) nothing else.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "checks/engine/stage_events.h"
#include "checks/report/report.h"

namespace mxh::checks {

// A value that may be absent: JSON null when it is.
template <typename T>
nlohmann::ordered_json orNull(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// One SMTP probe, as in mx_records[].smtp_probes[] (also streamed on its own later).
nlohmann::ordered_json probeToJson(const smtp::ProbeResult& probe);

// One MX record; `side` (may be null) adds each address's reverse DNS and listings, the host's
// DANE and domain listings.
nlohmann::ordered_json mxRecordToJson(const MxRecordReport& record, const SideReport* side);

// Fields in the documented order.
nlohmann::ordered_json reportToJson(const Report& report);

// The stage events (stage_events.h) as the progress messages carry them: the same objects as
// the report's, so a page can draw them before the result comes.
nlohmann::ordered_json dnsStageToJson(const DnsStage& stage);
nlohmann::ordered_json sideStageToJson(const SideStage& stage);

// Serialized text; invalid UTF-8 from anywhere is replaced, never thrown on.
std::string reportToJsonText(const Report& report, int indent);

}  // namespace mxh::checks

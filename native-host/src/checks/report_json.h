// The report as JSON, with the field names of the reference MX-health API (docs/report.md).
#pragma once

#include <nlohmann/json.hpp>

#include "checks/report.h"

namespace mxh::checks {

// One SMTP probe, as in mx_records[].smtp_probes[] (also streamed on its own later).
nlohmann::ordered_json probeToJson(const smtp::ProbeResult& probe);

// Fields in the documented order.
nlohmann::ordered_json reportToJson(const Report& report);

// Serialized text; invalid UTF-8 from anywhere is replaced, never thrown on.
std::string reportToJsonText(const Report& report, int indent);

}  // namespace mxh::checks

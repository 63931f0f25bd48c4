// Diagnostics for people running the host: one line per event on stderr (browsers keep a
// native host's stderr in their logs) and, when MXHEALTH_LOG_FILE names a file, appended there.
// Never stdout: in host mode that is the browser's message stream. Thread-safe.
#pragma once

#include <string_view>

namespace mxh {

// "2026-11-26T11:20:00.123Z mxhealth[pid]: <text>"; the text is sanitized.
void logLine(std::string_view text);

}  // namespace mxh

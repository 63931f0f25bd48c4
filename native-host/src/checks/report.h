// The MX health report: everything one check found, field for field the JSON that the CLI prints
// and the extension receives (docs/report.md; schema: docs/report.schema.json).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "smtp/probe.h"

namespace mxh::checks {

struct SideReport;  // checks/side_checks.h: reverse DNS, blocklists, mail policies, DANE

enum class Severity { info, warning, error };
std::string_view severityName(Severity severity);

struct Finding {
  std::string code;  // stable dotted id, e.g. "mx.cname"
  Severity severity = Severity::info;
  std::string message;  // one or two plain sentences
  std::optional<std::string> host;
  std::optional<std::string> ip;
  std::optional<std::string> reference;  // e.g. "RFC 7505"
};

struct AddressReport {
  std::string ip;
  int version = 4;
  bool isPublic = true;
  std::optional<std::string> range;  // the special-purpose range, when not public
};

struct MxRecordReport {
  std::uint16_t priority = 0;
  std::string host;
  std::vector<std::string> ips;
  bool reachable = false;
  std::optional<std::string> error;
  bool implicit = false;
  std::optional<std::string> cname;
  std::vector<AddressReport> addresses;
  std::optional<smtp::ProbeResult> smtpProbe;  // the probe that stands for this host
  std::vector<smtp::ProbeResult> smtpProbes;   // every address x port
};

struct DnssecEntry {
  std::string name;
  std::string type;
  std::string status;  // secure | insecure | bogus | unvalidated
  std::optional<std::string> why;
};

struct ResolverReport {
  std::string mode;
  std::vector<std::string> servers;
  bool dnssecValidation = false;
  std::optional<std::string> trustAnchor;
  std::optional<std::string> note;
};

// One difference between this check and the previous check of the same domain.
struct Change {
  std::string kind;  // stable id, e.g. "mx.added", "probe.status_changed"
  std::string message;
  std::optional<std::string> host;
  std::optional<int> port;
};

struct ChangesSinceLast {
  std::string previousCheckedAt;
  std::vector<Change> changes;  // empty: nothing changed
};

enum class Verdict { healthy, needs_attention, broken, could_not_check };
std::string_view verdictName(Verdict verdict);

struct Report {
  std::string version;
  std::string input;
  std::string domain;
  std::string domainUnicode;
  std::string checkedAt;
  long long durationMs = 0;
  Verdict verdict = Verdict::could_not_check;
  std::optional<Error> error;
  std::vector<MxRecordReport> mxRecords;
  std::size_t count = 0;
  bool hasValidMx = false;
  bool allReachable = false;
  bool smtpProbeEnabled = false;
  bool anySmtpOk = false;
  std::optional<bool> allTlsOk;
  std::vector<std::string> issues;
  std::vector<Finding> findings;
  bool nullMx = false;
  bool implicitMx = false;
  std::vector<DnssecEntry> dnssec;
  ResolverReport resolver;
  std::optional<ChangesSinceLast> changesSinceLast;  // filled in from the history, when kept
  // The side checks; null when they did not run (the check could not be done). Shared and
  // immutable, so copies of a report (cache, progress) stay cheap.
  std::shared_ptr<const SideReport> side;
};

// The verdict that findings and an error imply: any error finding is broken, any warning needs
// attention; a check that could not ask its questions could not check.
Verdict verdictFor(const std::vector<Finding>& findings, bool couldNotCheck);

}  // namespace mxh::checks

// The MX health report: everything one check found, field for field the JSON that the CLI prints
// and the extension receives (docs/report.md; schema: docs/report.schema.json).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "smtp/probe.h"

namespace mxh::checks {

struct SideReport;  // checks/side_checks.h: reverse DNS, blocklists, mail policies, DANE

enum class Severity { info, warning, error };
std::string_view severityName(Severity severity);

// What a finding is about: one of the six dimensions of the assessment, or the network the check
// ran from, or the check itself (docs/report.md, "assessment").
enum class Dimension {
  delivery,
  encryption,
  authentication,
  sender_policies,
  reputation,
  dns_integrity,
  network,
};
inline constexpr std::size_t kAssessedDimensions = 6;  // the first six: the assessment's
std::string_view dimensionName(Dimension dimension);
// The dimension a finding code belongs to, from its prefix (one table, in report.cpp).
Dimension dimensionOf(std::string_view findingCode);

struct Finding {
  std::string code;  // stable dotted id, e.g. "mx.cname"
  Severity severity = Severity::info;
  std::string message;  // one or two plain sentences
  std::optional<std::string> host;
  std::optional<std::string> ip;
  std::optional<std::string> reference;       // e.g. "RFC 7505"
  Dimension dimension = Dimension::delivery;  // set from the code when the report is assembled
};

// What a finding is about: the MX or policy host, and the address, when there is one.
struct FindingSubject {
  std::optional<std::string> host = std::nullopt;
  std::optional<std::string> ip = std::nullopt;
};

// The one way a check makes a finding. The dimension is left to the report, which reads it from
// the code, so a finding cannot be filed under a dimension its code does not belong to.
Finding makeFinding(std::string code, Severity severity, std::string message, FindingSubject subject = {},
                    std::optional<std::string> reference = {});

// ---- What each kind of sending server does with a message sent now (docs/report.md, "senders").

enum class SenderKind { opportunistic, dnssec_validating, dane, mta_sts };
// Every kind, in the order the report lists them.
inline constexpr std::array<SenderKind, 4> kSenderKinds = {SenderKind::opportunistic, SenderKind::dnssec_validating,
                                                           SenderKind::dane, SenderKind::mta_sts};
std::string_view senderKindName(SenderKind kind);

enum class DeliveryOutcome {
  delivered_verified,     // authenticated TLS (DANE or MTA-STS)
  delivered_encrypted,    // TLS without authentication
  delivered_unencrypted,  // plaintext
  deferred,               // the sender keeps the mail and retries; it may bounce after days
  bounced,                // the sender returns the mail at once (Null MX, no MX host exists)
  unknown,                // rate-limited, our network blocks port 25, not probed, could not check
};
std::string_view deliveryOutcomeName(DeliveryOutcome outcome);

struct SenderOutcome {
  DeliveryOutcome outcome = DeliveryOutcome::unknown;
  std::optional<std::string> via;  // the MX host that takes the mail
  std::string reason;              // one plain sentence
  // The MX hosts this kind passed over, in preference order, each with why in a few words
  // ("does not answer", "its certificate expired on 2026-11-24"). For headlines and severities.
  std::vector<std::pair<std::string, std::string>> skipped;
};

struct Senders {
  SenderOutcome opportunistic;
  SenderOutcome dnssecValidating;
  SenderOutcome dane;
  SenderOutcome mtaSts;
  [[nodiscard]] const SenderOutcome& of(SenderKind kind) const;
};

// ---- The assessment by dimension (docs/report.md, "assessment").

enum class DimensionStatus { ok, warning, error, unknown, not_applicable };
std::string_view dimensionStatusName(DimensionStatus status);

struct DimensionAssessment {
  DimensionStatus status = DimensionStatus::unknown;
  std::string summary;  // one plain sentence
};

struct Headline {
  std::string kind;  // stable id, e.g. "delivery_degraded" (docs/report.md lists them)
  Dimension dimension = Dimension::delivery;
  std::string text;
};

struct Assessment {
  Headline headline;
  std::array<DimensionAssessment, kAssessedDimensions> dimensions;  // indexed by Dimension
  [[nodiscard]] const DimensionAssessment& of(Dimension d) const { return dimensions.at(static_cast<std::size_t>(d)); }
  DimensionAssessment& of(Dimension d) { return dimensions.at(static_cast<std::size_t>(d)); }
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
  std::optional<Senders> senders;        // null when the check could not be done
  std::optional<Assessment> assessment;  // always set by runCheck
};

// The verdict that the assessment implies (the rule is in docs/report.md, "verdict").
Verdict verdictFor(const Assessment& assessment, bool couldNotCheck);

}  // namespace mxh::checks

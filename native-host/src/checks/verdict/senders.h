// The sender model: what each kind of sending mail server would do with a message sent to the
// domain right now, read from the facts of a finished check (MX records, port-25 probes, DNSSEC,
// DANE, MTA-STS). The verdict, the assessment and the severities follow from it
// (docs/report.md, "senders"). Pure functions, so every rule is unit-tested without a network.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "checks/policy/mta_sts.h"
#include "checks/report/report.h"

namespace mxh::checks {

// The DNS facts the report does not carry in a form the model can use.
struct SenderDnsFacts {
  bool validated = false;                         // our resolver validated DNSSEC (a trust anchor reached the zone)
  bool nxdomain = false;                          // the domain does not exist
  bool noMail = false;                            // no MX record and no address (mx.none)
  std::optional<std::string> mxBogus;             // the MX RRset fails validation (why)
  std::map<std::string, std::string> bogusHosts;  // MX host -> why its address records fail validation
};

struct SenderProbeFacts {
  bool probed = false;         // the SMTP probe ran
  bool port25 = false;         // port 25 was among the ports probed
  bool port25Blocked = false;  // our own network blocks port 25 (network.port25_blocked)
};

// The domain's MTA-STS policy was fetched, parses, and has this mode: senders apply it.
bool policyInForce(const std::optional<MtaStsReport>& sts, StsMode mode);

// Why a sender that checks certificates (MTA-STS, PKIX) refuses this session, as a predicate of the
// host ("presents a certificate that expired on 2026-11-24"); nullopt when it accepts.
std::optional<std::string> pkixFailure(const tls::TlsInfo& info);

// The hosts a sender passed over and why, capped: "mx1 does not answer; mx2 refuses connections".
std::string describeSkipped(const SenderOutcome& outcome);

// `report`: mx_records with their probes, null_mx and side (DANE, MTA-STS) filled in.
Senders evaluateSenders(const Report& report, const SenderDnsFacts& dns, const SenderProbeFacts& probes);

}  // namespace mxh::checks

// The rules for what the SMTP probes found: failures by port (25 is the port that receives mail;
// 587 and 465 on an MX host are extras), TLS and certificate problems, a network that blocks
// port 25. Pure functions of the probe results.
#pragma once

#include <string>
#include <vector>

#include "checks/report/report.h"
#include "checks/smtp_tls/smtp_probing.h"

namespace mxh::checks {

struct ProbeSummary {
  bool anySmtpOk = false;        // some MX host completed a handshake with TLS
  std::optional<bool> allTlsOk;  // every probed MX host negotiated TLS; nullopt: none probed
  bool port25Blocked = false;    // every port-25 attempt timed out while other ports connected
};

ProbeSummary summarizeProbes(const ProbesByHost& probes);

std::vector<Finding> evaluateProbes(const std::string& domain, const ProbesByHost& probes);

}  // namespace mxh::checks

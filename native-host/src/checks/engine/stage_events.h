// What a running check tells its observer as each phase ends: typed events with what a front end
// needs to draw progress (the native protocol's progress messages), never partial reports.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checks/engine/side_checks.h"
#include "checks/report/report.h"
#include "smtp/probe.h"

namespace mxh::checks {

// The MX records and their addresses are known (not sent when the MX lookup failed).
struct DnsStage {
  const std::string& domain;
  bool nullMx;
  bool implicitMx;
  const std::vector<MxRecordReport>& mxRecords;  // addresses; no probes yet
  const std::vector<std::uint16_t>& ports;       // the ports each contactable address is probed on
  bool smtpProbe;                                // false: no probe follows (no_smtp)
};

// One SMTP probe has finished.
struct ProbeStage {
  const std::string& host;
  const smtp::ProbeResult& probe;
};

// The side facts (reverse DNS, blocklists, SPF, DMARC, TLS-RPT) are known; MTA-STS and DANE
// are judged later, with the probes.
struct SideStage {
  const SideFacts& side;
};

// Called from worker threads, possibly at the same time: the functions must be thread-safe.
// Any may be empty.
struct CheckObserver {
  std::function<void(const DnsStage&)> onDns;
  std::function<void(const ProbeStage&)> onProbe;  // in the order the probes finish
  std::function<void(const SideStage&)> onSide;
};

}  // namespace mxh::checks

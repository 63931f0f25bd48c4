// One MX health check, start to finish: set up the resolver, ask DNS, judge the answers, build
// the report. Reads top-down like the check it performs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "checks/check_options.h"
#include "checks/report.h"
#include "checks/target.h"
#include "core/cancel.h"
#include "core/result.h"

namespace mxh::checks {

// The version reported by the host and the CLI.
std::string_view mxhealthVersion();

// Partial results while a check runs, for streaming. Called from worker threads, possibly at
// the same time: the functions must be thread-safe. Either may be empty.
struct CheckObserver {
  // Once the MX records and their addresses are known (not when the MX lookup failed): a report
  // with domain, null_mx, implicit_mx and mx_records filled in.
  std::function<void(const Report& dnsStage)> onDns;
  // After each SMTP probe, in the order they finish.
  std::function<void(const std::string& host, const smtp::ProbeResult& probe)> onProbe;
  // Once the side checks (reverse DNS, blocklists, mail policies) are done: a report with
  // domain, mx_records (addresses) and side filled in; MTA-STS not yet evaluated.
  std::function<void(const Report& sideStage)> onSide;
};

// A check option that cannot be used, in words, named as in the protocol ("ca_file").
struct OptionProblem {
  std::string option;
  std::string message;
};

// The options that name files or servers, tried before anything is asked: the CA file must be
// readable PEM certificates, the trust anchor a readable DS/DNSKEY file, the resolvers valid
// addresses. Empty when all are usable. runCheck refuses to start with the first problem.
std::vector<OptionProblem> checkOptionFiles(const CheckOptions& options);

// An Error only when the check cannot start (bad resolver address, unreadable trust anchor) or
// was cancelled; DNS failures during the check give a report with verdict could_not_check.
Result<Report> runCheck(const Target& target, const CheckOptions& options, const CancelToken& cancel,
                        const CheckObserver& observer = {});

}  // namespace mxh::checks

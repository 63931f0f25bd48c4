#include "cli/cli.h"

#include <algorithm>

#include "checks/dnsbl.h"
#include "checks/history.h"
#include "checks/mx_check.h"
#include "checks/report_json.h"
#include "checks/target.h"
#include "cli/arguments.h"
#include "cli/doctor.h"
#include "cli/text_report.h"

namespace mxh::cli {
namespace {

int exitStatusFor(checks::Verdict verdict) {
  switch (verdict) {
    case checks::Verdict::healthy: return kHealthy;
    case checks::Verdict::needs_attention: return kWarnings;
    case checks::Verdict::broken: return kBroken;
    case checks::Verdict::could_not_check: return kCouldNotCheck;
  }
  return kCouldNotCheck;
}

int fail(std::ostream& err, const Error& error) {
  err << "mxhealth: " << error.message;
  // The option a person typed, by its command-line name ("ca_file" is --ca-file).
  if (!error.option.empty()) {
    std::string flag = "--" + error.option;
    std::replace(flag.begin(), flag.end(), '_', '-');
    err << " (" << flag << ")";
  }
  err << "\n";
  return kCouldNotCheck;
}

}  // namespace

int runCli(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  auto command = parseArguments(args);
  if (!command) return fail(err, command.error());
  switch (command->kind) {
    case Command::Kind::help: out << kUsage; return kHealthy;
    case Command::Kind::version: out << "mxhealth " << checks::mxhealthVersion() << "\n"; return kHealthy;
    case Command::Kind::doctor: {
      auto environment = currentDoctorEnvironment();
      if (!environment) return fail(err, environment.error());
      return runDoctor(*environment, out);
    }
    case Command::Kind::check: break;
  }

  auto target = checks::parseTarget(command->target);
  if (!target) return fail(err, target.error());
  if (command->blocklistConfig) {
    auto zones = checks::readBlocklistConfig(*command->blocklistConfig);
    if (!zones) return fail(err, zones.error());
    // --blocklists and the file together: the lists of both.
    for (const std::string& zone : *zones) checks::addBlocklistZone(command->options.blocklists, zone);
    command->options.blocklistsSet = true;
  }
  auto report = checks::runCheck(*target, command->options, CancelToken());
  if (!report) return fail(err, report.error());

  if (command->compare) {
    const auto path = checks::HistoryStore::defaultPath();
    if (!path) {
      err << "mxhealth: warning: no history: neither XDG_DATA_HOME nor HOME is set\n";
    } else {
      checks::HistoryStore store(*path);
      for (const std::string& warning : checks::recordInHistory(store, *report)) {
        err << "mxhealth: warning: " << warning << "\n";
      }
    }
  }
  if (command->json) {
    out << checks::reportToJsonText(*report, 2) << "\n";
  } else {
    out << formatTextReport(*report, {command->verbose});
    if (command->compare) out << formatChanges(*report);
  }
  if (report->error) err << "mxhealth: could not check " << report->domain << ": " << report->error->message << "\n";
  return exitStatusFor(report->verdict);
}

}  // namespace mxh::cli

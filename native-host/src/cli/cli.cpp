#include "cli/cli.h"

#include <filesystem>
#include <optional>

#include "checks/engine/check_service.h"
#include "checks/engine/target.h"
#include "checks/options/option_table.h"
#include "checks/report/history.h"
#include "checks/report/report_json.h"
#include "checks/reputation/dnsbl.h"
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
  if (const checks::OptionSpec* spec = checks::findOptionByName(error.option)) err << " (" << spec->flag << ")";
  err << "\n";
  return kCouldNotCheck;
}

}  // namespace

int runCli(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  auto command = parseArguments(args);
  if (!command) return fail(err, command.error());
  switch (command->kind) {
    case Command::Kind::help: out << usageText(); return kHealthy;
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
    // --blocklists and the file together: the lists of both, validated as one option.
    checks::OptionValue& blocklists = command->optionValues["blocklists"];
    if (!blocklists.is_array()) blocklists = checks::OptionValue::array();
    for (const std::string& zone : *zones) blocklists.push_back(zone);
    auto validated = checks::validateCheckOptions(command->optionValues, checks::OptionNaming::command_line);
    if (!validated.problems.empty()) return fail(err, Error{Errc::usage, validated.problems.front().message});
    command->options = std::move(validated.options);
  }

  // One check, with the history only when asked to compare; a one-shot process keeps no cache.
  std::optional<std::filesystem::path> historyFile;
  if (command->compare) {
    historyFile = checks::HistoryStore::defaultPath();
    if (!historyFile) err << "mxhealth: warning: no history: neither XDG_DATA_HOME nor HOME is set\n";
  }
  checks::CheckService service({historyFile, std::nullopt});
  auto outcome = service.run(*target, command->options, {false, command->compare}, CancelToken());
  if (!outcome) return fail(err, outcome.error());
  for (const std::string& warning : outcome->warnings) err << "mxhealth: warning: " << warning << "\n";
  const checks::Report* report = &outcome->report;

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

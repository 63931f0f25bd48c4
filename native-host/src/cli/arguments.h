// The command line: `mxhealth check TARGET [options]`, `mxhealth doctor`, `--help`, `--version`,
// parsed into a command or an Error that names the bad argument.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "checks/options/check_options.h"
#include "checks/options/option_table.h"
#include "core/result.h"

namespace mxh::cli {

struct Command {
  enum class Kind { check, doctor, help, version };
  Kind kind = Kind::help;
  std::string target;
  bool json = false;
  bool compare = false;  // --compare: record in the history and show what changed
  bool verbose = false;  // --verbose: the text report also shows the notes
  checks::CheckOptions options;
  // The check options as typed, as JSON values (checks/options/option_table.h), for
  // --blocklist-config to add to when the check starts.
  checks::OptionValue optionValues = checks::OptionValue::object();
  std::optional<std::string> blocklistConfig;  // --blocklist-config: read when the check starts
};

// `args` excludes the program name.
Result<Command> parseArguments(std::span<const std::string_view> args);

// --help: the commands, then every check option from the option table.
std::string usageText();

}  // namespace mxh::cli

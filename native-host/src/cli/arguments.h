// The command line: `mxhealth check TARGET [options]`, `mxhealth doctor`, `--help`, `--version`,
// parsed into a command or an Error that names the bad argument.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "checks/check_options.h"
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
  std::optional<std::string> blocklistConfig;  // --blocklist-config: read when the check starts
};

// `args` excludes the program name.
Result<Command> parseArguments(std::span<const std::string_view> args);

extern const std::string_view kUsage;

}  // namespace mxh::cli

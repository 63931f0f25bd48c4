#include "cli/arguments.h"

#include <charconv>
#include <optional>

#include "core/limits.h"
#include "core/text.h"

namespace mxh::cli {
namespace {

using checks::OptionSpec;
using checks::OptionType;
using checks::OptionValue;

Error usage(const std::string& message) {
  return Error{Errc::usage, message};
}

// The options of the CLI itself (not check options), for --help.
struct CliFlag {
  std::string_view flag;
  std::string_view help;
};
constexpr CliFlag kCliFlags[] = {
    {"--json", "print the full report as JSON (docs/report.md)"},
    {"--verbose, -v", "also print the notes (info findings) and every probe detail"},
    {"--compare", "record the check in the history and show what changed since the last check"},
    {"--blocklist-config FILE", "the blocklists to ask, one zone per line (added to --blocklists)"},
};

// A number stays a number, anything else a string: the option table says what it takes.
OptionValue numberOrText(std::string_view text) {
  long long number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return number;
  return std::string(text);
}

OptionValue commaList(std::string_view text, bool numbers) {
  OptionValue list = OptionValue::array();
  for (const std::string_view item : splitOn(text, ',')) {
    list.push_back(numbers ? numberOrText(item) : OptionValue(std::string(item)));
  }
  return list;
}

// One check option's value as typed, turned into the JSON value the table validates.
void addValue(const OptionSpec& spec, std::string_view text, OptionValue& values) {
  OptionValue& value = values[std::string(spec.name)];
  switch (spec.type) {
    case OptionType::boolean: value = true; break;
    case OptionType::seconds: value = numberOrText(text); break;
    case OptionType::port_list: value = commaList(text, true); break;
    case OptionType::address_list:  // repeatable
      if (!value.is_array()) value = OptionValue::array();
      value.push_back(std::string(text));
      break;
    case OptionType::zone_list: value = text == "none" ? OptionValue::array() : commaList(text, false); break;
    case OptionType::path:
    case OptionType::host_name:
    case OptionType::dqs_key: value = std::string(text); break;
  }
}

}  // namespace

std::string usageText() {
  std::string text =
      "Usage: mxhealth check TARGET [options]\n"
      "       mxhealth doctor\n"
      "       mxhealth --help | --version\n"
      "\n"
      "Checks whether the mail servers (MX) of a domain really work.\n"
      "TARGET is a domain, an email address (its domain is checked) or a URL (its host).\n"
      "\n"
      "Options:\n";
  // "  --flag VALUE" then the help from column 26, wrapped at 100 columns.
  const auto line = [&](std::string left, std::string_view help) {
    constexpr std::size_t kColumn = 26;
    constexpr std::size_t kWidth = 100;
    left = "  " + left;
    text += left.size() >= kColumn ? left + "\n" + std::string(kColumn, ' ')
                                   : left + std::string(kColumn - left.size(), ' ');
    std::size_t column = kColumn;
    for (const std::string_view word : splitOn(help, ' ')) {
      if (column > kColumn && column + 1 + word.size() > kWidth) {
        text += "\n" + std::string(kColumn, ' ');
        column = kColumn;
      } else if (column > kColumn) {
        text += ' ';
        ++column;
      }
      text += word;
      column += word.size();
    }
    text += "\n";
  };
  for (const CliFlag& flag : kCliFlags) line(std::string(flag.flag), flag.help);
  const OptionValue defaults = checks::checkOptionsToJson(checks::CheckOptions{});
  for (const OptionSpec& spec : checks::checkOptionTable()) {
    std::string help(spec.help);
    const OptionValue& fallback = defaults[std::string(spec.name)];
    if (spec.type == OptionType::seconds) {
      help += " (default " + fallback.dump() + ", " + std::to_string(spec.minimum) + " to " +
              std::to_string(spec.maximum) + ")";
    } else if (spec.type == OptionType::port_list) {
      std::string ports;
      for (const OptionValue& port : fallback) ports += (ports.empty() ? "" : ",") + port.dump();
      help += " (comma separated, default " + ports + ", at most " + std::to_string(spec.maxItems) + ")";
    } else if (spec.type == OptionType::zone_list) {
      help += " (comma separated, at most " + std::to_string(spec.maxItems) + "; 'none' asks none)";
    } else if (spec.type == OptionType::address_list) {
      help += " (repeatable, at most " + std::to_string(spec.maxItems) + ")";
    }
    line(std::string(spec.flag) + (spec.valueName.empty() ? "" : " " + std::string(spec.valueName)), help);
  }
  text +=
      "  --help, --version\n"
      "\n"
      "Exit status: 0 healthy, 1 warnings, 2 errors (mail is at risk), 3 could not check.\n"
      "\n"
      "mxhealth doctor checks that your browsers can start mxhealth for the extension (the\n"
      "native messaging host manifests that installer/install.sh writes) and says how to fix\n"
      "what is wrong. Exit status: 0 registered and working, 1 a registration is broken or an\n"
      "installed browser has none, 2 not registered with any browser, 3 could not check.\n";
  return text;
}

Result<Command> parseArguments(std::span<const std::string_view> args) {
  Command command;
  if (args.empty()) return usage("no command given (try: mxhealth check example.com)");

  std::size_t i = 0;
  const std::string_view first = args[0];
  if (first == "--help" || first == "-h" || first == "help") return command;
  if (first == "--version" || first == "version") {
    command.kind = Command::Kind::version;
    return command;
  }
  if (first == "doctor") {
    command.kind = Command::Kind::doctor;
    for (std::size_t k = 1; k < args.size(); ++k) {
      if (args[k] == "--help" || args[k] == "-h") {
        command.kind = Command::Kind::help;
        return command;
      }
    }
    if (args.size() > 1) return usage("doctor takes no arguments, not " + quotedForDisplay(args[1]));
    return command;
  }
  if (first != "check") return usage("unknown command " + quotedForDisplay(first) + " (try: mxhealth --help)");
  command.kind = Command::Kind::check;
  ++i;

  std::optional<std::string> target;
  bool optionsEnded = false;
  while (i < args.size()) {
    std::string_view arg = args[i++];
    if (optionsEnded || arg.empty() || arg.front() != '-' || arg == "-") {
      if (target)
        return usage("more than one target given: " + quotedForDisplay(*target) + " and " + quotedForDisplay(arg));
      target = std::string(arg);
      continue;
    }
    if (arg == "--") {
      optionsEnded = true;
      continue;
    }
    // "--name=value" and "--name value" are the same.
    std::optional<std::string_view> inlineValue;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      inlineValue = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const auto value = [&](std::string_view name) -> Result<std::string> {
      if (inlineValue) return std::string(*inlineValue);
      if (i >= args.size()) return usage(std::string(name) + " needs a value");
      return std::string(args[i++]);
    };
    const auto flag = [&](std::string_view name) -> Status {
      if (inlineValue) return usage(std::string(name) + " takes no value");
      return Ok{};
    };

    if (const OptionSpec* spec = checks::findOptionByFlag(arg)) {
      if (spec->type == OptionType::boolean) {
        if (auto ok = flag(arg); !ok) return ok.error();
        addValue(*spec, "", command.optionValues);
      } else {
        auto text = value(arg);
        if (!text) return text.error();
        addValue(*spec, *text, command.optionValues);
      }
    } else if (arg == "--json" || arg == "--verbose" || arg == "-v" || arg == "--compare") {
      if (auto ok = flag(arg); !ok) return ok.error();
      (arg == "--json" ? command.json : arg == "--compare" ? command.compare : command.verbose) = true;
    } else if (arg == "--blocklist-config") {
      auto file = value(arg);
      if (!file) return file.error();
      if (file->empty()) return usage("--blocklist-config needs a file name");
      command.blocklistConfig = std::move(file).value();
    } else if (arg == "--help" || arg == "-h") {
      command.kind = Command::Kind::help;
      return command;
    } else {
      return usage("unknown option " + quotedForDisplay(arg) + " (try: mxhealth --help)");
    }
  }
  if (!target) return usage("no domain given (try: mxhealth check example.com)");
  command.target = std::move(*target);
  auto validated = checks::validateCheckOptions(command.optionValues, checks::OptionNaming::command_line);
  if (!validated.problems.empty()) return usage(validated.problems.front().message);
  command.options = std::move(validated.options);
  return command;
}

}  // namespace mxh::cli

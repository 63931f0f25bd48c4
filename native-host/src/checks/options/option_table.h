// The one table of check options. Each option is declared once here: its name in JSON requests,
// its command-line flag, its type, its limits and one line of help; its default is the one
// CheckOptions{} holds. The CLI and the native protocol only turn their syntax into JSON values
// and call validateCheckOptions(); --help, `hello` and docs/protocol/ are made from, or tested
// against, this table.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/options/check_options.h"
#include "core/error.h"

namespace mxh::checks {

using OptionValue = nlohmann::ordered_json;

enum class OptionType {
  boolean,       // true or false; on the command line a flag without a value
  seconds,       // whole seconds from minimum to maximum
  port_list,     // minItems..maxItems port numbers from minimum to maximum
  address_list,  // resolver addresses "ADDR" or "ADDR@PORT"; repeatable on the command line
  zone_list,     // DNS zone names; "none" on the command line for an empty list
  path,          // a file on the user's machine
  host_name,     // a name to send in EHLO: a host name with a dot or an address literal
  dqs_key,       // letters and digits
};
std::string_view optionTypeName(OptionType type);

struct OptionSpec {
  std::string_view name;       // in JSON requests and reports ("connect_timeout")
  std::string_view flag;       // on the command line ("--connect-timeout")
  std::string_view valueName;  // in --help ("SECONDS"); empty for a boolean flag
  OptionType type;
  std::string_view help;  // one line, for --help and the options page
  long long minimum = 0;  // seconds, or each port; 0 and 0: no range
  long long maximum = 0;
  std::size_t minItems = 0;  // lists; maxItems 0: not a list
  std::size_t maxItems = 0;
  std::size_t maxLength = 0;  // strings (each item of a list of strings); 0: not a string
  // The option's value in `options` (null: not set, the built-in behaviour applies), and how a
  // value validateCheckOptions() accepted is set; null for the request options.
  OptionValue (*read)(const CheckOptions& options) = nullptr;
  void (*write)(CheckOptions& options, const OptionValue& value) = nullptr;
};

// Every check option, in the order --help and `hello` list them.
std::span<const OptionSpec> checkOptionTable();
const OptionSpec* findOptionByName(std::string_view name);
const OptionSpec* findOptionByFlag(std::string_view flag);

// The options around a check (RequestPolicy): fresh and history, as a table of their own.
std::span<const OptionSpec> requestOptionTable();

// A check option that cannot be used, in words, named as in the protocol ("ca_file").
struct OptionProblem {
  std::string option;
  std::string message;
};

// How problems name an option: as a request does ("option 'timeout'") or as a person typed it
// ("--timeout").
enum class OptionNaming { request, command_line };

// The one validation of check options. `values` maps option names to JSON values, as a request
// sends them or as the CLI turned its arguments into. Names not in the table are ignored (a newer
// extension may send more), except that request options are not check options. Every problem is
// listed, in table order.
struct ValidatedOptions {
  CheckOptions options;
  std::vector<OptionProblem> problems;
};
ValidatedOptions validateCheckOptions(const OptionValue& values, OptionNaming naming);
struct ValidatedPolicy {
  RequestPolicy policy;
  std::vector<OptionProblem> problems;
};
// The same, for RequestPolicy's fields in `values` (the other names are ignored).
ValidatedPolicy validateRequestPolicy(const OptionValue& values, OptionNaming naming);

// A problem as an Error (input.usage naming the option).
Error optionError(const OptionProblem& problem);

// Every table option's value (the normal form, defaults included): the cache key, and with
// CheckOptions{} the defaults that `hello` advertises.
OptionValue checkOptionsToJson(const CheckOptions& options);
// The table as `hello` advertises it (docs/protocol.md, "hello").
OptionValue optionTableToJson(std::span<const OptionSpec> table, const OptionValue& defaults);
OptionValue requestPolicyToJson(const RequestPolicy& policy);

}  // namespace mxh::checks

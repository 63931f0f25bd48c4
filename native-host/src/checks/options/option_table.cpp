#include "checks/options/option_table.h"

#include <algorithm>

#include "checks/reputation/dnsbl.h"
#include "core/text.h"
#include "smtp/probe.h"

namespace mxh::checks {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr long long secondsOf(milliseconds duration) {
  return duration_cast<seconds>(duration).count();
}

OptionValue optionalText(const std::optional<std::string>& text) {
  return text ? OptionValue(*text) : OptionValue(nullptr);
}
std::optional<std::string> textOrNone(const OptionValue& value) {
  return value.is_string() ? std::optional<std::string>(value.get<std::string>()) : std::nullopt;
}
std::vector<std::string> strings(const OptionValue& value) {
  std::vector<std::string> list;
  for (const OptionValue& item : value) list.push_back(item.get<std::string>());
  return list;
}

// A phase of the SMTP probe (smtp::ProbeTimeouts): the four options differ only in the field.
template <milliseconds smtp::ProbeTimeouts::*field>
OptionSpec phaseTimeout(std::string_view name, std::string_view flag, std::string_view help) {
  return {name,
          flag,
          "SECONDS",
          OptionType::seconds,
          help,
          secondsOf(limits::kMinPhaseTimeout),
          secondsOf(limits::kMaxPhaseTimeout),
          0,
          0,
          0,
          [](const CheckOptions& o) { return OptionValue(secondsOf(o.probeTimeouts.*field)); },
          [](CheckOptions& o, const OptionValue& v) { o.probeTimeouts.*field = seconds(v.get<long long>()); }};
}

const std::vector<OptionSpec>& table() {
  static const std::vector<OptionSpec> options = {
      {"ports", "--ports", "LIST", OptionType::port_list, "the ports to probe; 465 is implicit TLS", 1, 65535, 1,
       limits::kMaxPorts, 0,
       [](const CheckOptions& o) {
         OptionValue ports = OptionValue::array();
         for (const std::uint16_t port : o.ports) ports.push_back(port);
         return ports;
       },
       [](CheckOptions& o, const OptionValue& v) {
         o.ports.clear();
         for (const OptionValue& port : v) {
           const auto number = static_cast<std::uint16_t>(port.get<long long>());
           if (std::find(o.ports.begin(), o.ports.end(), number) == o.ports.end()) o.ports.push_back(number);
         }
       }},
      {"timeout", "--timeout", "SECONDS", OptionType::seconds, "limit for the whole check",
       secondsOf(limits::kMinCheckTimeout), secondsOf(limits::kMaxCheckTimeout), 0, 0, 0,
       [](const CheckOptions& o) { return OptionValue(secondsOf(o.timeout)); },
       [](CheckOptions& o, const OptionValue& v) { o.timeout = seconds(v.get<long long>()); }},
      {"no_smtp", "--no-smtp", "", OptionType::boolean, "DNS checks only: do not talk to the mail servers", 0, 0, 0, 0,
       0, [](const CheckOptions& o) { return OptionValue(!o.smtpProbe); },
       [](CheckOptions& o, const OptionValue& v) { o.smtpProbe = !v.get<bool>(); }},
      {"resolver", "--resolver", "ADDR[@PORT]", OptionType::address_list,
       "the DNS resolvers to ask; default: the system's, from /etc/resolv.conf", 0, 0, 0, limits::kMaxResolvers,
       limits::kMaxInputLength, [](const CheckOptions& o) { return OptionValue(o.resolvers); },
       [](CheckOptions& o, const OptionValue& v) { o.resolvers = strings(v); }},
      {"trust_anchor", "--trust-anchor", "FILE", OptionType::path,
       "a DNSSEC trust anchor file; default: the system's root key", 0, 0, 0, 0, limits::kMaxPathLength,
       [](const CheckOptions& o) { return optionalText(o.trustAnchor); },
       [](CheckOptions& o, const OptionValue& v) { o.trustAnchor = textOrNone(v); }},
      {"allow_private", "--allow-private", "", OptionType::boolean,
       "allow contacting MX addresses in non-public ranges", 0, 0, 0, 0, 0,
       [](const CheckOptions& o) { return OptionValue(o.allowPrivate); },
       [](CheckOptions& o, const OptionValue& v) { o.allowPrivate = v.get<bool>(); }},
      {"ehlo", "--ehlo", "NAME", OptionType::host_name, "the name to send in EHLO; default: this machine's name", 0, 0,
       0, 0, limits::kMaxDomainLength,
       [](const CheckOptions& o) { return o.ehloName.empty() ? OptionValue(nullptr) : OptionValue(o.ehloName); },
       [](CheckOptions& o, const OptionValue& v) { o.ehloName = v.get<std::string>(); }},
      {"ca_file", "--ca-file", "FILE", OptionType::path,
       "a file of extra trusted CA certificates (PEM) for the certificate check", 0, 0, 0, 0, limits::kMaxPathLength,
       [](const CheckOptions& o) { return optionalText(o.caFile); },
       [](CheckOptions& o, const OptionValue& v) { o.caFile = textOrNone(v); }},
      phaseTimeout<&smtp::ProbeTimeouts::connect>("connect_timeout", "--connect-timeout",
                                                  "limit for the TCP connection"),
      phaseTimeout<&smtp::ProbeTimeouts::greeting>("greeting_timeout", "--greeting-timeout",
                                                   "limit for the server's greeting (some delay it on purpose)"),
      phaseTimeout<&smtp::ProbeTimeouts::reply>("reply_timeout", "--reply-timeout", "limit for each other reply"),
      phaseTimeout<&smtp::ProbeTimeouts::tls>("tls_timeout", "--tls-timeout", "limit for the TLS handshake"),
      {"blocklists", "--blocklists", "LIST", OptionType::zone_list,
       "the DNS blocklists to ask, as zone names; default: docs/blocklists.md", 0, 0, 0, limits::kMaxBlocklists,
       limits::kMaxBlocklistZoneLength,
       [](const CheckOptions& o) { return OptionValue(o.blocklistsSet ? o.blocklists : defaultBlocklistZones()); },
       [](CheckOptions& o, const OptionValue& v) {
         o.blocklists.clear();
         for (const OptionValue& zone : v) addBlocklistZone(o.blocklists, zone.get<std::string>());
         o.blocklistsSet = true;
       }},
      {"dqs_key", "--dqs-key", "KEY", OptionType::dqs_key,
       "a Spamhaus DQS key (Spamhaus refuses queries from public resolvers)", 0, 0, 0, 0, limits::kMaxDqsKeyLength,
       [](const CheckOptions& o) { return optionalText(o.dqsKey); },
       [](CheckOptions& o, const OptionValue& v) { o.dqsKey = textOrNone(v); }},
  };
  return options;
}

const std::vector<OptionSpec>& requestTable() {
  static const std::vector<OptionSpec> options = {
      {"fresh", "", "", OptionType::boolean, "run the check even if a recent result of the same check is cached"},
      {"history", "", "", OptionType::boolean, "record the result in the history and show what changed"},
  };
  return options;
}

std::string nameOf(const OptionSpec& spec, OptionNaming naming) {
  return naming == OptionNaming::command_line ? std::string(spec.flag) : "option '" + std::string(spec.name) + "'";
}

std::string shown(const OptionValue& value) {
  const std::string text =
      value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, OptionValue::error_handler_t::replace);
  return quotedForDisplay(text);
}

bool isIntegerIn(const OptionValue& value, long long min, long long max) {
  return value.is_number_integer() && value.get<long long>() >= min && value.get<long long>() <= max;
}

// A string option's value: not empty, not too long, and without a control character (a NUL
// would cut a file name short where the C libraries read it; a line break or an escape has no
// place in a name, an address or a key, and must never reach an SMTP command or a terminal).
bool isText(const OptionValue& value, std::size_t maxLength) {
  if (!value.is_string()) return false;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > maxLength) return false;
  const UnsafeBytes unsafe = findUnsafeBytes(text);
  return !unsafe.nul && !unsafe.escapeSequence && !unsafe.control;
}

// Whether `value` may be set for `spec`; the message says what the option takes.
std::optional<std::string> problemWith(const OptionSpec& spec, const OptionValue& value, OptionNaming naming) {
  const std::string name = nameOf(spec, naming);
  const std::string range = std::to_string(spec.minimum) + " to " + std::to_string(spec.maximum);
  switch (spec.type) {
    case OptionType::boolean:
      if (value.is_boolean()) return std::nullopt;
      return name + " must be true or false";
    case OptionType::seconds:
      if (isIntegerIn(value, spec.minimum, spec.maximum)) return std::nullopt;
      return name + " takes whole seconds from " + range + ", not " + shown(value);
    case OptionType::port_list: {
      const std::string takes = name + " takes " + std::to_string(spec.minItems) + " to " +
                                std::to_string(spec.maxItems) + " port numbers from " + range;
      if (!value.is_array()) return takes + ", not " + shown(value);
      std::vector<long long> distinct;
      for (const OptionValue& port : value) {
        if (!isIntegerIn(port, spec.minimum, spec.maximum)) return takes + ", not " + shown(port);
        if (std::find(distinct.begin(), distinct.end(), port.get<long long>()) == distinct.end()) {
          distinct.push_back(port.get<long long>());
        }
      }
      if (distinct.size() < spec.minItems || distinct.size() > spec.maxItems) return takes;
      return std::nullopt;
    }
    case OptionType::address_list:
    case OptionType::zone_list: {
      const bool zones = spec.type == OptionType::zone_list;
      const std::string takes = name + " takes up to " + std::to_string(spec.maxItems) +
                                (zones ? " zone names like \"zen.spamhaus.org\"" : " addresses");
      if (!value.is_array()) return takes + ", not " + shown(value);
      // Resolvers are asked in the order given, each one kept: a repeat counts.
      if (!zones && value.size() > spec.maxItems) return takes;
      std::vector<std::string> distinct;
      for (const OptionValue& item : value) {
        if (!isText(item, spec.maxLength) || (zones && !isBlocklistZoneName(item.get<std::string>()))) {
          return takes + ", not " + shown(item);
        }
        addBlocklistZone(distinct, item.get<std::string>());  // case-blind: the same zone counts once
      }
      if (distinct.size() > spec.maxItems) return takes;
      return std::nullopt;
    }
    case OptionType::path:
      if (isText(value, spec.maxLength)) return std::nullopt;
      return name + " takes a file name (without control characters)";
    case OptionType::host_name:
      // Whatever goes into an SMTP command is checked first.
      if (isText(value, spec.maxLength) && smtp::isValidEhloName(value.get<std::string>())) return std::nullopt;
      return name + " takes a host name with a dot or an address literal like [198.51.100.1], not " + shown(value);
    case OptionType::dqs_key:
      if (isText(value, spec.maxLength) && isValidDqsKey(value.get<std::string>())) return std::nullopt;
      return name + " takes the key Spamhaus gave you: letters and digits only";
  }
  return name + " has a value of the wrong type";
}

}  // namespace

std::string_view optionTypeName(OptionType type) {
  switch (type) {
    case OptionType::boolean: return "boolean";
    case OptionType::seconds: return "seconds";
    case OptionType::port_list: return "port_list";
    case OptionType::address_list: return "address_list";
    case OptionType::zone_list: return "zone_list";
    case OptionType::path: return "path";
    case OptionType::host_name: return "host_name";
    case OptionType::dqs_key: return "dqs_key";
  }
  return "unknown";
}

std::span<const OptionSpec> checkOptionTable() {
  return table();
}

std::span<const OptionSpec> requestOptionTable() {
  return requestTable();
}

const OptionSpec* findOptionByName(std::string_view name) {
  const auto& options = table();
  const auto found = std::find_if(options.begin(), options.end(), [&](const OptionSpec& s) { return s.name == name; });
  return found == options.end() ? nullptr : &*found;
}

const OptionSpec* findOptionByFlag(std::string_view flag) {
  const auto& options = table();
  const auto found = std::find_if(options.begin(), options.end(), [&](const OptionSpec& s) { return s.flag == flag; });
  return found == options.end() ? nullptr : &*found;
}

ValidatedOptions validateCheckOptions(const OptionValue& values, OptionNaming naming) {
  ValidatedOptions result;
  if (values.is_null()) return result;
  if (!values.is_object()) {
    result.problems.push_back({"", "\"options\" must be an object"});
    return result;
  }
  for (const OptionSpec& spec : table()) {
    const auto found = values.find(spec.name);
    if (found == values.end()) continue;
    if (auto problem = problemWith(spec, *found, naming)) {
      result.problems.push_back({std::string(spec.name), std::move(*problem)});
    } else {
      spec.write(result.options, *found);
    }
  }
  return result;
}

ValidatedPolicy validateRequestPolicy(const OptionValue& values, OptionNaming naming) {
  ValidatedPolicy result;
  if (!values.is_object()) return result;
  for (const OptionSpec& spec : requestTable()) {
    const auto found = values.find(spec.name);
    if (found == values.end()) continue;
    if (auto problem = problemWith(spec, *found, naming)) {
      result.problems.push_back({std::string(spec.name), std::move(*problem)});
    } else {
      (spec.name == "fresh" ? result.policy.fresh : result.policy.history) = found->get<bool>();
    }
  }
  return result;
}

Error optionError(const OptionProblem& problem) {
  return Error{Errc::usage, problem.message, problem.option};
}

OptionValue checkOptionsToJson(const CheckOptions& options) {
  OptionValue values = OptionValue::object();
  for (const OptionSpec& spec : table()) values[std::string(spec.name)] = spec.read(options);
  return values;
}

OptionValue requestPolicyToJson(const RequestPolicy& policy) {
  return OptionValue{{"fresh", policy.fresh}, {"history", policy.history}};
}

OptionValue optionTableToJson(std::span<const OptionSpec> specs, const OptionValue& defaults) {
  OptionValue list = OptionValue::array();
  for (const OptionSpec& spec : specs) {
    OptionValue entry{{"name", spec.name}};
    if (!spec.flag.empty()) entry["flag"] = spec.flag;
    entry["type"] = optionTypeName(spec.type);
    entry["default"] = defaults.contains(spec.name) ? defaults[std::string(spec.name)] : OptionValue(nullptr);
    if (spec.minimum != 0 || spec.maximum != 0) {
      entry["minimum"] = spec.minimum;
      entry["maximum"] = spec.maximum;
    }
    if (spec.maxItems != 0) {
      entry["min_items"] = spec.minItems;
      entry["max_items"] = spec.maxItems;
    }
    if (spec.maxLength != 0) entry["max_length"] = spec.maxLength;
    entry["help"] = spec.help;
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace mxh::checks

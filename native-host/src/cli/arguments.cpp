#include "cli/arguments.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "checks/dnsbl.h"
#include "core/limits.h"
#include "core/text.h"

namespace mxh::cli {

const std::string_view kUsage =
    "Usage: mxhealth check TARGET [options]\n"
    "       mxhealth doctor\n"
    "       mxhealth --help | --version\n"
    "\n"
    "Checks whether the mail servers (MX) of a domain really work.\n"
    "TARGET is a domain, an email address (its domain is checked) or a URL (its host).\n"
    "\n"
    "Options:\n"
    "  --json                 print the full report as JSON (docs/report.md)\n"
    "  --verbose, -v          also print the notes (info findings) and every probe detail\n"
    "  --compare              record the check in the history and show what changed since\n"
    "                         the previous check of the domain\n"
    "  --no-smtp              DNS checks only: do not talk to the mail servers\n"
    "  --resolver ADDR[@PORT] ask this DNS resolver (repeatable; default: /etc/resolv.conf)\n"
    "  --trust-anchor FILE    DNSSEC trust anchor (default: the system's root key)\n"
    "  --allow-private        allow contacting MX addresses in non-public ranges\n"
    "  --timeout SECONDS      limit for the whole check (default 30, at most 300)\n"
    "  --ports LIST           ports to probe (default 25,587,465; 465 is implicit TLS)\n"
    "  --ehlo NAME            the name to send in EHLO (default: this machine's name)\n"
    "  --ca-file FILE         extra trusted CA certificates (PEM) for the certificate check\n"
    "  --connect-timeout S, --greeting-timeout S, --reply-timeout S, --tls-timeout S\n"
    "                         limits of the probe's phases (defaults 5, 20, 10, 10)\n"
    "  --blocklists LIST      DNS blocklists to ask, comma separated zones (default: a set of\n"
    "                         widely used lists, see docs/blocklists.md; 'none' asks none)\n"
    "  --blocklist-config FILE  the blocklists to ask, one zone per line\n"
    "  --dqs-key KEY          a Spamhaus DQS key (Spamhaus refuses queries from public resolvers)\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 healthy, 1 warnings, 2 errors (mail is at risk), 3 could not check.\n"
    "\n"
    "mxhealth doctor checks that your browsers can start mxhealth for the extension (the\n"
    "native messaging host manifests that installer/install.sh writes) and says how to fix\n"
    "what is wrong. Exit status: 0 registered and working, 1 a registration is broken or an\n"
    "installed browser has none, 2 not registered with any browser, 3 could not check.\n";

namespace {

Error usage(const std::string& message) {
  return Error{Errc::usage, message};
}

constexpr std::size_t kMaxPorts = 8;

std::string shown(std::string_view text) {
  return "'" + sanitizeForDisplay(text, 80) + "'";
}

Result<std::chrono::milliseconds> parseTimeout(std::string_view text) {
  unsigned seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  const auto min = std::chrono::duration_cast<std::chrono::seconds>(limits::kMinCheckTimeout).count();
  const auto max = std::chrono::duration_cast<std::chrono::seconds>(limits::kMaxCheckTimeout).count();
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || seconds < min || seconds > max) {
    return usage("--timeout takes whole seconds from " + std::to_string(min) + " to " + std::to_string(max) + ", not " +
                 shown(text));
  }
  return std::chrono::milliseconds(std::chrono::seconds(seconds));
}

// "zen.spamhaus.org,bl.spamcop.net" or "none". Zone names only: they become DNS query names.
constexpr std::size_t kMaxBlocklists = 32;

Result<std::vector<std::string>> parseBlocklistList(std::string_view text) {
  std::vector<std::string> zones;
  if (text == "none") return zones;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view zone = text.substr(start, comma - start);
    if (!checks::isBlocklistZoneName(zone)) {
      return usage("--blocklists takes zone names separated by commas (or 'none'), not " + shown(zone));
    }
    checks::addBlocklistZone(zones, zone);
    if (zones.size() > kMaxBlocklists) return usage("--blocklists takes at most 32 zones");
    start = comma + 1;
  }
  return zones;
}

Result<std::chrono::milliseconds> parsePhaseTimeout(std::string_view option, std::string_view text) {
  unsigned seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  const auto max = std::chrono::duration_cast<std::chrono::seconds>(limits::kMaxPhaseTimeout).count();
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || seconds < 1 || seconds > max) {
    return usage(std::string(option) + " takes whole seconds from 1 to " + std::to_string(max) + ", not " +
                 shown(text));
  }
  return std::chrono::milliseconds(std::chrono::seconds(seconds));
}

Result<std::vector<std::uint16_t>> parsePorts(std::string_view text) {
  std::vector<std::uint16_t> ports;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), port);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || port == 0 || port > 65535) {
      return usage("--ports takes a comma-separated list of port numbers, not " + shown(text));
    }
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(static_cast<std::uint16_t>(port));
    if (ports.size() > kMaxPorts) return usage("--ports takes at most " + std::to_string(kMaxPorts) + " ports");
    start = comma + 1;
  }
  return ports;
}

}  // namespace

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
    if (args.size() > 1) return usage("doctor takes no arguments, not " + shown(args[1]));
    return command;
  }
  if (first != "check") return usage("unknown command " + shown(first) + " (try: mxhealth --help)");
  command.kind = Command::Kind::check;
  ++i;

  std::optional<std::string> target;
  bool optionsEnded = false;
  while (i < args.size()) {
    std::string_view arg = args[i++];
    if (optionsEnded || arg.empty() || arg.front() != '-' || arg == "-") {
      if (target) return usage("more than one target given: " + shown(*target) + " and " + shown(arg));
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

    if (arg == "--json") {
      if (auto ok = flag(arg); !ok) return ok.error();
      command.json = true;
    } else if (arg == "--verbose" || arg == "-v") {
      if (auto ok = flag(arg); !ok) return ok.error();
      command.verbose = true;
    } else if (arg == "--compare") {
      if (auto ok = flag(arg); !ok) return ok.error();
      command.compare = true;
    } else if (arg == "--no-smtp") {
      if (auto ok = flag(arg); !ok) return ok.error();
      command.options.smtpProbe = false;
    } else if (arg == "--allow-private") {
      if (auto ok = flag(arg); !ok) return ok.error();
      command.options.allowPrivate = true;
    } else if (arg == "--resolver") {
      auto resolver = value(arg);
      if (!resolver) return resolver.error();
      command.options.resolvers.push_back(std::move(resolver).value());
    } else if (arg == "--trust-anchor") {
      auto file = value(arg);
      if (!file) return file.error();
      if (file->empty()) return usage("--trust-anchor needs a file name");
      command.options.trustAnchor = std::move(file).value();
    } else if (arg == "--timeout") {
      auto text = value(arg);
      if (!text) return text.error();
      auto timeout = parseTimeout(*text);
      if (!timeout) return timeout.error();
      command.options.timeout = *timeout;
    } else if (arg == "--ports") {
      auto text = value(arg);
      if (!text) return text.error();
      auto ports = parsePorts(*text);
      if (!ports) return ports.error();
      command.options.ports = std::move(ports).value();
    } else if (arg == "--ehlo") {
      auto name = value(arg);
      if (!name) return name.error();
      // Whatever goes into an SMTP command is checked first: a host name or an address literal.
      if (!smtp::isValidEhloName(*name)) {
        return usage("--ehlo takes a host name with a dot or an address literal like [198.51.100.1], not " +
                     shown(*name));
      }
      command.options.ehloName = std::move(name).value();
    } else if (arg == "--ca-file") {
      auto file = value(arg);
      if (!file) return file.error();
      if (file->empty()) return usage("--ca-file needs a file name");
      command.options.caFile = std::move(file).value();
    } else if (arg == "--connect-timeout" || arg == "--greeting-timeout" || arg == "--reply-timeout" ||
               arg == "--tls-timeout") {
      auto text = value(arg);
      if (!text) return text.error();
      auto timeout = parsePhaseTimeout(arg, *text);
      if (!timeout) return timeout.error();
      smtp::ProbeTimeouts& t = command.options.probeTimeouts;
      (arg == "--connect-timeout"    ? t.connect
       : arg == "--greeting-timeout" ? t.greeting
       : arg == "--reply-timeout"    ? t.reply
                                     : t.tls) = *timeout;
    } else if (arg == "--blocklists") {
      auto text = value(arg);
      if (!text) return text.error();
      auto zones = parseBlocklistList(*text);
      if (!zones) return zones.error();
      command.options.blocklists = std::move(zones).value();
      command.options.blocklistsSet = true;
    } else if (arg == "--blocklist-config") {
      auto file = value(arg);
      if (!file) return file.error();
      if (file->empty()) return usage("--blocklist-config needs a file name");
      command.blocklistConfig = std::move(file).value();
    } else if (arg == "--dqs-key") {
      auto key = value(arg);
      if (!key) return key.error();
      if (!checks::isValidDqsKey(*key))
        return usage("--dqs-key takes the key Spamhaus gave you: letters and digits only");
      command.options.dqsKey = std::move(key).value();
    } else if (arg == "--help" || arg == "-h") {
      command.kind = Command::Kind::help;
      return command;
    } else {
      return usage("unknown option " + shown(arg) + " (try: mxhealth --help)");
    }
  }
  if (!target) return usage("no domain given (try: mxhealth check example.com)");
  command.target = std::move(*target);
  return command;
}

}  // namespace mxh::cli

// What a caller may choose about one check (CheckOptions), and what it asks of the cache and the
// history around it (RequestPolicy). The defaults here are the only ones: the option table
// (option_table.h) reads them to advertise them, in --help, in `hello` and in the docs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "smtp/probe.h"

namespace mxh::checks {

struct CheckOptions {
  std::vector<std::string> resolvers;      // resolver; empty: the system's
  std::optional<std::string> trustAnchor;  // trust_anchor; nullopt: the system's root key
  bool allowPrivate = false;               // allow_private: non-public addresses may be contacted
  bool smtpProbe = true;                   // no_smtp turns it off
  std::chrono::milliseconds timeout = limits::kDefaultCheckTimeout;
  std::vector<std::uint16_t> ports = {25, 587, 465};  // ports, in the order they are shown
  std::string ehloName;                               // ehlo; empty: smtp::defaultEhloName()
  std::optional<std::string> caFile;                  // ca_file: extra TLS trust anchors
  smtp::ProbeTimeouts probeTimeouts;                  // connect_timeout, greeting_timeout, …
  // DNS blocklists to ask (zone names); meaningful only when blocklistsSet, else the default set
  // (defaultBlocklistZones()). An empty set asks none.
  std::vector<std::string> blocklists;
  bool blocklistsSet = false;
  // A Spamhaus Data Query Service key: Spamhaus lists are then asked through DQS, which
  // answers queries from public resolvers too. Never written to a report or a log.
  std::optional<std::string> dqsKey;
};

// Around a check, not part of it: the same options give the same report whatever these say.
struct RequestPolicy {
  bool fresh = false;   // fresh: do not answer from the result cache
  bool history = true;  // history: record the result in the history file and compare
};

}  // namespace mxh::checks

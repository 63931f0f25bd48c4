// What a caller (the CLI, later the native protocol) may choose about one check.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "smtp/probe.h"

namespace mxh::checks {

struct CheckOptions {
  std::vector<std::string> resolvers;      // --resolver; empty: the system's
  std::optional<std::string> trustAnchor;  // --trust-anchor; nullopt: the system's root key
  std::string resolvConfPath = "/etc/resolv.conf";
  bool allowPrivate = false;  // --allow-private: non-public addresses may be contacted
  bool smtpProbe = true;      // --no-smtp turns it off
  std::chrono::milliseconds timeout = limits::kDefaultCheckTimeout;
  std::vector<std::uint16_t> ports = {25, 587, 465};  // --ports
  std::string ehloName;                               // --ehlo; empty: smtp::defaultEhloName()
  std::optional<std::string> caFile;                  // --ca-file: extra TLS trust anchors
  smtp::ProbeTimeouts probeTimeouts;                  // --connect-timeout, --greeting-timeout, …
  // DNS blocklists to ask (zone names, or names of known lists); meaningful only when
  // blocklistsSet, else the default set. An empty set (--blocklists none) asks none.
  std::vector<std::string> blocklists;
  bool blocklistsSet = false;
  // A Spamhaus Data Query Service key: Spamhaus lists are then asked through DQS, which
  // answers queries from public resolvers too. Never written to a report or a log.
  std::optional<std::string> dqsKey;
};

}  // namespace mxh::checks

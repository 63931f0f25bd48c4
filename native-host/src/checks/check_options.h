// What a caller (the CLI, later the native protocol) may choose about one check.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
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

// A blocklist zone as the CLI and the extension may name it: LDH labels (and "_"), with a dot,
// no leading or trailing dot. It becomes part of DNS query names.
inline bool isBlocklistZoneName(std::string_view zone) {
  if (zone.empty() || zone.size() > 200 || zone.front() == '.' || zone.back() == '.') return false;
  std::size_t label = 0;
  for (const char c : zone) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ldh || ++label > 63) return false;
  }
  return zone.find('.') != std::string_view::npos;
}

// A Spamhaus DQS key goes into query names: letters and digits only.
inline bool isValidDqsKey(std::string_view key) {
  return !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

inline std::string lowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

}  // namespace mxh::checks

// What a caller (the CLI, later the native protocol) may choose about one check.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"

namespace mxh::checks {

struct CheckOptions {
  std::vector<std::string> resolvers;      // --resolver; empty: the system's
  std::optional<std::string> trustAnchor;  // --trust-anchor; nullopt: the system's root key
  std::string resolvConfPath = "/etc/resolv.conf";
  bool allowPrivate = false;  // --allow-private: non-public addresses may be contacted
  bool smtpProbe = true;      // --no-smtp turns it off (the probe arrives with issue 3)
  std::chrono::milliseconds timeout = limits::kDefaultCheckTimeout;
};

}  // namespace mxh::checks

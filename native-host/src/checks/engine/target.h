// What the user asked about, turned into the domain to check: a domain, an email address (its
// domain part), a mailto: link or a URL (its host).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "dns/domain_name.h"

namespace mxh::checks {

struct Target {
  std::string input;  // as given (sanitized for display)
  dns::DomainName domain;
};

Result<Target> parseTarget(std::string_view input);

}  // namespace mxh::checks

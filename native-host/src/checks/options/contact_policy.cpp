#include "checks/options/contact_policy.h"

namespace mxh::checks {

bool ContactPolicy::mayContact(const dns::IpAddress& address) const {
  return allowNonPublic_ || dns::classifyAddress(address).isPublic;
}

std::optional<std::string> ContactPolicy::refusal(const dns::IpAddress& address) const {
  if (mayContact(address)) return std::nullopt;
  return "not contacted: a non-public address (" + std::string(dns::classifyAddress(address).name) +
         "; allowed only when the check allows non-public addresses)";
}

}  // namespace mxh::checks

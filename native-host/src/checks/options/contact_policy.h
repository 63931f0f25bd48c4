// The one answer to "may this address be contacted, and if not, why". The SMTP probes, the
// MTA-STS policy fetch, the side checks (reverse DNS, blocklists) and the findings all ask it, so
// a non-public address is treated the same way everywhere.
#pragma once

#include <optional>
#include <string>

#include "checks/options/check_options.h"
#include "dns/ip_address.h"

namespace mxh::checks {

class ContactPolicy {
 public:
  // Non-public addresses (RFC 6890 ranges: private, loopback, documentation…) are contacted only
  // when the check allows them (allow_private), as for a private deployment.
  explicit ContactPolicy(bool allowNonPublic) : allowNonPublic_(allowNonPublic) {}
  static ContactPolicy of(const CheckOptions& options) { return ContactPolicy(options.allowPrivate); }

  [[nodiscard]] bool mayContact(const dns::IpAddress& address) const;
  // Why `address` is not contacted, in words; nullopt when it may be.
  [[nodiscard]] std::optional<std::string> refusal(const dns::IpAddress& address) const;
  // Whether non-public addresses are treated as a private deployment rather than as a mistake.
  [[nodiscard]] bool allowsNonPublic() const { return allowNonPublic_; }

 private:
  bool allowNonPublic_;
};

}  // namespace mxh::checks

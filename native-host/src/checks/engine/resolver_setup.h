// The resolver a check asks, chosen before the first question: validating DNSSEC when the path to
// the trust anchor lets it, else plain, with a note that says why (many home routers strip
// DNSSEC data, which would make every answer look bogus).
#pragma once

#include <optional>
#include <string>

#include "checks/options/check_options.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/result.h"
#include "dns/resolver.h"

namespace mxh::checks {

struct ResolverSetup {
  std::optional<dns::Resolver> resolver;
  bool validating = true;  // the side thread's resolver is set up the same way
  // The anchor's own key failed validation through this resolver: something rewrites DNS, so
  // its negative answers say nothing about a domain.
  bool untrusted = false;
  std::optional<std::string> note;
  std::optional<Error> unreachable;  // the resolver did not answer at all
};

// Asks for the trust anchor zone's DNSKEY (the root's, with the system key): if that does not
// validate, the check goes on without DNSSEC and says so.
Result<ResolverSetup> setUpResolver(const CheckOptions& options, Deadline deadline, const CancelToken& cancel);

}  // namespace mxh::checks

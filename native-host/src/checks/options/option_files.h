// The check options that name files or servers, tried before anything is asked, and the
// resolver configuration they make: both the options page (validate_options) and a check use them.
#pragma once

#include <vector>

#include "checks/options/check_options.h"
#include "checks/options/option_table.h"
#include "dns/resolver.h"

namespace mxh::checks {

// The CA file must be readable PEM certificates, the trust anchor a readable DS/DNSKEY file, the
// resolvers valid addresses. Empty when all are usable. runCheck refuses to start with the first.
std::vector<OptionProblem> checkOptionFiles(const CheckOptions& options);

// Everything wrong with the check options of a request, as the options page asks before it saves
// (validate_options): the table's problems first, then those of the files it names.
std::vector<OptionProblem> allOptionProblems(const OptionValue& values);

// The resolver the options ask for, validating DNSSEC or not.
dns::ResolverConfig resolverConfig(const CheckOptions& options, bool validate);

}  // namespace mxh::checks

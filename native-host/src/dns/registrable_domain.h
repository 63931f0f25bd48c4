// The registrable domain of a host name ("mail.google.com" -> "google.com"), from the public
// suffix list through libpsl, so the extension needs no copy of the list.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "dns/domain_name.h"

namespace mxh::dns {

// `host` as parseDomainName accepts it. The answer is in both forms; a public suffix itself
// ("co.uk") has no registrable domain (input.public_suffix).
Result<DomainName> registrableDomain(std::string_view host);

}  // namespace mxh::dns

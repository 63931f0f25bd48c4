// Domain names typed by a person: validated against the DNS's rules, international names
// converted to their ASCII form (IDNA2008 with UTS #46 mapping, via libidn2).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace mxh::dns {

struct DomainName {
  std::string ascii;    // lower case A-labels, no trailing dot: "xn--bcher-kva.example"
  std::string unicode;  // the same name for people: "bücher.example"
};

// Every failure names what is wrong ("the domain has an empty label (two dots in a row)").
Result<DomainName> parseDomainName(std::string_view text);

}  // namespace mxh::dns

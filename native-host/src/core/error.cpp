#include "core/error.h"

namespace mxh {

std::string_view errcName(Errc code) {
  switch (code) {
    case Errc::input_empty: return "input.empty";
    case Errc::input_too_long: return "input.too_long";
    case Errc::input_invalid_character: return "input.invalid_character";
    case Errc::input_empty_label: return "input.empty_label";
    case Errc::input_label_too_long: return "input.label_too_long";
    case Errc::input_label_hyphen: return "input.label_hyphen";
    case Errc::input_numeric_tld: return "input.numeric_tld";
    case Errc::input_single_label: return "input.single_label";
    case Errc::input_no_domain: return "input.no_domain";
    case Errc::input_ip_address: return "input.ip_address";
    case Errc::input_idn: return "input.invalid_idn";
    case Errc::input_special_use: return "input.special_use";
    case Errc::usage: return "input.usage";
    case Errc::dns_timeout: return "dns.timeout";
    case Errc::dns_servfail: return "dns.servfail";
    case Errc::dns_refused: return "dns.refused";
    case Errc::dns_rcode: return "dns.error";
    case Errc::dns_resolver: return "dns.resolver";
    case Errc::dns_config: return "dns.config";
    case Errc::cancelled: return "request.cancelled";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace mxh

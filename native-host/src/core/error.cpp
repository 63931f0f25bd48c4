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
    case Errc::input_public_suffix: return "input.public_suffix";
    case Errc::usage: return "input.usage";
    case Errc::dns_timeout: return "dns.timeout";
    case Errc::dns_servfail: return "dns.servfail";
    case Errc::dns_refused: return "dns.refused";
    case Errc::dns_rcode: return "dns.error";
    case Errc::dns_resolver: return "dns.resolver";
    case Errc::dns_config: return "dns.config";
    case Errc::dns_untrusted: return "dns.untrusted";
    case Errc::dns_truncated: return "dns.truncated";
    case Errc::dns_malformed: return "dns.malformed";
    case Errc::policy_syntax: return "policy.syntax";
    case Errc::net_refused: return "net.refused";
    case Errc::net_timeout: return "net.timeout";
    case Errc::net_unreachable: return "net.unreachable";
    case Errc::net_reset: return "net.reset";
    case Errc::net_closed: return "net.closed";
    case Errc::net_error: return "net.error";
    case Errc::tls_config: return "tls.config";
    case Errc::tls_handshake: return "tls.handshake";
    case Errc::tls_timeout: return "tls.timeout";
    case Errc::smtp_protocol: return "smtp.protocol";
    case Errc::smtp_timeout: return "smtp.timeout";
    case Errc::frame_empty: return "frame.empty";
    case Errc::frame_too_large: return "frame.too_large";
    case Errc::frame_truncated: return "frame.truncated";
    case Errc::frame_invalid_json: return "frame.invalid_json";
    case Errc::request_invalid: return "request.invalid";
    case Errc::request_unknown_type: return "request.unknown_type";
    case Errc::request_duplicate_id: return "request.duplicate_id";
    case Errc::request_busy: return "request.busy";
    case Errc::cancelled: return "request.cancelled";
    case Errc::registration_unreadable: return "registration.unreadable";
    case Errc::registration_invalid: return "registration.invalid";
    case Errc::registration_unsupported: return "registration.unsupported";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace mxh

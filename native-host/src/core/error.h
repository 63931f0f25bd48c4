// Errors as values: a stable machine-readable code plus one plain sentence for a person.
// The codes are part of the CLI's and the native protocol's contract; never rename one.
#pragma once

#include <string>
#include <string_view>

namespace mxh {

enum class Errc {
  // The user's input (a domain, address or URL) is not something we can check.
  input_empty,
  input_too_long,
  input_invalid_character,
  input_empty_label,
  input_label_too_long,
  input_label_hyphen,
  input_numeric_tld,
  input_single_label,
  input_no_domain,
  input_ip_address,
  input_idn,
  input_special_use,
  input_public_suffix,
  // Command-line or request options that make no sense.
  usage,
  // DNS: the question could not be answered (as opposed to a negative answer).
  dns_timeout,
  dns_servfail,
  dns_refused,
  dns_rcode,
  dns_resolver,
  dns_config,
  dns_untrusted,  // the resolver's answers fail DNSSEC validation at the trust anchor itself
  dns_truncated,  // the answer was too large to arrive whole (TC set even over TCP): not a negative answer
  dns_malformed,  // a record's data does not parse (dns/wire.h); a fact about the zone, not the resolver
  // Mail policies: an SPF, DMARC, TLS-RPT or MTA-STS record or policy file that breaks its grammar.
  policy_syntax,
  // Network: a connection could not be made or broke.
  net_refused,
  net_timeout,
  net_unreachable,
  net_reset,
  net_closed,
  net_error,
  // TLS and SMTP conversations.
  tls_config,
  tls_handshake,
  tls_timeout,
  smtp_protocol,
  smtp_timeout,
  // Native messaging.
  frame_empty,
  frame_too_large,
  frame_truncated,
  frame_invalid_json,
  request_invalid,
  request_unknown_type,
  request_duplicate_id,
  request_busy,
  // Browser registrations (mxhealth doctor): a host manifest that cannot be read or is not
  // a manifest, and a system whose browsers we do not know.
  registration_unreadable,
  registration_invalid,
  registration_unsupported,
  // Life cycle.
  cancelled,
  internal,
};

// The stable dotted name of a code, e.g. "dns.timeout".
std::string_view errcName(Errc code);

struct Error {
  Errc code;
  std::string message;
  // The check option that caused it ("ca_file", "trust_anchor", …, as named in the protocol),
  // so a front end can point at the setting; empty when no option did.
  std::string option = {};
};

}  // namespace mxh

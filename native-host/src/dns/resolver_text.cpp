// The resolver's words: the names of record types and DNSSEC states, and the text forms of its
// settings (a forwarder address with its port, the nameservers of resolv.conf).
#include <charconv>
#include <sstream>

#include "core/text.h"
#include "dns/ip_address.h"
#include "dns/resolver.h"
#include "dns/wire.h"

namespace mxh::dns {

std::string_view rrTypeName(RrType type) {
  switch (type) {
    case RrType::A: return "A";
    case RrType::NS: return "NS";
    case RrType::CNAME: return "CNAME";
    case RrType::SOA: return "SOA";
    case RrType::PTR: return "PTR";
    case RrType::MX: return "MX";
    case RrType::TXT: return "TXT";
    case RrType::AAAA: return "AAAA";
    case RrType::DS: return "DS";
    case RrType::DNSKEY: return "DNSKEY";
    case RrType::TLSA: return "TLSA";
  }
  return "?";
}

std::string_view dnssecStateName(DnssecState state) {
  switch (state) {
    case DnssecState::secure: return "secure";
    case DnssecState::insecure: return "insecure";
    case DnssecState::bogus: return "bogus";
    case DnssecState::unvalidated: return "unvalidated";
  }
  return "unvalidated";
}

bool Answer::followedCname(std::string_view queriedName) const {
  return !canonicalName.empty() && !sameName(canonicalName, queriedName);
}

Result<std::string> parseForwarder(std::string_view text) {
  const auto usage = [&](const std::string& why) {
    return Error{Errc::dns_config, "the resolver " + quotedForDisplay(text) + " " + why +
                                       " (give an address, optionally with a port: 127.0.0.1, ::1@5353)"};
  };
  std::string_view address = text;
  std::string port;
  if (const auto at = text.rfind('@'); at != std::string_view::npos) {
    address = text.substr(0, at);
    const std::string_view portText = text.substr(at + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
    if (portText.empty() || ec != std::errc() || end != portText.data() + portText.size() || value == 0 ||
        value > 65535) {
      return usage("has an invalid port");
    }
    port = std::to_string(value);
  }
  if (!address.empty() && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  const auto parsed = IpAddress::parse(address);
  if (!parsed) return usage("is not an IP address");
  std::string forwarder = parsed->toString();
  if (!port.empty()) forwarder += "@" + port;
  return forwarder;
}

std::vector<std::string> nameserversFromResolvConf(std::string_view text) {
  std::vector<std::string> servers;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword;
    std::string address;
    if (!(words >> keyword >> address) || keyword != "nameserver") continue;
    // A link-local address needs its interface ("fe80::1%eth0"), which a forwarder address
    // cannot carry: such entries are skipped.
    if (address.find('%') == std::string::npos && IpAddress::parse(address)) servers.push_back(address);
  }
  return servers;
}

}  // namespace mxh::dns

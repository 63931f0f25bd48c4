#include "dns/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mxh::dns {

IpAddress IpAddress::fromV4(std::span<const std::uint8_t, 4> bytes) {
  IpAddress address;
  address.family_ = Family::v4;
  std::copy(bytes.begin(), bytes.end(), address.bytes_.begin());
  return address;
}

IpAddress IpAddress::fromV6(std::span<const std::uint8_t, 16> bytes) {
  IpAddress address;
  address.family_ = Family::v6;
  std::copy(bytes.begin(), bytes.end(), address.bytes_.begin());
  return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string zeroTerminated(text);
  std::array<std::uint8_t, 16> buffer{};
  if (inet_pton(AF_INET, zeroTerminated.c_str(), buffer.data()) == 1) {
    return fromV4(std::span<const std::uint8_t, 4>(buffer.data(), 4));
  }
  if (inet_pton(AF_INET6, zeroTerminated.c_str(), buffer.data()) == 1) {
    return fromV6(std::span<const std::uint8_t, 16>(buffer.data(), 16));
  }
  return std::nullopt;
}

std::string IpAddress::toString() const {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const int af = family_ == Family::v4 ? AF_INET : AF_INET6;
  if (inet_ntop(af, bytes_.data(), text.data(), static_cast<socklen_t>(text.size())) == nullptr) return {};
  return text.data();
}

namespace {

struct SpecialRange {
  IpAddress network;
  unsigned prefixLength;
  AddressScope scope;
};

bool inRange(const IpAddress& address, const SpecialRange& range) {
  if (address.family() != range.network.family()) return false;
  const auto a = address.bytes();
  const auto n = range.network.bytes();
  const unsigned fullBytes = range.prefixLength / 8;
  const unsigned restBits = range.prefixLength % 8;
  if (!std::equal(a.begin(), a.begin() + fullBytes, n.begin())) return false;
  if (restBits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xffU << (8 - restBits));
  return (a[fullBytes] & mask) == (n[fullBytes] & mask);
}

// The IANA special-purpose registries (RFC 6890 and updates) for addresses that are not
// reachable public unicast. More specific ranges come before the ranges that contain them.
const std::vector<SpecialRange>& specialRanges() {
  static const std::vector<SpecialRange> ranges = [] {
    struct Row {
      const char* network;
      unsigned prefixLength;
      const char* name;
      const char* reference;
    };
    static constexpr Row kRows[] = {
        {"0.0.0.0", 8, "\"this network\" (RFC 791)", "RFC 791"},
        {"10.0.0.0", 8, "private network (RFC 1918)", "RFC 1918"},
        {"100.64.0.0", 10, "shared address space / carrier-grade NAT (RFC 6598)", "RFC 6598"},
        {"127.0.0.0", 8, "loopback (RFC 1122)", "RFC 1122"},
        {"169.254.0.0", 16, "link-local (RFC 3927)", "RFC 3927"},
        {"172.16.0.0", 12, "private network (RFC 1918)", "RFC 1918"},
        {"192.0.0.0", 24, "IETF protocol assignments (RFC 6890)", "RFC 6890"},
        {"192.0.2.0", 24, "documentation (RFC 5737)", "RFC 5737"},
        {"192.88.99.0", 24, "deprecated 6to4 relay anycast (RFC 7526)", "RFC 7526"},
        {"192.168.0.0", 16, "private network (RFC 1918)", "RFC 1918"},
        {"198.18.0.0", 15, "benchmarking (RFC 2544)", "RFC 2544"},
        {"198.51.100.0", 24, "documentation (RFC 5737)", "RFC 5737"},
        {"203.0.113.0", 24, "documentation (RFC 5737)", "RFC 5737"},
        {"224.0.0.0", 4, "multicast (RFC 5771)", "RFC 5771"},
        {"240.0.0.0", 4, "reserved (RFC 1112)", "RFC 1112"},
        {"::", 128, "unspecified address (RFC 4291)", "RFC 4291"},
        {"::1", 128, "loopback (RFC 4291)", "RFC 4291"},
        {"::ffff:0:0", 96, "IPv4-mapped address (RFC 4291)", "RFC 4291"},
        {"64:ff9b:1::", 48, "local-use IPv4/IPv6 translation (RFC 8215)", "RFC 8215"},
        {"100::", 64, "discard-only (RFC 6666)", "RFC 6666"},
        {"2001:db8::", 32, "documentation (RFC 3849)", "RFC 3849"},
        {"2001::", 23, "IETF protocol assignments (RFC 2928)", "RFC 2928"},
        {"2002::", 16, "6to4 (RFC 3056)", "RFC 3056"},
        {"3fff::", 20, "documentation (RFC 9637)", "RFC 9637"},
        {"5f00::", 16, "segment routing SIDs (RFC 9602)", "RFC 9602"},
        {"fc00::", 7, "unique local address (RFC 4193)", "RFC 4193"},
        {"fe80::", 10, "link-local (RFC 4291)", "RFC 4291"},
        {"ff00::", 8, "multicast (RFC 4291)", "RFC 4291"},
    };
    std::vector<SpecialRange> parsed;
    for (const Row& row : kRows) {
      parsed.push_back({*IpAddress::parse(row.network), row.prefixLength, {false, row.name, row.reference}});
    }
    return parsed;
  }();
  return ranges;
}

}  // namespace

AddressScope classifyAddress(const IpAddress& address) {
  // 2001::/23 holds a few globally reachable blocks (AMT 2001:3::/32, for one); mail servers
  // do not live there, so the whole block counts as special.
  for (const SpecialRange& range : specialRanges()) {
    if (inRange(address, range)) return range.scope;
  }
  if (address.family() == IpAddress::Family::v6) {
    // Only 2000::/3 is allocated as global unicast.
    if ((address.bytes()[0] & 0xe0U) != 0x20U) {
      return {false, "reserved IPv6 space (outside 2000::/3, RFC 4291)", "RFC 4291"};
    }
  }
  return {};
}

}  // namespace mxh::dns

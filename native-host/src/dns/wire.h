// Decoding the RDATA that libunbound hands back (uncompressed wire format) into values.
// Every decoder checks lengths before reading: a malformed record is an error, never a crash.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/result.h"
#include "dns/ip_address.h"

namespace mxh::dns {

struct MxRdata {
  std::uint16_t preference = 0;
  std::string exchange;  // lower case, no trailing dot; "." is the root (Null MX, RFC 7505)
};

struct DecodedName {
  std::string name;        // presentation form (see decodeName)
  std::size_t wireLength;  // octets the name took in the wire data
};

// A wire-format name at the start of `wire` in presentation form: lower case, no trailing dot,
// bytes outside letters/digits/hyphen/underscore escaped as \DDD (RFC 1035 §5.1); the root is ".".
// Compression pointers are refused (RDATA from libunbound is never compressed).
Result<DecodedName> decodeName(std::span<const std::uint8_t> wire);

// True for a host name that senders can use: LDH labels (RFC 1123 §2.1), no escapes.
bool isHostName(std::string_view name);

Result<MxRdata> decodeMx(std::span<const std::uint8_t> rdata);
Result<IpAddress> decodeA(std::span<const std::uint8_t> rdata);
Result<IpAddress> decodeAaaa(std::span<const std::uint8_t> rdata);

// Compare DNS names as the DNS does: ASCII case-insensitive, a trailing dot ignored.
bool sameName(std::string_view a, std::string_view b);

}  // namespace mxh::dns

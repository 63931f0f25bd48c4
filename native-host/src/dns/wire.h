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
// The name a PTR record points at: one uncompressed name filling the whole RDATA.
Result<std::string> decodePtr(std::span<const std::uint8_t> rdata);
Result<IpAddress> decodeA(std::span<const std::uint8_t> rdata);
Result<IpAddress> decodeAaaa(std::span<const std::uint8_t> rdata);

// One TXT record's text: its character-strings concatenated without separators (RFC 1035
// §3.3.14; SPF and DMARC read a record so, RFC 7208 §3.3, RFC 7489 §6.6.3). At most `maxLength`
// characters are kept and `length` is the whole text's, so a record too long to read is still a
// record of known size. Malformed when a string runs past the end of the RDATA.
struct TxtText {
  std::string text;
  std::size_t length = 0;
  bool complete() const { return text.size() == length; }
};
Result<TxtText> decodeTxt(std::span<const std::uint8_t> rdata, std::size_t maxLength);

// The labels that stand for an address in the reverse tree and in address blocklists: the
// octets of an IPv4 address in reverse ("4.3.2.1" for 1.2.3.4), 32 nibbles least significant
// first for IPv6 (RFC 1035 §3.5, RFC 3596 §2.5, RFC 5782 §2.1, §2.4).
std::string reversedAddressLabels(const IpAddress& address);
// The name that holds the PTR of an address: reversedAddressLabels + ".in-addr.arpa" or ".ip6.arpa".
std::string reverseName(const IpAddress& address);

// A name as the report and comparisons use it: ASCII lower case, no trailing dot ("." stays the root).
std::string canonicalName(std::string_view name);
// Compare DNS names as the DNS does: ASCII case-insensitive, a trailing dot ignored.
bool sameName(std::string_view a, std::string_view b);

}  // namespace mxh::dns

#include "dns/wire.h"

#include <algorithm>

#include "core/limits.h"
#include "core/text.h"

namespace mxh::dns {
namespace {

Error malformed(const std::string& what) {
  return Error{Errc::dns_malformed, "malformed DNS record: " + what};
}

void appendLabelByte(std::string& out, std::uint8_t byte) {
  const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte == '-' || byte == '_';
  if (byte >= 'A' && byte <= 'Z') {
    out += static_cast<char>(byte - 'A' + 'a');
  } else if (plain) {
    out += static_cast<char>(byte);
  } else {
    out += '\\';
    out += static_cast<char>('0' + byte / 100);
    out += static_cast<char>('0' + (byte / 10) % 10);
    out += static_cast<char>('0' + byte % 10);
  }
}

}  // namespace

Result<DecodedName> decodeName(std::span<const std::uint8_t> wire) {
  std::string name;
  std::size_t pos = 0;
  std::size_t wireLength = 0;
  while (true) {
    if (pos >= wire.size()) return malformed("name runs past the end of the record");
    const std::uint8_t length = wire[pos];
    if ((length & 0xc0U) != 0) return malformed("compressed or extended label in RDATA");
    ++pos;
    wireLength += 1U + length;
    if (wireLength > 255) return malformed("name longer than 255 octets");
    if (length == 0) break;
    if (pos + length > wire.size()) return malformed("label runs past the end of the record");
    if (!name.empty()) name += '.';
    for (std::size_t i = 0; i < length; ++i) appendLabelByte(name, wire[pos + i]);
    pos += length;
  }
  if (name.empty()) name.push_back('.');  // the root
  return DecodedName{std::move(name), pos};
}

Result<MxRdata> decodeMx(std::span<const std::uint8_t> rdata) {
  if (rdata.size() < 3) return malformed("MX record shorter than 3 octets");
  MxRdata mx;
  mx.preference = static_cast<std::uint16_t>((rdata[0] << 8U) | rdata[1]);
  auto exchange = decodeName(rdata.subspan(2));
  if (!exchange) return exchange.error();
  if (2 + exchange->wireLength != rdata.size()) return malformed("trailing octets after the MX exchange");
  mx.exchange = std::move(exchange->name);
  return mx;
}

Result<IpAddress> decodeA(std::span<const std::uint8_t> rdata) {
  if (rdata.size() != 4) return malformed("A record is not 4 octets");
  return IpAddress::fromV4(rdata.first<4>());
}

Result<IpAddress> decodeAaaa(std::span<const std::uint8_t> rdata) {
  if (rdata.size() != 16) return malformed("AAAA record is not 16 octets");
  return IpAddress::fromV6(rdata.first<16>());
}

bool isHostName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char c : label) {
      const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ldh) return false;
    }
    start = dot + 1;
  }
  return true;
}

Result<std::string> decodePtr(std::span<const std::uint8_t> rdata) {
  auto name = decodeName(rdata);
  if (!name) return name.error();
  if (name->wireLength != rdata.size()) return malformed("trailing octets after the PTR name");
  return std::move(name->name);
}

Result<TxtText> decodeTxt(std::span<const std::uint8_t> rdata, std::size_t maxLength) {
  TxtText decoded;
  std::size_t at = 0;
  while (at < rdata.size()) {
    const std::size_t length = rdata[at];
    if (at + 1 + length > rdata.size()) return malformed("a TXT string runs past the end of the record");
    const std::size_t kept = std::min(length, maxLength - decoded.text.size());
    decoded.text.append(reinterpret_cast<const char*>(rdata.data() + at + 1), kept);
    decoded.length += length;
    at += 1 + length;
  }
  return decoded;
}

std::string reversedAddressLabels(const IpAddress& address) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto bytes = address.bytes();
  std::string labels;
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
    if (!labels.empty()) labels += '.';
    if (address.family() == IpAddress::Family::v4) {
      labels += std::to_string(*it);
    } else {
      labels += kHex[*it & 0x0fU];
      labels += '.';
      labels += kHex[*it >> 4U];
    }
  }
  return labels;
}

std::string reverseName(const IpAddress& address) {
  return reversedAddressLabels(address) + (address.family() == IpAddress::Family::v4 ? ".in-addr.arpa" : ".ip6.arpa");
}

std::string canonicalName(std::string_view name) {
  std::string out = toLowerAscii(name);
  if (out.size() > 1 && out.back() == '.') out.pop_back();
  return out;
}

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() > 1 && a.back() == '.') a.remove_suffix(1);
  if (b.size() > 1 && b.back() == '.') b.remove_suffix(1);
  return equalsIgnoreCaseAscii(a, b);
}

}  // namespace mxh::dns

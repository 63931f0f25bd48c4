// Shared ways of reading a fuzzer's bytes: NUL-separated parts for targets that take several
// texts, and a DNS answer built from bytes for targets that judge answers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dns/resolver.h"

namespace mxh::fuzz {

// The first `count` NUL-separated parts, then the rest (NULs included) as the last part.
inline std::vector<std::string_view> splitParts(std::string_view input, std::size_t count) {
  std::vector<std::string_view> parts;
  while (parts.size() < count) {
    const std::size_t end = input.find('\0');
    if (end == std::string_view::npos) break;
    parts.push_back(input.substr(0, end));
    input.remove_prefix(end + 1);
  }
  parts.push_back(input);
  parts.resize(count + 1);
  return parts;
}

// An answer from bytes. Control octet `bytes[0]`: bits 0-1 outcome (2: NODATA, or NXDOMAIN with
// bit 7; otherwise data), bits 2-3 the DNSSEC state; then length-prefixed records, at most
// `maxRecords`. A caller that wants failed lookups reads them from the control octet first.
inline dns::Answer answerFromBytes(std::span<const std::uint8_t> bytes, std::size_t maxRecords) {
  const std::uint8_t control = bytes.empty() ? 0 : bytes[0];
  dns::Answer answer;
  answer.outcome = (control & 3U) == 2U ? ((control & 0x80U) != 0 ? dns::Outcome::nxdomain : dns::Outcome::nodata)
                                        : dns::Outcome::data;
  answer.dnssec = static_cast<dns::DnssecState>((control >> 2U) & 3U);
  if (answer.dnssec == dns::DnssecState::bogus) answer.whyBogus = "no signatures";
  std::size_t at = 1;
  while (at < bytes.size() && answer.rdata.size() < maxRecords) {
    const std::size_t length = std::min<std::size_t>(bytes[at], bytes.size() - at - 1);
    answer.rdata.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at + 1),
                              bytes.begin() + static_cast<std::ptrdiff_t>(at + 1 + length));
    at += 1 + length;
  }
  return answer;
}

}  // namespace mxh::fuzz

// The A-record values that mean something beyond one list's own table (host order, as
// ReturnCode holds them): the lists' tables name them, and reading an answer must recognise them.
#pragma once

#include <cstdint>

namespace mxh::checks::blocklist_codes {

constexpr std::uint32_t ip4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24U) | (b << 16U) | (c << 8U) | d;
}

constexpr std::uint32_t kLoopback = ip4(127, 0, 0, 1);
constexpr std::uint32_t kSpamhausErrorRange = ip4(127, 255, 255, 0);  // a /24 of error codes
constexpr std::uint32_t kSpamhausTypo = ip4(127, 255, 255, 252);
constexpr std::uint32_t kSpamhausPublicResolver = ip4(127, 255, 255, 254);
constexpr std::uint32_t kSpamhausTooManyQueries = ip4(127, 255, 255, 255);

}  // namespace mxh::checks::blocklist_codes

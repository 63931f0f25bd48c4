// Fuzz target: RDATA decoders (names, MX, A, AAAA) on arbitrary bytes.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dns/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (const auto name = mxh::dns::decodeName(bytes); name) {
    if (name->wireLength == 0 || name->wireLength > size || name->name.empty()) std::abort();
  }
  if (const auto mx = mxh::dns::decodeMx(bytes); mx) {
    if (mx->exchange.empty() || mx->exchange.size() > 4 * 255) std::abort();
  }
  if (const auto a = mxh::dns::decodeA(bytes); a && a->version() != 4) std::abort();
  if (const auto aaaa = mxh::dns::decodeAaaa(bytes); aaaa && aaaa->version() != 6) std::abort();
  return 0;
}

// Fuzz target: the sanitizer that stands between hostile text and a terminal or page.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t limit = size % 97;
  const std::string out = mxh::sanitizeForDisplay(input, limit);
  // Within the limit, and free of raw control bytes.
  if (out.size() > limit) std::abort();
  for (const char c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) std::abort();
  }
  // Sanitizing its own output changes nothing.
  if (mxh::sanitizeForDisplay(out, limit) != out) std::abort();
  return 0;
}

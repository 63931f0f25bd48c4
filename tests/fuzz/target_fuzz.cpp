// Fuzz target: whatever a person or a web page hands us as a target (domain, address, URL).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks/engine/target.h"
#include "core/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto target = mxh::checks::parseTarget(input);
  if (!target) return 0;
  // Whatever is accepted is a valid, lower-case LDH name within the limits.
  const std::string& ascii = target->domain.ascii;
  if (ascii.empty() || ascii.size() > mxh::limits::kMaxDomainLength) std::abort();
  for (const char c : ascii) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) std::abort();
  }
  if (ascii.find("..") != std::string::npos || ascii.front() == '.' || ascii.back() == '.') std::abort();
  return 0;
}

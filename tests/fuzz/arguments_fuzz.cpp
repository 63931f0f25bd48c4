// Fuzz target: the command line, as NUL-separated arguments.
#include <cstdint>
#include <string_view>
#include <vector>

#include "cli/arguments.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> args;
  std::size_t start = 0;
  while (start <= input.size() && args.size() < 64) {
    const std::size_t end = std::min(input.find('\0', start), input.size());
    args.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  (void)mxh::cli::parseArguments(args);
  return 0;
}

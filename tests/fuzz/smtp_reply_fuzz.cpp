// Fuzz target: SMTP replies and EHLO capabilities from a hostile server.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/limits.h"
#include "smtp/capabilities.h"
#include "smtp/reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string buffer(reinterpret_cast<const char*>(data), size);
  mxh::smtp::ReplyParser parser;
  for (int replies = 0; replies < 16; ++replies) {
    const std::size_t before = buffer.size();
    auto reply = parser.consume(buffer);
    if (!reply || !*reply) break;
    const mxh::smtp::Reply& r = **reply;
    if (r.code < 200 || r.code > 599 || r.lines.empty() || r.lines.size() > mxh::limits::kMaxReplyLines) std::abort();
    if (buffer.size() >= before) std::abort();  // a reply always consumes input
    (void)mxh::smtp::parseCapabilities(r);
  }
  return 0;
}

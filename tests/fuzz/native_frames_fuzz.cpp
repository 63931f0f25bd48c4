// Fuzz target: what a browser (or anything else on our stdin) can send: frames, then requests.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <variant>

#include "core/limits.h"
#include "protocol/framing.h"
#include "protocol/messages.h"

namespace {
class BytesSource final : public mxh::protocol::ByteSource {
 public:
  BytesSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  mxh::Result<std::size_t> read(std::span<char> buffer) override {
    const std::size_t n = std::min(buffer.size(), size_ - position_);
    if (n > 0) std::memcpy(buffer.data(), data_ + position_, n);  // data_ may be null when size_ is 0
    position_ += n;
    return n;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesSource source(data, size);
  mxh::protocol::FrameReader reader(source);
  for (int frames = 0; frames < 64; ++frames) {
    auto frame = reader.next();
    if (!frame || !*frame) break;
    if ((*frame)->empty() || (*frame)->size() > mxh::limits::kMaxInboundFrame) std::abort();
    auto request = mxh::protocol::parseRequest(**frame);
    if (auto* parsed = std::get_if<mxh::protocol::Request>(&request)) {
      if (!parsed->params.is_object()) std::abort();
      if (parsed->type == "check" && parsed->params.contains("options")) {
        (void)mxh::protocol::parseCheckOptions(parsed->params["options"]);
      }
    }
  }
  return 0;
}

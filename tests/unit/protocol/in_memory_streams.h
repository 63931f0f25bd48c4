// Test doubles for the protocol tests: byte streams in memory and a frame builder.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "protocol/framing.h"

namespace mxh::protocol::testing {

// Hands out its bytes at most `chunk` at a time, like a pipe under load; counts the reads.
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string bytes, std::size_t chunk = std::numeric_limits<std::size_t>::max())
      : bytes_(std::move(bytes)), chunk_(chunk) {}
  Result<std::size_t> read(std::span<char> buffer) override {
    const std::size_t n = std::min({chunk_, buffer.size(), bytes_.size() - position_});
    std::memcpy(buffer.data(), bytes_.data() + position_, n);
    position_ += n;
    ++reads;
    return n;
  }
  int reads = 0;

 private:
  std::string bytes_;
  std::size_t chunk_;
  std::size_t position_ = 0;
};

class StringSink final : public ByteSink {
 public:
  Status writeAll(std::string_view data) override {
    bytes.append(data);
    return Ok{};
  }
  std::string bytes;
};

// A length in native byte order, as the browsers write it.
inline std::string lengthPrefix(std::uint32_t length) {
  std::string out(sizeof length, '\0');
  std::memcpy(out.data(), &length, sizeof length);
  return out;
}

inline std::string frame(const std::string& body) {
  return lengthPrefix(static_cast<std::uint32_t>(body.size())) + body;
}

}  // namespace mxh::protocol::testing

// Native messaging frames (Chrome and Firefox): a 32-bit length in native byte order, then that
// many bytes of UTF-8 JSON. The reader checks the length before it allocates anything; the
// writer is safe to call from several threads and never sends more than the browsers accept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/result.h"

namespace mxh::protocol {

// Where frames come from: a blocking read of at most buffer.size() bytes; 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<std::size_t> read(std::span<char> buffer) = 0;
};

// Where frames go: writes all of `data` or fails.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status writeAll(std::string_view data) = 0;
};

class FdByteSource final : public ByteSource {
 public:
  explicit FdByteSource(int fd) : fd_(fd) {}
  Result<std::size_t> read(std::span<char> buffer) override;

 private:
  int fd_;
};

class FdByteSink final : public ByteSink {
 public:
  explicit FdByteSink(int fd) : fd_(fd) {}
  Status writeAll(std::string_view data) override;

 private:
  int fd_;
};

// Reads whole frames. After an error the stream cannot be resynchronised: stop reading.
class FrameReader {
 public:
  explicit FrameReader(ByteSource& source) : source_(source) {}
  // The next frame's body; nullopt at a clean end of input (between frames). Errors:
  // frame.empty (length 0), frame.too_large (over limits::kMaxInboundFrame), frame.truncated.
  Result<std::optional<std::string>> next();

 private:
  // Fills `buffer` completely; false if the input ends first (`got` says how far it came).
  Result<bool> readExactly(std::span<char> buffer, std::size_t& got);
  ByteSource& source_;
};

class FrameWriter {
 public:
  explicit FrameWriter(ByteSink& sink) : sink_(sink) {}
  // One frame; frame.too_large (nothing written) when `json` exceeds limits::kMaxOutboundFrame.
  Status write(std::string_view json);

 private:
  ByteSink& sink_;
  std::mutex mutex_;  // frames from concurrent checks must not interleave
};

}  // namespace mxh::protocol

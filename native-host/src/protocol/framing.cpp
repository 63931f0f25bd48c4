#include "protocol/framing.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/limits.h"

namespace mxh::protocol {

Result<std::size_t> FdByteSource::read(std::span<char> buffer) {
  while (true) {
    const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    return Error{Errc::net_error, std::string("reading standard input failed: ") + std::strerror(errno)};
  }
}

Status FdByteSink::writeAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd_, data.data(), data.size());
    if (written > 0) {
      data.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    return Error{Errc::net_error, std::string("writing to the browser failed: ") + std::strerror(errno)};
  }
  return Ok{};
}

Result<bool> FrameReader::readExactly(std::span<char> buffer, std::size_t& got) {
  got = 0;
  while (got < buffer.size()) {
    auto chunk = source_.read(buffer.subspan(got));
    if (!chunk) return chunk.error();
    if (*chunk == 0) return false;
    got += *chunk;
  }
  return true;
}

Result<std::optional<std::string>> FrameReader::next() {
  std::array<char, 4> header{};
  std::size_t got = 0;
  auto complete = readExactly(header, got);
  if (!complete) return complete.error();
  if (!*complete) {
    if (got == 0) return std::optional<std::string>{};
    return Error{Errc::frame_truncated, "the input ended inside a frame's length"};
  }
  std::uint32_t length = 0;
  std::memcpy(&length, header.data(), sizeof length);  // native byte order, as the browsers send it
  if (length == 0) return Error{Errc::frame_empty, "a frame of length 0"};
  if (length > limits::kMaxInboundFrame) {
    return Error{Errc::frame_too_large, "a frame of " + std::to_string(length) + " bytes; the limit is " +
                                            std::to_string(limits::kMaxInboundFrame)};
  }
  std::string body(length, '\0');
  complete = readExactly(std::span<char>(body.data(), body.size()), got);
  if (!complete) return complete.error();
  if (!*complete) {
    return Error{Errc::frame_truncated,
                 "the input ended after " + std::to_string(got) + " of " + std::to_string(length) + " announced bytes"};
  }
  return std::optional<std::string>(std::move(body));
}

Status FrameWriter::write(std::string_view json) {
  if (json.size() > limits::kMaxOutboundFrame) {
    return Error{Errc::frame_too_large, "a message of " + std::to_string(json.size()) + " bytes; browsers accept " +
                                            std::to_string(limits::kMaxOutboundFrame)};
  }
  const auto length = static_cast<std::uint32_t>(json.size());
  std::string frame(sizeof length, '\0');
  std::memcpy(frame.data(), &length, sizeof length);
  frame.append(json);
  const std::lock_guard lock(mutex_);
  return sink_.writeAll(frame);
}

}  // namespace mxh::protocol

// A TCP connection owned by one object: non-blocking, close-on-exec, closed when it goes away.
// Every operation takes a deadline and a cancel token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/cancel.h"
#include "core/clock.h"
#include "core/result.h"
#include "dns/ip_address.h"

namespace mxh::net {

class Socket {
 public:
  // net.refused, net.timeout, net.unreachable or net.error when no connection is made.
  static Result<Socket> connect(const dns::IpAddress& address, std::uint16_t port, Deadline deadline,
                                const CancelToken& cancel);

  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  // Bytes read (at least 1), or net.closed / net.reset / net.timeout / request.cancelled.
  Result<std::size_t> read(std::span<char> buffer, Deadline deadline, const CancelToken& cancel);
  Status writeAll(std::string_view data, Deadline deadline, const CancelToken& cancel);
  [[nodiscard]] int fd() const { return fd_; }

 private:
  explicit Socket(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mxh::net

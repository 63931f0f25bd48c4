#include "net/socket.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/fd_wait.h"

namespace mxh::net {
namespace {

Status waitFor(int fd, short events, Deadline deadline, const CancelToken& cancel, const Error& onTimeout) {
  switch (waitForFd(fd, events, deadline, cancel)) {
    case FdWait::ready: return Ok{};
    case FdWait::timeout: return onTimeout;
    case FdWait::cancelled: return Error{Errc::cancelled, "the check was cancelled"};
    case FdWait::failed: break;
  }
  return Error{Errc::net_error, std::string("waiting on the connection failed: ") + std::strerror(errno)};
}

Error connectError(int error) {
  switch (error) {
    case ECONNREFUSED: return Error{Errc::net_refused, "the connection was refused (nothing listens on that port)"};
    case ETIMEDOUT: return Error{Errc::net_timeout, "the connection attempt timed out"};
    case ENETUNREACH:
    case EHOSTUNREACH: return Error{Errc::net_unreachable, "the address is unreachable from this network"};
    case ECONNRESET: return Error{Errc::net_reset, "the connection was reset"};
    default: return Error{Errc::net_error, std::string("the connection failed: ") + std::strerror(error)};
  }
}

}  // namespace

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Socket> Socket::connect(const dns::IpAddress& address, std::uint16_t port, Deadline deadline,
                               const CancelToken& cancel) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const auto bytes = address.bytes();
  if (address.family() == dns::IpAddress::Family::v4) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, bytes.data(), 4);
    length = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::memcpy(&v6->sin6_addr, bytes.data(), 16);
    length = sizeof(sockaddr_in6);
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{Errc::net_error, std::string("cannot create a socket: ") + std::strerror(errno)};
  Socket socket(fd);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0) return socket;
  if (errno != EINPROGRESS) return connectError(errno);
  auto ready = waitFor(fd, POLLOUT, deadline, cancel,
                       Error{Errc::net_timeout, "no answer to the connection attempt in time (packets dropped?)"});
  if (!ready) return ready.error();
  int error = 0;
  socklen_t errorLength = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &errorLength) != 0) error = errno;
  if (error != 0) return connectError(error);
  return socket;
}

Result<std::size_t> Socket::read(std::span<char> buffer, Deadline deadline, const CancelToken& cancel) {
  while (true) {
    const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (got > 0) return static_cast<std::size_t>(got);
    if (got == 0) return Error{Errc::net_closed, "the server closed the connection"};
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return connectError(errno);
    auto ready = waitFor(fd_, POLLIN, deadline, cancel, Error{Errc::net_timeout, "the server did not answer in time"});
    if (!ready) return ready.error();
  }
}

Status Socket::writeAll(std::string_view data, Deadline deadline, const CancelToken& cancel) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return connectError(errno);
    auto ready =
        waitFor(fd_, POLLOUT, deadline, cancel, Error{Errc::net_timeout, "the server did not accept data in time"});
    if (!ready) return ready.error();
  }
  return Ok{};
}

}  // namespace mxh::net

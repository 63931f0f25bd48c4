// Test-only DNS servers on loopback UDP, enough to drive libunbound for real: a responder thread
// that answers each query through a function, and a server that answers from a table of records.
#pragma once

#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dns/resolver.h"

namespace mxh::testing {

struct BoundUdp {
  int fd;
  unsigned port;
};

// A UDP socket on 127.0.0.1 with a port the kernel picked.
inline BoundUdp bindLoopbackUdp() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  return {fd, ntohs(address.sin_port)};
}

// A thread on a loopback UDP socket that passes each datagram of 12 octets or more (a DNS header)
// to `respond` and sends back what it returns; an empty reply is no reply.
class UdpResponder {
 public:
  using Respond = std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>& query)>;

  explicit UdpResponder(Respond respond) : respond_(std::move(respond)) {
    const BoundUdp bound = bindLoopbackUdp();
    fd_ = bound.fd;
    port_ = bound.port;
    thread_ = std::thread([this] { serve(); });
  }
  ~UdpResponder() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  UdpResponder(const UdpResponder&) = delete;
  UdpResponder& operator=(const UdpResponder&) = delete;

  // The server as a resolver forwarder: "127.0.0.1@port".
  [[nodiscard]] std::string forwarder() const { return "127.0.0.1@" + std::to_string(port_); }
  // How many replies it has sent.
  [[nodiscard]] int answered() const { return answered_; }

 private:
  void serve() {
    std::array<std::uint8_t, 1500> buffer{};
    while (!stop_) {
      pollfd readable{fd_, POLLIN, 0};
      if (::poll(&readable, 1, 20) <= 0) continue;
      sockaddr_in peer{};
      socklen_t peerLength = sizeof peer;
      const auto received =
          ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&peer), &peerLength);
      if (received < 12) continue;
      const auto reply = respond_(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + received));
      if (reply.empty()) continue;
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), peerLength);
      ++answered_;
    }
  }

  Respond respond_;
  int fd_ = -1;
  unsigned port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

// A tiny DNS server on loopback answering from a table: records by name,
// NXDOMAIN for names it does not know, silence for names under `silent`.
class TableDnsServer {
 public:
  struct Record {
    std::uint16_t type;
    std::vector<std::uint8_t> rdata;
  };

  TableDnsServer(std::multimap<std::string, Record> records, std::set<std::string> silent)
      : records_(std::move(records)),
        silent_(std::move(silent)),
        responder_([this](const std::vector<std::uint8_t>& query) { return answer(query); }) {}

  [[nodiscard]] mxh::dns::ResolverConfig config() const {
    mxh::dns::ResolverConfig config;
    config.forwarders = {responder_.forwarder()};
    config.validate = false;
    config.queryTimeout = std::chrono::milliseconds(1500);
    return config;
  }

 private:
  [[nodiscard]] std::vector<std::uint8_t> answer(const std::vector<std::uint8_t>& query) const {
    std::size_t pos = 12;
    std::string name;
    while (pos < query.size() && query[pos] != 0) {
      const std::size_t length = query[pos];
      if (pos + 1 + length > query.size()) return {};
      if (!name.empty()) name += '.';
      for (std::size_t i = 0; i < length; ++i) name += static_cast<char>(std::tolower(query[pos + 1 + i]));
      pos += 1 + length;
    }
    const std::size_t questionEnd = pos + 5;
    if (questionEnd > query.size()) return {};
    for (const std::string& zone : silent_) {
      if (name == zone || (name.size() > zone.size() && name.ends_with("." + zone))) return {};
    }
    const unsigned type = (static_cast<unsigned>(query[pos + 1]) << 8U) | query[pos + 2];
    std::vector<std::uint8_t> reply(query.begin(), query.begin() + static_cast<std::ptrdiff_t>(questionEnd));
    if (reply.size() < 12) return {};  // never (the question follows the header); keeps -Wnull-dereference quiet
    reply[2] = static_cast<std::uint8_t>(0x84U | (query[2] & 0x01U));  // QR, AA, keep RD
    const auto [first, last] = records_.equal_range(name);
    reply[3] = first == last ? 0x83 : 0x80;  // RA, NXDOMAIN for unknown names
    reply[6] = reply[7] = reply[8] = reply[9] = reply[10] = reply[11] = 0;
    std::uint8_t count = 0;
    for (auto it = first; it != last; ++it) {
      if (it->second.type != type) continue;
      const auto& rdata = it->second.rdata;
      const std::vector<std::uint8_t> header = {0xc0, 0x0c, 0, static_cast<std::uint8_t>(type),        0, 1, 0, 0,
                                                0,    60,   0, static_cast<std::uint8_t>(rdata.size())};
      reply.insert(reply.end(), header.begin(), header.end());
      reply.insert(reply.end(), rdata.begin(), rdata.end());
      ++count;
    }
    reply[7] = count;
    return reply;
  }

  std::multimap<std::string, Record> records_;
  std::set<std::string> silent_;
  UdpResponder responder_;  // last: its thread stops before the table goes
};

}  // namespace mxh::testing

#define BOOST_TEST_MODULE core_fd_wait
#include "core/fd_wait.h"

#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>

using namespace std::chrono_literals;
using mxh::FdWait;

namespace {
struct Pipe {
  std::array<int, 2> fds{-1, -1};
  Pipe() { BOOST_REQUIRE(::pipe(fds.data()) == 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};
}  // namespace

BOOST_AUTO_TEST_SUITE(fd_wait_test)

BOOST_AUTO_TEST_CASE(nothing_to_read_times_out_at_the_deadline) {
  Pipe pipe;
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST((mxh::waitForFd(pipe.fds[0], POLLIN, mxh::Deadline::after(120ms), mxh::CancelToken()) == FdWait::timeout));
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 110ms));
}

BOOST_AUTO_TEST_CASE(data_makes_it_ready) {
  Pipe pipe;
  BOOST_REQUIRE(::write(pipe.fds[1], "x", 1) == 1);
  BOOST_TEST((mxh::waitForFd(pipe.fds[0], POLLIN, mxh::Deadline::after(1s), mxh::CancelToken()) == FdWait::ready));
}

BOOST_AUTO_TEST_CASE(a_cancelled_token_wins_at_once) {
  Pipe pipe;
  mxh::CancelSource source;
  source.cancel();
  BOOST_TEST((mxh::waitForFd(pipe.fds[0], POLLIN, mxh::Deadline::after(10s), source.token()) == FdWait::cancelled));
}

BOOST_AUTO_TEST_SUITE_END()

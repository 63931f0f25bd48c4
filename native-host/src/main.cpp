// mxhealth: checks whether a domain's mail servers really work. All logic lives in the layer
// libraries; this file only picks the mode (browser host or CLI) and keeps a last-resort catch.
#include <malloc.h>

#include <csignal>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/cli.h"
#include "protocol/native_host.h"

int main(int argc, char** argv) {
  // A peer that goes away must not kill us mid-write (OpenSSL writes with write(2), not
  // send(MSG_NOSIGNAL)): EPIPE becomes an error value instead, in both modes.
  std::signal(SIGPIPE, SIG_IGN);
  // A check runs on many threads (probes, side checks, libunbound's), and glibc would give each
  // an arena of its own (up to 8 per core) whose free memory no other thread reuses. Two arenas
  // keep 8 checks at once under 40 MB (docs/protocol.md, Limits) at no measurable cost in time.
  mallopt(M_ARENA_MAX, 2);
  try {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (mxh::protocol::isNativeHostInvocation(args)) return mxh::protocol::runNativeHostOnStdio();
    return mxh::cli::runCli(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "mxhealth: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "mxhealth: internal error\n";
  }
  return mxh::cli::kCouldNotCheck;
}

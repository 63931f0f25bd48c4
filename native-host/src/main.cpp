// mxhealth: checks whether a domain's mail servers really work. All logic lives in the layer
// libraries; this file only picks the mode (browser host or CLI) and keeps a last-resort catch.
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/cli.h"
#include "protocol/native_host.h"

int main(int argc, char** argv) {
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

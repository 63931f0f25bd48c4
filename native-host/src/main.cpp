// mxhealth: checks whether a domain's mail servers really work. All logic lives in the layer
// libraries; this file only hands the arguments to the CLI and keeps a last-resort catch.
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  try {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    return mxh::cli::runCli(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "mxhealth: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "mxhealth: internal error\n";
  }
  return mxh::cli::kCouldNotCheck;
}

#include "checks/options/option_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/limits.h"
#include "core/text.h"
#include "tls/tls_client.h"

namespace mxh::checks {

dns::ResolverConfig resolverConfig(const CheckOptions& options, bool validate) {
  dns::ResolverConfig config;
  config.forwarders = options.resolvers;
  config.trustAnchorFile = options.trustAnchor;
  config.validate = validate;
  return config;
}

std::vector<OptionProblem> checkOptionFiles(const CheckOptions& options) {
  std::vector<OptionProblem> problems;
  const auto readable = [](const std::string& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && std::ifstream(path).good();
  };
  // Checked here in words first: OpenSSL's and libunbound's own errors name no setting.
  if (options.caFile) {
    if (!readable(*options.caFile)) {
      problems.push_back(
          {"ca_file", "The CA file " + displayPath(*options.caFile) + " does not exist or cannot be read."});
    } else if (auto context = tls::TlsClientContext::shared(options.caFile); !context) {
      problems.push_back(
          {"ca_file", "The CA file " + displayPath(*options.caFile) + " holds no PEM certificates that can be used."});
    }
  }
  if (options.trustAnchor) {
    // The anchor is judged alone: set up with the chosen resolvers, a bad resolver would fail the
    // set-up and be blamed on the anchor. A placeholder forwarder is enough (nothing is asked).
    dns::ResolverConfig anchorOnly = resolverConfig(options, true);
    anchorOnly.forwarders = {"127.0.0.1"};
    if (!readable(*options.trustAnchor)) {
      problems.push_back({"trust_anchor", "The trust anchor file " + displayPath(*options.trustAnchor) +
                                              " does not exist or cannot be read."});
    } else if (!dns::Resolver::create(anchorOnly)) {
      problems.push_back({"trust_anchor", "The trust anchor file " + displayPath(*options.trustAnchor) +
                                              " is not a usable DS or DNSKEY file."});
    }
  }
  for (const std::string& server : options.resolvers) {
    if (auto parsed = dns::parseForwarder(server); !parsed) {
      problems.push_back({"resolver", "The resolver " + sanitizeForDisplay(server, limits::kMaxQuotedDisplay) +
                                          " is not an IP address (optionally with @port)."});
    }
  }
  return problems;
}

std::vector<OptionProblem> allOptionProblems(const OptionValue& values) {
  ValidatedOptions validated = validateCheckOptions(values, OptionNaming::request);
  std::vector<OptionProblem> problems = std::move(validated.problems);
  // fresh and history travel in the same object; a check refuses them when wrong, so must this.
  for (OptionProblem& problem : validateRequestPolicy(values, OptionNaming::request).problems) {
    problems.push_back(std::move(problem));
  }
  for (OptionProblem& problem : checkOptionFiles(validated.options)) {
    const bool named = std::any_of(problems.begin(), problems.end(),
                                   [&](const OptionProblem& known) { return known.option == problem.option; });
    if (!named) problems.push_back(std::move(problem));
  }
  return problems;
}

}  // namespace mxh::checks

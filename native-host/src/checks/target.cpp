#include "checks/target.h"

#include "core/limits.h"
#include "core/text.h"

namespace mxh::checks {
namespace {

std::string_view trimSpace(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equalsIgnoreCaseAscii(text.substr(0, prefix.size()), prefix);
}

// The host of "scheme://[userinfo@]host[:port][/path][?query][#fragment]".
std::string_view hostOfUrl(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') return rest;  // an IPv6 literal: refused later
  return rest.substr(0, rest.find(':'));
}

}  // namespace

Result<Target> parseTarget(std::string_view input) {
  if (input.size() > limits::kMaxInputLength) {
    return Error{Errc::input_too_long, "the input is " + std::to_string(input.size()) +
                                           " characters long; the limit is " + std::to_string(limits::kMaxInputLength)};
  }
  Target target{sanitizeForDisplay(input, limits::kMaxInputLength), {}};
  std::string_view text = trimSpace(input);
  if (text.empty()) return Error{Errc::input_empty, "no domain given"};

  if (startsWithIgnoreCase(text, "mailto:")) {
    text = text.substr(7);
    text = text.substr(0, text.find_first_of("?#"));
    // A mailto: may list several recipients; the first one is the one asked about.
    text = text.substr(0, text.find(','));
  } else if (const auto scheme = text.find("://");
             scheme != std::string_view::npos && scheme > 0 && text.find('@') > scheme) {
    text = hostOfUrl(text);
    if (text.empty()) return Error{Errc::input_no_domain, "the URL '" + target.input + "' has no host name"};
  }
  if (const auto at = text.rfind('@'); at != std::string_view::npos) {
    text = text.substr(at + 1);
    if (text.empty()) {
      return Error{Errc::input_no_domain, "the email address '" + target.input + "' has no domain after the @"};
    }
  }

  auto domain = dns::parseDomainName(text);
  if (!domain) return domain.error();
  target.domain = std::move(domain).value();
  return target;
}

}  // namespace mxh::checks

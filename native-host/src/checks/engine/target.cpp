#include "checks/engine/target.h"

#include "core/limits.h"
#include "core/text.h"

namespace mxh::checks {
namespace {

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equalsIgnoreCaseAscii(text.substr(0, prefix.size()), prefix);
}

// The host of "[scheme:]//[userinfo@]host[:port][/path][?query][#fragment]".
std::string_view hostOfUrl(std::string_view url) {
  std::string_view rest = url.substr(url.find("//") + 2);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    // An IPv6 literal: without its brackets, parseDomainName refuses it as an address.
    const auto close = rest.find(']');
    return rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  }
  return rest.substr(0, rest.find(':'));
}

// "Name <user@example.com>" as copied from a mail client: what is inside the brackets.
std::string_view insideAngleBrackets(std::string_view text) {
  const auto open = text.rfind('<');
  const auto close = text.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return text;
  return trimmed(text.substr(open + 1, close - open - 1));
}

}  // namespace

Result<Target> parseTarget(std::string_view input) {
  if (input.size() > limits::kMaxInputLength) {
    return Error{Errc::input_too_long, "the input is " + std::to_string(input.size()) +
                                           " characters long; the limit is " + std::to_string(limits::kMaxInputLength)};
  }
  Target target{sanitizeForDisplay(input, limits::kMaxInputLength), {}};
  // No domain, address or URL holds a control character, a trailing line break included: one
  // in a target is garbage or an attempt to smuggle a second line (an SMTP command, a header)
  // past the reading below, which would then check some other domain.
  if (const UnsafeBytes unsafe = findUnsafeBytes(input); unsafe.nul || unsafe.escapeSequence || unsafe.control) {
    return Error{Errc::input_invalid_character,
                 "the input '" + target.input + "' contains a control character (a line break, NUL or escape)"};
  }
  std::string_view text = trimmed(input);
  if (text.empty()) return Error{Errc::input_empty, "no domain given"};

  text = insideAngleBrackets(text);
  const auto scheme = text.find("://");
  if (startsWithIgnoreCase(text, "mailto:")) {
    text = text.substr(7);
    text = text.substr(0, text.find_first_of("?#"));
    // A mailto: may list several recipients; the first one is the one asked about.
    text = text.substr(0, text.find(','));
  } else if ((scheme != std::string_view::npos && scheme > 0 && text.find('@') > scheme) || text.starts_with("//")) {
    text = hostOfUrl(text);
    if (text.empty()) return Error{Errc::input_no_domain, "the URL '" + target.input + "' has no host name"};
  } else if (const auto slash = text.find('/'); slash != std::string_view::npos && text.find('@') > slash) {
    // "www.example.com/path": a URL typed without its scheme.
    text = text.substr(0, slash);
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

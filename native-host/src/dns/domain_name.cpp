#include "dns/domain_name.h"

#include <idn2.h>

#include <memory>
#include <string>

#include "core/limits.h"
#include "core/text.h"
#include "dns/ip_address.h"

namespace mxh::dns {
namespace {

struct FreeDeleter {
  void operator()(char* text) const { idn2_free(text); }
};
using Idn2String = std::unique_ptr<char, FreeDeleter>;

Error invalid(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

std::string quoted(std::string_view text) {
  return "'" + sanitizeForDisplay(text, 70) + "'";
}

bool isAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string describeCharacter(char c) {
  switch (c) {
    case ' ': return "a space";
    case '\t': return "a tab";
    case '\n':
    case '\r': return "a line break";
    case '_': return "an underscore";
    default: break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7f) return "a control character";
  return std::string("the character '") + c + "'";
}

// LDH rules (RFC 1035 §2.3.1, RFC 5891 §4.2.3.1) for the ASCII form.
Status checkLabels(std::string_view name) {
  if (name.size() > limits::kMaxDomainLength) {
    return invalid(Errc::input_too_long, "the domain is " + std::to_string(name.size()) +
                                             " characters long; the limit is " +
                                             std::to_string(limits::kMaxDomainLength));
  }
  std::size_t labels = 0;
  std::string_view lastLabel;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = name.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? name.size() : dot;
    const std::string_view label = name.substr(start, end - start);
    if (label.empty()) {
      return invalid(Errc::input_empty_label,
                     "the domain " + quoted(name) + " has an empty label (a dot at the start or two dots in a row)");
    }
    if (label.size() > limits::kMaxLabelLength) {
      return invalid(Errc::input_label_too_long, "the label " + quoted(label.substr(0, 20)) + "… is " +
                                                     std::to_string(label.size()) + " characters long; the limit is " +
                                                     std::to_string(limits::kMaxLabelLength));
    }
    for (const char c : label) {
      const bool ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ldh) {
        return invalid(Errc::input_invalid_character, "the domain " + quoted(name) + " contains " +
                                                          describeCharacter(c) +
                                                          "; only letters, digits, hyphens and dots are allowed");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return invalid(Errc::input_label_hyphen,
                     "the label " + quoted(label) + " starts or ends with a hyphen, which is not allowed");
    }
    ++labels;
    lastLabel = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) {
    return invalid(Errc::input_single_label, quoted(name) + " has no dot: give a full domain such as example.com");
  }
  if (lastLabel.find_first_not_of("0123456789") == std::string_view::npos) {
    return invalid(Errc::input_numeric_tld,
                   "the last label of " + quoted(name) + " is all digits; no top-level domain is");
  }
  return Ok{};
}

// Names that are never in the global DNS, so asking a resolver about them is wrong (RFC 6761
// §6.3, §6.4; RFC 7686). ".test" and ".example" stay allowed: they are for testing.
Status refuseSpecialUse(std::string_view name) {
  const std::string_view tld = name.substr(name.rfind('.') + 1);
  for (const auto& [suffix, rfc] :
       {std::pair{"onion", "RFC 7686"}, std::pair{"invalid", "RFC 6761"}, std::pair{"localhost", "RFC 6761"}}) {
    if (tld == suffix) {
      return invalid(Errc::input_special_use, quoted(name) + " is under ." + suffix +
                                                  ", a special-use name that is not in the DNS (" + rfc + ")");
    }
  }
  return Ok{};
}

}  // namespace

Result<DomainName> parseDomainName(std::string_view text) {
  if (text.size() > limits::kMaxInputLength) {
    return invalid(Errc::input_too_long, "the input is " + std::to_string(text.size()) +
                                             " characters long; a domain is at most " +
                                             std::to_string(limits::kMaxDomainLength));
  }
  if (text.empty()) return invalid(Errc::input_empty, "no domain given");
  // One trailing dot is the fully-qualified spelling of the same name.
  if (text.size() > 1 && text.back() == '.') text.remove_suffix(1);
  if (text == ".") return invalid(Errc::input_empty_label, "'.' is the DNS root, not a domain");

  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return invalid(Errc::input_invalid_character, "the domain " + quoted(text) + " contains " + describeCharacter(c));
    }
  }
  if (IpAddress::parse(text)) {
    return invalid(Errc::input_ip_address,
                   quoted(text) + " is an IP address; MX records belong to domains, so give a domain");
  }

  DomainName name;
  if (isAscii(text)) {
    name.ascii = toLowerAscii(text);
  } else {
    if (text.find("..") != std::string_view::npos) {
      return invalid(Errc::input_empty_label, "the domain " + quoted(text) + " has an empty label (two dots in a row)");
    }
    const std::string input(text);
    char* converted = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &converted, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    const Idn2String owned(converted);
    if (rc != IDN2_OK || converted == nullptr) {
      return invalid(Errc::input_idn,
                     "the international domain " + quoted(text) + " cannot be converted: " + idn2_strerror(rc));
    }
    name.ascii = toLowerAscii(converted);
  }
  // IDNA mapping may turn other full stops (e.g. U+3002) into a trailing dot.
  if (name.ascii.size() > 1 && name.ascii.back() == '.') name.ascii.pop_back();
  if (Status labels = checkLabels(name.ascii); !labels) return labels.error();
  if (Status special = refuseSpecialUse(name.ascii); !special) return special.error();

  if (name.ascii.find("xn--") == std::string::npos) {
    name.unicode = name.ascii;
    return name;
  }
  // The Unicode form for people. Decoding alone does not validate, so the result must encode
  // back to the same A-labels under IDNA2008: that refuses direction overrides and other
  // disallowed code points hidden in punycode.
  char* decoded = nullptr;
  const int decodeRc = idn2_to_unicode_8z8z(name.ascii.c_str(), &decoded, 0);
  const Idn2String ownedDecoded(decoded);
  char* reencoded = nullptr;
  const int encodeRc = decodeRc == IDN2_OK && decoded != nullptr
                           ? idn2_to_ascii_8z(decoded, &reencoded, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL)
                           : decodeRc;
  const Idn2String ownedReencoded(reencoded);
  if (encodeRc != IDN2_OK || reencoded == nullptr || toLowerAscii(reencoded) != name.ascii) {
    return invalid(Errc::input_idn, "the domain " + quoted(name.ascii) + " has an invalid international (xn--) label" +
                                        (encodeRc != IDN2_OK ? std::string(": ") + idn2_strerror(encodeRc) : ""));
  }
  name.unicode = decoded;
  return name;
}

}  // namespace mxh::dns

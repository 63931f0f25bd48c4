// MTA-STS syntax: the TXT record, the policy file and its mx patterns (RFC 8461 §3.1, §3.2, §4.1).
#include <algorithm>

#include "checks/policy/mta_sts.h"
#include "checks/policy/record_syntax.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"

namespace mxh::checks {
namespace {

using namespace record_syntax;  // NOLINT(google-build-using-namespace): the grammar helpers

// An extension name of the TXT record or the policy (RFC 8461 §3.1, §3.2).
bool isFieldName(std::string_view key) {
  return !key.empty() && key.size() <= 32 && isAlnum(key.front()) &&
         std::all_of(key.begin(), key.end(), [](char c) { return isAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

// A domain in A-label form (RFC 5321 §4.1.2 Domain): LDH labels, no hyphen at either end.
bool isDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > limits::kMaxDomainLength) return false;
  for (const std::string_view label : splitOn(domain, '.')) {
    if (label.empty() || label.size() > limits::kMaxLabelLength || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return isAlnum(c) || c == '-'; })) return false;
  }
  return true;
}

}  // namespace

std::string_view stsModeName(StsMode mode) {
  switch (mode) {
    case StsMode::enforce: return "enforce";
    case StsMode::testing: return "testing";
    case StsMode::none: return "none";
  }
  return "none";
}

// ---- TXT (RFC 8461 §3.1) ----

bool isStsTxtRecord(std::string_view text) {
  return text.starts_with("v=STSv1");
}

Result<StsTxtRecord> parseStsTxt(std::string_view text) {
  if (!isStsTxtRecord(text)) return syntaxError("the record does not start with v=STSv1");
  const std::vector<std::string_view> fields = splitOn(text.substr(7), ';');
  if (!trimmed(fields.front()).empty()) return syntaxError("v=STSv1 must be followed by ';'");
  std::optional<std::string> id;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::string_view field = trimmed(fields[i]);
    if (field.empty()) {
      if (i + 1 == fields.size()) break;  // a final ';' is allowed
      return syntaxError("the record has an empty field (two ';' in a row)");
    }
    const auto equals = field.find('=');
    const std::string_view key = field.substr(0, equals);
    if (equals == std::string_view::npos || !isFieldName(key)) {
      return syntaxError("the field " + quotedForDisplay(field) + " is not name=value");
    }
    const std::string_view value = field.substr(equals + 1);
    const bool valueOk = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return c > ' ' && c < 0x7f && c != '=' && c != ';';
    });
    if (!valueOk) return syntaxError("the field " + quotedForDisplay(field) + " has no valid value");
    if (key != "id" || id) continue;  // extensions and repeated ids are ignored
    if (value.size() > 32 || !std::all_of(value.begin(), value.end(), isAlnum)) {
      return syntaxError("id=" + sanitizeForDisplay(value, limits::kMaxQuotedDisplay) +
                         " must be 1 to 32 letters and digits");
    }
    id = std::string(value);
  }
  if (!id) return syntaxError("the record has no id= field, which is required");
  return StsTxtRecord{*id};
}

// ---- policy (RFC 8461 §3.2) ----

Result<StsPolicy> parseStsPolicy(std::string_view body) {
  if (body.size() > limits::kMaxPolicyBytes) return syntaxError("the policy is larger than 64 KiB");
  std::vector<std::string_view> lines = splitOn(body, '\n');
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  // Blank lines at the end are tolerated; the grammar has no blank lines between fields.
  while (!lines.empty() && trimmed(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) return syntaxError("the policy is empty");

  StsPolicy policy;
  bool seenVersion = false;
  bool seenMode = false;
  bool seenMaxAge = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    const std::string_view line = lines[i];
    const auto colon = line.find(':');
    const std::string_view key = line.substr(0, colon);
    if (colon == std::string_view::npos || !isFieldName(key)) {
      return syntaxError(where + quotedForDisplay(line) + " is not a 'key: value' line");
    }
    const std::string_view value = trimmed(line.substr(colon + 1));
    if (value.empty()) return syntaxError(where + std::string(key) + " has no value");
    if (key == "version") {
      if (value != "STSv1") return syntaxError(where + "version must be STSv1, not " + quotedForDisplay(value));
      seenVersion = true;
    } else if (key == "mode") {
      StsMode mode = StsMode::none;
      if (value == "enforce") {
        mode = StsMode::enforce;
      } else if (value == "testing") {
        mode = StsMode::testing;
      } else if (value != "none") {
        return syntaxError(where + "mode must be enforce, testing or none, not " + quotedForDisplay(value));
      }
      if (!seenMode) policy.mode = mode;  // the first one counts
      seenMode = true;
    } else if (key == "max_age") {
      const bool digits =
          value.size() <= 10 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      const unsigned long long seconds = digits ? std::stoull(std::string(value)) : limits::kMaxPolicyMaxAge + 1ULL;
      if (!digits || seconds > limits::kMaxPolicyMaxAge) {
        return syntaxError(where + "max_age must be a number of seconds from 0 to 31557600, not " +
                           quotedForDisplay(value));
      }
      if (!seenMaxAge) policy.maxAge = static_cast<std::uint32_t>(seconds);
      seenMaxAge = true;
    } else if (key == "mx") {
      const std::string pattern = toLowerAscii(value);
      const std::string_view domain = std::string_view(pattern).substr(pattern.starts_with("*.") ? 2 : 0);
      if (!isDomain(domain)) {
        return syntaxError(where + "mx " + quotedForDisplay(value) +
                           " is not a host name or a *. wildcard (international names must be in xn-- form)");
      }
      if (policy.mx.size() < limits::kMaxPolicyMxPatterns) policy.mx.push_back(pattern);
    }
    // Other keys are extensions, ignored (RFC 8461 §3.2).
  }
  if (!seenVersion) return syntaxError("the policy has no 'version: STSv1' line");
  if (!seenMode) return syntaxError("the policy has no mode line");
  if (!seenMaxAge) return syntaxError("the policy has no max_age line");
  if (policy.mx.empty() && policy.mode != StsMode::none) {
    return syntaxError("the policy lists no mx patterns, which mode " + std::string(stsModeName(policy.mode)) +
                       " requires");
  }
  return policy;
}

bool mxPatternMatches(std::string_view pattern, std::string_view host) {
  const std::string p = dns::canonicalName(pattern);
  const std::string h = dns::canonicalName(host);
  if (p.empty() || h.empty() || p == "." || h == ".") return false;  // the root is no host
  if (p.starts_with("*.")) {
    const auto dot = h.find('.');
    return dot != std::string::npos && dot > 0 && std::string_view(h).substr(dot + 1) == std::string_view(p).substr(2);
  }
  return p == h;
}

std::optional<std::string> matchingPattern(const std::vector<std::string>& patterns, std::string_view host) {
  for (const std::string& pattern : patterns) {
    if (mxPatternMatches(pattern, host)) return pattern;
  }
  return std::nullopt;
}

}  // namespace mxh::checks

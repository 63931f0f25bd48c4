// Fuzz target: MTA-STS as a hostile DNS server and policy host hand it to us. The input is
// "TXT text \0 mx pattern \0 MX host \0 policy body": the TXT and the policy go to their parsers,
// the pattern and the host (and every pattern of a parsed policy) to the RFC 8461 §4.1 matching.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checks/policy/mta_sts.h"
#include "core/limits.h"
#include "core/text.h"
#include "fuzz_input.h"

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Matching is case-insensitive, ignores one trailing dot on either side, and "*." stands for
// exactly one label.
void checkMatching(std::string_view pattern, std::string_view host) {
  const bool matches = mxh::checks::mxPatternMatches(pattern, host);
  if (mxh::checks::mxPatternMatches(upper(pattern), upper(host)) != matches) std::abort();
  if (!host.empty() && host.back() != '.' &&
      mxh::checks::mxPatternMatches(pattern, std::string(host) + ".") != matches) {
    std::abort();
  }
  if (!matches) return;
  std::string p = mxh::toLowerAscii(pattern);
  std::string h = mxh::toLowerAscii(host);
  if (!p.empty() && p.back() == '.') p.pop_back();
  if (!h.empty() && h.back() == '.') h.pop_back();
  if (p.empty() || h.empty()) std::abort();
  if (p.starts_with("*.")) {
    // One label, then exactly the pattern's domain.
    const std::string_view suffix = std::string_view(p).substr(1);
    if (h.size() <= suffix.size() || !h.ends_with(suffix)) std::abort();
    if (h.substr(0, h.size() - suffix.size()).find('.') != std::string::npos) std::abort();
  } else if (p != h) {
    std::abort();
  }
}

void checkPolicy(const mxh::checks::StsPolicy& policy) {
  using mxh::checks::StsMode;
  if (policy.mx.size() > mxh::limits::kMaxPolicyMxPatterns) std::abort();
  if (policy.maxAge > mxh::limits::kMaxPolicyMaxAge) std::abort();
  if (policy.mode != StsMode::none && policy.mx.empty()) std::abort();
  for (const std::string& pattern : policy.mx) {
    if (pattern.empty() || pattern.size() > 2 + mxh::limits::kMaxDomainLength) std::abort();
    if (pattern != mxh::toLowerAscii(pattern)) std::abort();
    const std::string_view domain = std::string_view(pattern).substr(pattern.starts_with("*.") ? 2 : 0);
    if (domain.empty() || domain.front() == '.' || domain.back() == '.') std::abort();
    for (const char c : domain) {
      if (!isAlnum(c) && c != '-' && c != '.') std::abort();
    }
    // Every pattern covers a host: itself, or one label under its wildcard.
    const std::string host = pattern.starts_with("*.") ? "mx" + pattern.substr(1) : upper(pattern) + ".";
    if (!mxh::checks::mxPatternMatches(pattern, host)) std::abort();
    const auto first = mxh::checks::matchingPattern(policy.mx, host);
    if (!first || !mxh::checks::mxPatternMatches(*first, host)) std::abort();
    checkMatching(pattern, host);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parts = mxh::fuzz::splitParts(input, 3);
  const std::string_view txtText = parts[0];
  const std::string_view pattern = parts[1];
  const std::string_view host = parts[2];
  const std::string_view body = parts[3];

  if (const auto txt = mxh::checks::parseStsTxt(txtText); txt) {
    if (!mxh::checks::isStsTxtRecord(txtText)) std::abort();
    if (txt->id.empty() || txt->id.size() > 32 || !std::all_of(txt->id.begin(), txt->id.end(), isAlnum)) std::abort();
  }

  checkMatching(pattern, host);

  if (const auto policy = mxh::checks::parseStsPolicy(body); policy) {
    checkPolicy(*policy);
    if (const auto match = mxh::checks::matchingPattern(policy->mx, host); match) {
      if (!mxh::checks::mxPatternMatches(*match, host)) std::abort();
      checkMatching(*match, host);
    }
  } else if (policy.error().message.empty()) {
    std::abort();
  }
  return 0;
}

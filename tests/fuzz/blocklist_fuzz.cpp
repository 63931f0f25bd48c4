// Fuzz target: the blocklist config file (what a user or a tampered file hands us) and blocklist
// answers (what a hostile resolver hands us). The input is "config text \0 answer": the config
// goes to parseBlocklistConfig and its zones to selectBlocklists; the answer is a control octet
// (outcome, DNSSEC state, which list) then A records, each a length octet and data, read by
// interpretBlocklistAnswer for a built-in list and for a list of the config.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/options/check_options.h"
#include "checks/reputation/dnsbl.h"
#include "core/limits.h"
#include "fuzz_input.h"

namespace {

using mxh::checks::BlocklistDef;
using mxh::checks::BlocklistResult;
using mxh::checks::BlocklistStatus;

constexpr std::size_t kMaxRecords = 24;  // above the reader's own cap
// A DQS key has an upper-case letter, so it can never come back inside a (lower-cased) zone.
const std::string kDqsKey = "Secret0DqsKey9";

// Control octet: bits 0-1 outcome (0, 1: data; 2: NODATA or NXDOMAIN; 3: a failed lookup whose
// code is the next octet), bits 2-3 DNSSEC state, bits 4-7 pick the list.
mxh::Result<mxh::dns::Answer> fabricateAnswer(std::span<const std::uint8_t> bytes) {
  const std::uint8_t control = bytes.empty() ? 0 : bytes[0];
  if ((control & 3U) == 3U) {
    static constexpr mxh::Errc kCodes[] = {mxh::Errc::dns_timeout, mxh::Errc::dns_servfail, mxh::Errc::dns_refused,
                                           mxh::Errc::cancelled, mxh::Errc::dns_rcode};
    const std::size_t pick = bytes.size() > 1 ? bytes[1] % std::size(kCodes) : 0;
    return mxh::Error{kCodes[pick], "query for 4.3.2.1." + kDqsKey + ".zen.dq.spamhaus.net failed"};
  }
  return mxh::fuzz::answerFromBytes(bytes, kMaxRecords);
}

bool mentionsKey(std::string_view text) {
  return text.find(kDqsKey) != std::string_view::npos;
}

void checkResult(const BlocklistDef& list, const mxh::Result<mxh::dns::Answer>& answer, const BlocklistResult& result) {
  if (result.list != list.name || result.zone != list.zone) std::abort();
  if (result.codes.size() > mxh::limits::kMaxBlocklistCodes) std::abort();
  switch (result.status) {
    case BlocklistStatus::listed:
      // Only 127.0.0.0/8 codes list; every code has its meaning.
      if (result.reason || result.codes.empty() || result.meanings.size() != result.codes.size()) std::abort();
      for (const std::string& code : result.codes) {
        if (code.rfind("127.", 0) != 0 || code == "127.0.0.1") std::abort();
      }
      if (!answer || answer->outcome != mxh::dns::Outcome::data) std::abort();
      if (answer->dnssec == mxh::dns::DnssecState::bogus) std::abort();
      break;
    case BlocklistStatus::not_listed:
      if (result.reason || !result.codes.empty() || result.policyOnly) std::abort();
      if (!answer || answer->outcome == mxh::dns::Outcome::data) std::abort();
      break;
    case BlocklistStatus::unknown:
      if (!result.reason || result.reason->empty() || result.policyOnly) std::abort();
      break;
  }
  if (result.dqsHint && (!list.spamhaus || list.dqs || result.status != BlocklistStatus::unknown)) std::abort();
  // The DQS key is a secret: never in a result, a finding or the report.
  const std::string json = mxh::checks::toJson(result).dump();  // throws on text that is not valid UTF-8
  if (mentionsKey(json) || mentionsKey(result.list) || mentionsKey(result.reason.value_or(""))) std::abort();
  const std::vector<BlocklistResult> results = {result};
  const auto findings = list.kind == mxh::checks::BlocklistKind::domain
                            ? mxh::checks::domainBlocklistFindings("mail.example.com", results)
                            : mxh::checks::blocklistFindings("mail.example.com", "198.51.100.25", results);
  for (const auto& finding : findings) {
    if (finding.message.empty() || mentionsKey(finding.message)) std::abort();
    (void)nlohmann::ordered_json(finding.message).dump();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = std::min(input.find('\0'), input.size());
  const std::string_view config = input.substr(0, nul);
  const auto answerBytes = std::span<const std::uint8_t>(data, size).subspan(std::min(nul + 1, size));

  // The config: at most kMaxBlocklists distinct zones, each one selectBlocklists accepts.
  std::vector<BlocklistDef> configured;
  if (const auto zones = mxh::checks::parseBlocklistConfig(config, "fuzz.conf"); zones) {
    if (zones->size() > mxh::checks::kMaxBlocklists) std::abort();
    for (const std::string& zone : *zones) {
      if (zone.empty() || std::count(zones->begin(), zones->end(), zone) != 1) std::abort();
      if (zone != "none" && !mxh::checks::isBlocklistZoneName(zone)) std::abort();
    }
    const bool none = std::find(zones->begin(), zones->end(), "none") != zones->end();
    for (const std::optional<std::string>& key : {std::optional<std::string>(), std::optional<std::string>(kDqsKey)}) {
      const auto lists = mxh::checks::selectBlocklists(*zones, true, key);
      if (lists.ok() != (!none || zones->size() == 1)) std::abort();
      if (!lists) continue;
      if (lists->size() != (none ? 0 : zones->size())) std::abort();
      for (const BlocklistDef& list : *lists) {
        if (list.queryZone.empty() || mentionsKey(list.zone) || mentionsKey(list.name)) std::abort();
        if (list.dqs != mentionsKey(list.queryZone)) std::abort();
      }
      configured.insert(configured.end(), lists->begin(), lists->end());
    }
  } else if (zones.error().message.empty()) {
    std::abort();
  }

  // One answer, read for a built-in list and for a configured one (Spamhaus through DQS too).
  const auto answer = fabricateAnswer(answerBytes);
  const std::uint8_t pick = answerBytes.empty() ? 0 : static_cast<std::uint8_t>(answerBytes[0] >> 4U);
  const auto known = mxh::checks::knownBlocklists();
  const BlocklistDef& builtIn = known[pick % known.size()];
  checkResult(builtIn, answer, mxh::checks::interpretBlocklistAnswer(builtIn, answer));
  if (!configured.empty()) {
    const BlocklistDef& list = configured[pick % configured.size()];
    checkResult(list, answer, mxh::checks::interpretBlocklistAnswer(list, answer));
  }
  return 0;
}

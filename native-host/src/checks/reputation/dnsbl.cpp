#include "checks/reputation/dnsbl.h"

#include <algorithm>
#include <set>
#include <utility>

#include "checks/reputation/blocklist_codes.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"

namespace mxh::checks {
namespace {

using namespace blocklist_codes;  // NOLINT(google-build-using-namespace): the codes an answer may hold
using dns::Answer;
using dns::IpAddress;
using dns::Outcome;
using dns::Query;
using dns::RrType;

std::string codeText(std::uint32_t code) {
  return std::to_string(code >> 24U) + "." + std::to_string((code >> 16U) & 0xffU) + "." +
         std::to_string((code >> 8U) & 0xffU) + "." + std::to_string(code & 0xffU);
}

const ReturnCode* documented(const BlocklistDef& list, std::uint32_t code) {
  const auto it = std::find_if(list.codes.begin(), list.codes.end(),
                               [&](const ReturnCode& known) { return known.address == code; });
  return it == list.codes.end() ? nullptr : &*it;
}

// Why a lookup error leaves the result unknown. The resolver's own message names the query,
// which may hold a DQS key: it is not used.
std::string errorReason(const Error& error) {
  switch (error.code) {
    case Errc::dns_timeout: return "the blocklist did not answer in time; result unknown";
    case Errc::dns_servfail:
      return "your resolver answered SERVFAIL (it could not reach the blocklist); result unknown";
    case Errc::dns_refused: return "your resolver refused the query; result unknown";
    case Errc::cancelled: return "the check was cancelled; result unknown";
    default: return "the lookup failed (" + std::string(errcName(error.code)) + "); result unknown";
  }
}

// Why an answer that holds an error code leaves the result unknown; nullopt for listing codes.
std::optional<std::string> refusalReason(const BlocklistDef& list, std::uint32_t code) {
  if (code == kLoopback) {
    return "the blocklist answered 127.0.0.1, which is not a listing (lists answer it to invalid or refused "
           "queries); result unknown";
  }
  const ReturnCode* known = documented(list, code);
  const bool spamhausError = list.spamhaus && (code & 0xffffff00U) == kSpamhausErrorRange;
  if (!spamhausError && (known == nullptr || known->kind != CodeKind::error)) return std::nullopt;
  const std::string what = codeText(code) + ": " + (known != nullptr ? std::string(known->meaning) : "an error code");
  // Errors in the query itself (a mistyped zone, an address asked of a domain list).
  if (code == kSpamhausTypo || !spamhausError) return "this blocklist refused to answer; result unknown (" + what + ")";
  // Refusals of the resolver: public resolver, rate limit, and the rest of the range (bad DQS keys).
  const std::string reason = "this blocklist refused to answer through your resolver; result unknown (" + what;
  if (list.dqs) return reason + "; is the DQS key valid?)";
  if (code == kSpamhausPublicResolver || code == kSpamhausTooManyQueries) return reason + "; use a Spamhaus DQS key)";
  return reason + ")";
}

// Where DNS blocklists and their answers are defined.
constexpr const char* kReference = "RFC 5782";

std::string joinedMeanings(const BlocklistResult& result) {
  std::string out;
  for (const std::string& meaning : result.meanings) out += (out.empty() ? "" : "; ") + meaning;
  return out;
}

}  // namespace

std::string blocklistQueryName(const IpAddress& address, std::string_view zone) {
  return dns::reversedAddressLabels(address) + "." + std::string(zone);
}

std::string blocklistQueryName(std::string_view host, std::string_view zone) {
  return dns::canonicalName(host) + "." + std::string(zone);
}

std::string_view blocklistStatusName(BlocklistStatus status) {
  switch (status) {
    case BlocklistStatus::listed: return "listed";
    case BlocklistStatus::not_listed: return "not_listed";
    case BlocklistStatus::unknown: return "unknown";
  }
  return "unknown";
}

BlocklistResult interpretBlocklistAnswer(const BlocklistDef& list, const Result<Answer>& answer) {
  BlocklistResult result;
  result.list = list.name;
  result.zone = list.zone;
  if (!answer) {
    result.reason = errorReason(answer.error());
    if (list.note) *result.reason += " (" + list.name + " " + std::string(*list.note) + ")";
    return result;
  }
  if (answer->dnssec == dns::DnssecState::bogus) {
    result.reason = "the answer failed DNSSEC validation; result unknown";
    return result;
  }
  if (answer->outcome != Outcome::data) {
    result.status = BlocklistStatus::not_listed;
    return result;
  }

  std::set<std::uint32_t> codes;
  for (std::size_t i = 0; i < answer->rdata.size() && i < limits::kMaxBlocklistCodes; ++i) {
    const auto& rdata = answer->rdata[i];
    if (rdata.size() != 4) {
      result.reason = "the blocklist sent a malformed answer; result unknown";
      return result;
    }
    codes.insert(ip4(rdata[0], rdata[1], rdata[2], rdata[3]));
  }
  for (const std::uint32_t code : codes) result.codes.push_back(codeText(code));
  if (codes.empty()) {
    result.reason = "the blocklist sent an empty answer; result unknown";
    return result;
  }

  // A resolver that rewrites answers (to a block page, an ad server) says nothing about the list.
  for (const std::uint32_t code : codes) {
    if ((code >> 24U) != 127) {
      result.reason =
          "your resolver rewrote the answer (" + codeText(code) + " is not a blocklist code); result unknown";
      return result;
    }
  }
  for (const std::uint32_t code : codes) {
    if (auto reason = refusalReason(list, code)) {
      result.reason = std::move(reason);
      result.dqsHint =
          list.spamhaus && !list.dqs && (code == kSpamhausPublicResolver || code == kSpamhausTooManyQueries);
      return result;
    }
  }

  result.status = BlocklistStatus::listed;
  result.policyOnly = true;
  for (const std::uint32_t code : codes) {
    const ReturnCode* known = documented(list, code);
    result.meanings.push_back(known != nullptr ? std::string(known->meaning) : "unknown code " + codeText(code));
    result.policyOnly = result.policyOnly && known != nullptr && known->kind == CodeKind::policy;
  }
  return result;
}

BlocklistResults checkBlocklists(dns::Resolver& resolver, const std::vector<IpAddress>& ips,
                                 const std::vector<std::string>& mxHosts, const std::vector<BlocklistDef>& lists,
                                 Deadline deadline, const CancelToken& cancel) {
  BlocklistResults results;
  // Results live in the maps' vectors, which stop growing before the answers are read.
  struct Slot {
    const BlocklistDef* list;
    std::vector<BlocklistResult>* into;
    std::size_t index;
  };
  std::vector<Query> queries;
  std::vector<Slot> slots;
  const auto ask = [&](std::string name, const BlocklistDef& list, std::vector<BlocklistResult>& into) {
    BlocklistResult pending;
    pending.list = list.name;
    pending.zone = list.zone;
    if (queries.size() >= limits::kMaxBlocklistQueries) {
      pending.reason = "not checked: too many blocklist queries for one check; result unknown";
    } else {
      queries.push_back({std::move(name), RrType::A});
      slots.push_back({&list, &into, into.size()});
    }
    into.push_back(std::move(pending));
  };

  std::set<IpAddress> seenIps;
  for (const IpAddress& ip : ips) {
    if (!seenIps.insert(ip).second) continue;
    auto& into = results.byIp[ip.toString()];
    for (const BlocklistDef& list : lists) {
      if (list.kind != BlocklistKind::ip) continue;
      if (ip.family() == IpAddress::Family::v6 && !list.ipv6) continue;  // no entry: the list has no IPv6 data
      ask(blocklistQueryName(ip, list.queryZone), list, into);
    }
  }
  for (const std::string& given : mxHosts) {
    const std::string host = dns::canonicalName(given);
    if (!dns::isHostName(host) || IpAddress::parse(host) || results.byHost.contains(host)) continue;
    auto& into = results.byHost[host];
    for (const BlocklistDef& list : lists) {
      if (list.kind == BlocklistKind::domain) ask(blocklistQueryName(host, list.queryZone), list, into);
    }
  }
  if (queries.empty()) return results;

  const auto answers = resolver.resolveAll(queries, deadline.capped(kBlocklistTimeout), cancel);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    (*slots[i].into)[slots[i].index] = interpretBlocklistAnswer(*slots[i].list, answers[i]);
  }
  return results;
}

std::vector<Finding> blocklistFindings(const std::string& mxHost, const std::string& ip,
                                       const std::vector<BlocklistResult>& results) {
  std::vector<Finding> out;
  for (const BlocklistResult& result : results) {
    if (result.status == BlocklistStatus::listed && result.policyOnly) {
      out.push_back(makeFinding("dnsbl.listed", Severity::warning,
                                "The address " + ip + " of MX host " + mxHost + " is listed on " + result.list +
                                    " as a dynamic or end-user address range (" + joinedMeanings(result) +
                                    "): fine for a receiving MX, but mail sent from this address will be refused by "
                                    "receivers that use this list.",
                                {mxHost, ip}, kReference));
    } else if (result.status == BlocklistStatus::listed) {
      out.push_back(makeFinding("dnsbl.listed", Severity::error,
                                "The address " + ip + " of MX host " + mxHost + " is listed on " + result.list + " (" +
                                    joinedMeanings(result) +
                                    "). Receivers that use this list refuse mail from it, so mail sent from this "
                                    "server bounces; fix the cause, then ask the list for removal.",
                                {mxHost, ip}, kReference));
    } else if (result.status == BlocklistStatus::unknown) {
      out.push_back(makeFinding("dnsbl.unknown", Severity::info,
                                "The blocklist " + result.list + " could not be checked for " + ip + " (MX host " +
                                    mxHost + "): " + result.reason.value_or("result unknown") + ".",
                                {mxHost, ip}, kReference));
    }
  }
  return out;
}

std::vector<Finding> domainBlocklistFindings(const std::string& mxHost, const std::vector<BlocklistResult>& results) {
  std::vector<Finding> out;
  for (const BlocklistResult& result : results) {
    if (result.status == BlocklistStatus::listed) {
      out.push_back(makeFinding("dnsbl.domain_listed", Severity::error,
                                "The MX host name " + mxHost + " is listed on the domain blocklist " + result.list +
                                    " (" + joinedMeanings(result) +
                                    "). Receivers that use this list refuse or filter mail that names a listed domain, "
                                    "including mail sent from this host.",
                                {mxHost}, kReference));
    } else if (result.status == BlocklistStatus::unknown) {
      out.push_back(makeFinding("dnsbl.unknown", Severity::info,
                                "The blocklist " + result.list + " could not be checked for the MX host name " +
                                    mxHost + ": " + result.reason.value_or("result unknown") + ".",
                                {mxHost}, kReference));
    }
  }
  return out;
}

nlohmann::ordered_json toJson(const BlocklistResult& result) {
  using Json = nlohmann::ordered_json;
  return Json{{"list", result.list},
              {"zone", result.zone},
              {"status", blocklistStatusName(result.status)},
              {"codes", result.codes},
              {"meanings", result.meanings},
              {"reason", result.reason ? Json(*result.reason) : Json(nullptr)}};
}

nlohmann::ordered_json toJson(const std::vector<BlocklistResult>& results) {
  auto array = nlohmann::ordered_json::array();
  for (const BlocklistResult& result : results) array.push_back(toJson(result));
  return array;
}

}  // namespace mxh::checks

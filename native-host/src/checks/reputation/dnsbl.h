// DNS blocklists (RFC 5782): which lists to ask, the query names, and what each answer means by
// the list's documented return codes (docs/blocklists.md). An answer is listed, not listed or
// unknown; errors, refusals and rewritten answers are always unknown, never listed or clean.
// Thread-safety: plain functions and constant tables; checkBlocklists uses the Resolver it is
// given (one thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/report/report.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/result.h"
#include "dns/ip_address.h"
#include "dns/resolver.h"

namespace mxh::checks {

// Lists one check may ask: limits::kMaxBlocklists (--blocklists, the config file, the extension).
using limits::kMaxBlocklists;
// All blocklist queries of one check get this long, within the check's own deadline: a list
// that has not answered by then is unknown.
inline constexpr std::chrono::milliseconds kBlocklistTimeout{8000};

enum class BlocklistKind {
  ip,      // asked with an address: reversed octets, or 32 nibbles for IPv6
  domain,  // asked with a host name (Spamhaus DBL)
};

enum class CodeKind {
  listing,  // the address or name is listed for abuse
  policy,   // a policy listing: an end-user range that should not send mail directly (Spamhaus PBL)
  error,    // not a listing: the list refused or could not answer the query
};

// One documented answer of a list: an A record value (host order: 127.0.0.2 = 0x7f000002).
struct ReturnCode {
  std::uint32_t address;
  CodeKind kind;
  std::string_view meaning;
};

struct BlocklistDef {
  std::string name;  // "Spamhaus ZEN"; the zone for lists we do not know
  std::string zone;  // the zone as the user named it; what reports show
  // The zone queries go to: `zone`, or the Spamhaus DQS zone with the key in it. Secret when it
  // holds a key: never put it in a report, a finding or a log.
  std::string queryZone;
  BlocklistKind kind = BlocklistKind::ip;
  bool ipv6 = false;                     // answers IPv6 queries; others are not asked for IPv6 addresses
  bool spamhaus = false;                 // 127.255.255.0/24 are error codes; refusals get the DQS hint
  bool dqs = false;                      // queries go through Spamhaus DQS (queryZone holds the key)
  std::span<const ReturnCode> codes;     // documented codes; other 127.0.0.0/8 codes are "listed"
  std::optional<std::string_view> note;  // e.g. Barracuda: only registered resolvers get answers
};

// The built-in lists, in the order of the default set (docs/blocklists.md).
std::span<const BlocklistDef> knownBlocklists();
// The zones asked when the user chose none: the extension's defaults plus Spamhaus DBL.
std::vector<std::string> defaultBlocklistZones();

// A blocklist zone as the CLI and the extension may name it: LDH labels (and "_"), with a dot,
// no leading or trailing dot. It becomes part of DNS query names.
bool isBlocklistZoneName(std::string_view zone);
// A Spamhaus DQS key goes into query names: letters and digits only.
bool isValidDqsKey(std::string_view key);
// Appends `zone` in lower case unless it is already there (the CLI's, the file's and the
// extension's lists are read the same way).
void addBlocklistZone(std::vector<std::string>& zones, std::string_view zone);

// The lists to ask. `set` false: the default set (`zonesOrNames` ignored). Entries are zone
// names (any case, a trailing dot allowed) or a built-in list's name ("Spamhaus ZEN"); "none"
// alone asks none. Unknown zones are asked as generic IPv4 lists (127.0.0.2 and any other
// 127.0.0.0/8 code is "listed"). The *.dnsbl.test zones are the test world's stand-ins for
// real lists. With a DQS key, Spamhaus lists are asked through DQS. Errors: input.usage.
Result<std::vector<BlocklistDef>> selectBlocklists(const std::vector<std::string>& zonesOrNames, bool set,
                                                   const std::optional<std::string>& dqsKey);

// A blocklist config file: one zone per line, "#" starts a comment, blank lines ignored, at
// most limits::kMaxBlocklistConfigBytes. Errors (input.usage) name the file and the line.
Result<std::vector<std::string>> readBlocklistConfig(const std::string& path);
// The same for text already read (unit tests; `source` names it in errors).
Result<std::vector<std::string>> parseBlocklistConfig(std::string_view text, std::string_view source);

// The name to ask: the address's reversed labels (dns::reversedAddressLabels) + "." + zone
// (RFC 5782 §2.1, §2.4).
std::string blocklistQueryName(const dns::IpAddress& address, std::string_view zone);
// "host.example.com.zone" for a domain list (RFC 5782 §2.3).
std::string blocklistQueryName(std::string_view host, std::string_view zone);

enum class BlocklistStatus { listed, not_listed, unknown };
std::string_view blocklistStatusName(BlocklistStatus status);

struct BlocklistResult {
  std::string list;  // BlocklistDef::name
  std::string zone;  // BlocklistDef::zone (never the DQS name)
  BlocklistStatus status = BlocklistStatus::unknown;
  std::vector<std::string> codes;     // the answer's A records, as text, sorted
  std::vector<std::string> meanings;  // for listing codes: what each means
  std::optional<std::string> reason;  // why the status is unknown
  bool policyOnly = false;            // listed, and every code is a policy listing (PBL): a warning, not an error
  bool dqsHint = false;               // Spamhaus refused a public resolver: a DQS key would help
};

// Reads one answer by the list's codes. Pure: NXDOMAIN/NODATA are not listed; an error, a
// bogus answer, a code outside 127.0.0.0/8, 127.0.0.1 or a documented error code are unknown;
// other 127.0.0.0/8 codes are listed (with the meaning, or "unknown code").
BlocklistResult interpretBlocklistAnswer(const BlocklistDef& list, const Result<dns::Answer>& answer);

struct BlocklistResults {
  // By address text (IpAddress::toString), in the order of the lists. IPv6 addresses have
  // entries only for lists that answer IPv6.
  std::map<std::string, std::vector<BlocklistResult>> byIp;
  // By MX host name: the domain lists.
  std::map<std::string, std::vector<BlocklistResult>> byHost;
};

// Asks every IP list for every address and every domain list for every host name, all at once,
// bounded by kBlocklistTimeout. Hosts that are not host names (".", address literals) are skipped.
BlocklistResults checkBlocklists(dns::Resolver& resolver, const std::vector<dns::IpAddress>& ips,
                                 const std::vector<std::string>& mxHosts, const std::vector<BlocklistDef>& lists,
                                 Deadline deadline, const CancelToken& cancel);

// Findings for one address: dnsbl.listed (error; warning when only a policy listing) and
// dnsbl.unknown (info).
std::vector<Finding> blocklistFindings(const std::string& mxHost, const std::string& ip,
                                       const std::vector<BlocklistResult>& results);
// Findings for one MX host name: dnsbl.domain_listed (error) and dnsbl.unknown (info).
std::vector<Finding> domainBlocklistFindings(const std::string& mxHost, const std::vector<BlocklistResult>& results);

// {"list", "zone", "status", "codes", "meanings", "reason"} (docs/report.md).
nlohmann::ordered_json toJson(const BlocklistResult& result);
nlohmann::ordered_json toJson(const std::vector<BlocklistResult>& results);

}  // namespace mxh::checks

// The blocklists mxhealth knows (their zones and documented return codes, docs/blocklists.md)
// and the choice of lists for one check: names, zones, the config file and the Spamhaus DQS key.
#include <algorithm>
#include <fstream>
#include <set>
#include <utility>

#include "checks/options/check_options.h"
#include "checks/reputation/blocklist_codes.h"
#include "checks/reputation/dnsbl.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"

namespace mxh::checks {
namespace {

using namespace blocklist_codes;  // NOLINT(google-build-using-namespace): the tables below name them

// Spamhaus: https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html
// and the error codes of https://www.spamhaus.org/news/article/788/ (127.255.255.0/24).
constexpr ReturnCode kZenCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "SBL: a known source of spam or a spam operation"},
    {ip4(127, 0, 0, 3), CodeKind::listing, "SBL CSS: a low-reputation sender seen sending snowshoe spam"},
    {ip4(127, 0, 0, 4), CodeKind::listing, "XBL: an exploited or infected host (botnet, proxy, malware)"},
    {ip4(127, 0, 0, 5), CodeKind::listing, "XBL: an exploited or infected host"},
    {ip4(127, 0, 0, 6), CodeKind::listing, "XBL: an exploited or infected host"},
    {ip4(127, 0, 0, 7), CodeKind::listing, "XBL: an exploited or infected host"},
    {ip4(127, 0, 0, 9), CodeKind::listing, "SBL DROP: a hijacked or criminal network (Don't Route Or Peer)"},
    {ip4(127, 0, 0, 10), CodeKind::policy,
     "PBL (set by the ISP): an end-user address range that should not send mail directly"},
    {ip4(127, 0, 0, 11), CodeKind::policy,
     "PBL (set by Spamhaus): an end-user address range that should not send mail directly"},
    {ip4(127, 0, 0, 30), CodeKind::listing, "BCL: a botnet command-and-control server"},
    {kSpamhausTypo, CodeKind::error, "the zone name is mistyped"},
    {kSpamhausPublicResolver, CodeKind::error, "queries through public or unattributable resolvers are refused"},
    {kSpamhausTooManyQueries, CodeKind::error, "too many queries from your resolver"},
};

constexpr ReturnCode kDblCodes[] = {
    {ip4(127, 0, 1, 2), CodeKind::listing, "a spam domain (low reputation)"},
    {ip4(127, 0, 1, 4), CodeKind::listing, "a phishing domain"},
    {ip4(127, 0, 1, 5), CodeKind::listing, "a malware domain"},
    {ip4(127, 0, 1, 6), CodeKind::listing, "a botnet command-and-control domain"},
    {ip4(127, 0, 1, 102), CodeKind::listing, "an abused legitimate domain (spam)"},
    {ip4(127, 0, 1, 103), CodeKind::listing, "an abused redirector or URL shortener"},
    {ip4(127, 0, 1, 104), CodeKind::listing, "an abused legitimate domain (phishing)"},
    {ip4(127, 0, 1, 105), CodeKind::listing, "an abused legitimate domain (malware)"},
    {ip4(127, 0, 1, 106), CodeKind::listing, "an abused legitimate domain (botnet command and control)"},
    {ip4(127, 0, 1, 255), CodeKind::error, "the query was not a domain name"},
    {kSpamhausTypo, CodeKind::error, "the zone name is mistyped"},
    {kSpamhausPublicResolver, CodeKind::error, "queries through public or unattributable resolvers are refused"},
    {kSpamhausTooManyQueries, CodeKind::error, "too many queries from your resolver"},
};

// https://www.spamcop.net/fom-serve/cache/291.html
constexpr ReturnCode kSpamcopCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "reported as a source of spam by SpamCop users"},
};

// https://www.barracudacentral.org/rbl/how-to-use
constexpr ReturnCode kBarracudaCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "poor reputation in the Barracuda Reputation Block List"},
};

// https://psbl.org/
constexpr ReturnCode kPsblCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "sent mail to PSBL spam traps"},
};

// https://mailspike.org/usage.html: bl.mailspike.net is the zero-hour list plus reputation L5..L3.
constexpr ReturnCode kMailspikeCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "zero-hour: seen taking part in a spam wave"},
    {ip4(127, 0, 0, 10), CodeKind::listing, "the worst reputation (L5)"},
    {ip4(127, 0, 0, 11), CodeKind::listing, "a very bad reputation (L4)"},
    {ip4(127, 0, 0, 12), CodeKind::listing, "a bad reputation (L3)"},
    {ip4(127, 0, 0, 13), CodeKind::listing, "suspicious behaviour (L2)"},
    {ip4(127, 0, 0, 14), CodeKind::listing, "neutral, probably spam (L1)"},
};

// https://www.uceprotect.net/en/index.php?m=6&s=10
constexpr ReturnCode kUceprotectCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "this address sent spam to UCEPROTECT traps (level 1: single addresses)"},
};

// https://dronebl.org/classes
constexpr ReturnCode kDroneblCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "sample data used for heuristic analysis"},
    {ip4(127, 0, 0, 3), CodeKind::listing, "an IRC spam drone"},
    {ip4(127, 0, 0, 5), CodeKind::listing, "a bottler"},
    {ip4(127, 0, 0, 6), CodeKind::listing, "an unknown worm or spambot"},
    {ip4(127, 0, 0, 7), CodeKind::listing, "a DDoS drone"},
    {ip4(127, 0, 0, 8), CodeKind::listing, "an open SOCKS proxy"},
    {ip4(127, 0, 0, 9), CodeKind::listing, "an open HTTP proxy"},
    {ip4(127, 0, 0, 10), CodeKind::listing, "a proxy chain"},
    {ip4(127, 0, 0, 11), CodeKind::listing, "a web page proxy"},
    {ip4(127, 0, 0, 12), CodeKind::listing, "an open DNS resolver"},
    {ip4(127, 0, 0, 13), CodeKind::listing, "a brute-force (dictionary) attacker"},
    {ip4(127, 0, 0, 14), CodeKind::listing, "an open WinGate proxy"},
    {ip4(127, 0, 0, 15), CodeKind::listing, "a compromised router or gateway"},
    {ip4(127, 0, 0, 16), CodeKind::listing, "an autorooting worm"},
    {ip4(127, 0, 0, 17), CodeKind::listing, "an automatically detected botnet address"},
    {ip4(127, 0, 0, 18), CodeKind::listing, "a DNS/MX-type host name seen on IRC"},
    {ip4(127, 0, 0, 19), CodeKind::listing, "an abused VPN service"},
    {ip4(127, 0, 0, 255), CodeKind::listing, "an uncategorized threat"},
};

// Lists we do not know: RFC 5782 §2.1's conventional 127.0.0.2.
constexpr ReturnCode kGenericCodes[] = {
    {ip4(127, 0, 0, 2), CodeKind::listing, "listed"},
};

BlocklistDef ipList(std::string name, std::string zone, bool ipv6, std::span<const ReturnCode> codes) {
  BlocklistDef def;
  def.name = std::move(name);
  def.zone = zone;
  def.queryZone = std::move(zone);
  def.kind = BlocklistKind::ip;
  def.ipv6 = ipv6;
  def.codes = codes;
  return def;
}

std::vector<BlocklistDef> makeKnownLists() {
  std::vector<BlocklistDef> lists;
  BlocklistDef zen = ipList("Spamhaus ZEN", "zen.spamhaus.org", true, kZenCodes);
  zen.spamhaus = true;
  lists.push_back(std::move(zen));
  lists.push_back(ipList("SpamCop", "bl.spamcop.net", false, kSpamcopCodes));
  BlocklistDef barracuda = ipList("Barracuda", "b.barracudacentral.org", false, kBarracudaCodes);
  barracuda.note = "answers only resolvers registered (free) at barracudacentral.org";
  lists.push_back(std::move(barracuda));
  lists.push_back(ipList("PSBL", "psbl.surriel.com", false, kPsblCodes));
  lists.push_back(ipList("Mailspike", "bl.mailspike.net", false, kMailspikeCodes));
  lists.push_back(ipList("UCEPROTECT Level 1", "dnsbl-1.uceprotect.net", false, kUceprotectCodes));
  lists.push_back(ipList("DroneBL", "dnsbl.dronebl.org", true, kDroneblCodes));
  BlocklistDef dbl = ipList("Spamhaus DBL", "dbl.spamhaus.org", false, kDblCodes);
  dbl.kind = BlocklistKind::domain;
  dbl.spamhaus = true;
  lists.push_back(std::move(dbl));
  return lists;
}

const std::vector<BlocklistDef>& knownLists() {
  static const std::vector<BlocklistDef> lists = makeKnownLists();
  return lists;
}

// Spamhaus Data Query Service: KEY.<dq zone> answers for the public zone.
std::optional<std::string_view> dqsZoneFor(std::string_view zone) {
  if (zone == "zen.spamhaus.org") return "zen.dq.spamhaus.net";
  if (zone == "dbl.spamhaus.org") return "dbl.dq.spamhaus.net";
  return std::nullopt;
}

const BlocklistDef* knownByZone(std::string_view zone) {
  for (const BlocklistDef& def : knownLists()) {
    if (def.zone == zone) return &def;
  }
  return nullptr;
}

// The test world's stand-ins (zones under dnsbl.test): the real lists' codes, asked as named.
std::optional<BlocklistDef> testAlias(std::string_view zone) {
  const auto copyOf = [&](std::string_view realZone, std::string name) {
    BlocklistDef def = *knownByZone(realZone);
    def.name = std::move(name);
    def.zone = std::string(zone);
    def.queryZone = std::string(zone);
    return def;
  };
  if (zone == "zen.dnsbl.test") return copyOf("zen.spamhaus.org", "Spamhaus ZEN (test stand-in)");
  if (zone == "dbl.dnsbl.test") return copyOf("dbl.spamhaus.org", "Spamhaus DBL (test stand-in)");
  if (zone == "slow.dnsbl.test") return ipList("slow.dnsbl.test", std::string(zone), false, kGenericCodes);
  return std::nullopt;
}

// A zone as given, made comparable: lower case, no trailing dot.
std::string normalizedZone(std::string_view text) {
  return dns::canonicalName(trimmed(text, " \t\r\n"));
}

const BlocklistDef* knownByName(std::string_view name) {
  for (const BlocklistDef& def : knownLists()) {
    if (equalsIgnoreCaseAscii(def.name, trimmed(name, " \t\r\n"))) return &def;
  }
  return nullptr;
}

Error usageError(std::string message) {
  return Error{Errc::usage, std::move(message)};
}

}  // namespace

std::span<const BlocklistDef> knownBlocklists() {
  return knownLists();
}

std::vector<std::string> defaultBlocklistZones() {
  std::vector<std::string> zones;
  for (const BlocklistDef& def : knownLists()) zones.push_back(def.zone);
  return zones;
}

bool isBlocklistZoneName(std::string_view zone) {
  if (zone.empty() || zone.size() > limits::kMaxBlocklistZoneLength || zone.front() == '.' || zone.back() == '.') {
    return false;
  }
  std::size_t label = 0;
  for (const char c : zone) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ldh || ++label > 63) return false;
  }
  return zone.find('.') != std::string_view::npos;
}

bool isValidDqsKey(std::string_view key) {
  return !key.empty() && key.size() <= limits::kMaxDqsKeyLength && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

void addBlocklistZone(std::vector<std::string>& zones, std::string_view zone) {
  std::string lower = toLowerAscii(zone);
  if (std::find(zones.begin(), zones.end(), lower) == zones.end()) zones.push_back(std::move(lower));
}

Result<std::vector<BlocklistDef>> selectBlocklists(const std::vector<std::string>& zonesOrNames, bool set,
                                                   const std::optional<std::string>& dqsKey) {
  const std::vector<std::string> entries = set ? zonesOrNames : defaultBlocklistZones();
  const bool none = std::any_of(entries.begin(), entries.end(),
                                [](const std::string& entry) { return normalizedZone(entry) == "none"; });
  if (none) {
    if (entries.size() > 1) return usageError("the blocklist 'none' cannot be combined with other blocklists");
    return std::vector<BlocklistDef>{};
  }

  std::vector<BlocklistDef> lists;
  for (const std::string& entry : entries) {
    const std::string zone = normalizedZone(entry);
    std::optional<BlocklistDef> def;
    if (const BlocklistDef* known = knownByZone(zone)) {
      def = *known;
    } else if (const BlocklistDef* named = knownByName(entry)) {
      def = *named;
    } else if (auto alias = testAlias(zone)) {
      def = std::move(alias);
    } else if (isBlocklistZoneName(zone)) {
      def = ipList(zone, zone, false, kGenericCodes);
    } else {
      return usageError("a blocklist is a DNS zone name like zen.spamhaus.org, not " + quotedForDisplay(entry));
    }
    const bool seen =
        std::any_of(lists.begin(), lists.end(), [&](const BlocklistDef& listed) { return listed.zone == def->zone; });
    if (seen) continue;
    if (lists.size() == kMaxBlocklists) {
      return usageError("at most " + std::to_string(kMaxBlocklists) + " blocklists can be asked");
    }
    if (dqsKey) {
      if (const auto dqsZone = dqsZoneFor(def->zone)) {
        def->queryZone = *dqsKey + "." + std::string(*dqsZone);
        def->dqs = true;
      }
    }
    lists.push_back(std::move(*def));
  }
  return lists;
}

Result<std::vector<std::string>> parseBlocklistConfig(std::string_view text, std::string_view source) {
  if (text.size() > limits::kMaxBlocklistConfigBytes) {
    return usageError("the blocklist config " + quotedForDisplay(source) + " is larger than " +
                      std::to_string(limits::kMaxBlocklistConfigBytes / 1024) + " KiB");
  }
  std::vector<std::string> zones;
  std::size_t lineNumber = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++lineNumber;
    line = line.substr(0, std::min(line.find('#'), line.size()));
    const std::string entry(trimmed(line, " \t\r\n"));
    if (entry.empty()) continue;
    const std::string zone = normalizedZone(entry);
    std::string kept;
    if (const BlocklistDef* named = knownByName(entry)) {
      kept = named->zone;
    } else if (zone == "none" || isBlocklistZoneName(zone)) {
      kept = zone;
    } else {
      return usageError("the blocklist config " + quotedForDisplay(source) + ", line " + std::to_string(lineNumber) +
                        ": one zone name per line, like zen.spamhaus.org, not " + quotedForDisplay(entry));
    }
    if (std::find(zones.begin(), zones.end(), kept) != zones.end()) continue;
    if (zones.size() == kMaxBlocklists) {
      return usageError("the blocklist config " + quotedForDisplay(source) + " names more than " +
                        std::to_string(kMaxBlocklists) + " blocklists");
    }
    zones.push_back(std::move(kept));
  }
  return zones;
}

Result<std::vector<std::string>> readBlocklistConfig(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return usageError("cannot read the blocklist config " + quotedForDisplay(path));
  std::string text(limits::kMaxBlocklistConfigBytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (file.bad()) return usageError("cannot read the blocklist config " + quotedForDisplay(path));
  text.resize(static_cast<std::size_t>(file.gcount()));
  return parseBlocklistConfig(text, path);
}

}  // namespace mxh::checks

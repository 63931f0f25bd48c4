#include "checks/mx/mx_lookup.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "core/limits.h"
#include "dns/wire.h"

namespace mxh::checks {
namespace {

using dns::Answer;
using dns::DnssecState;
using dns::IpAddress;
using dns::Outcome;
using dns::Query;
using dns::RrType;

void noteDnssec(MxFacts& facts, const std::string& name, RrType type, const Result<Answer>& answer) {
  if (!answer) return;
  DnssecEntry entry{name, std::string(dns::rrTypeName(type)), std::string(dns::dnssecStateName(answer->dnssec)), {}};
  if (answer->dnssec == DnssecState::bogus) entry.why = answer->whyBogus;
  facts.dnssec.push_back(std::move(entry));
}

// Addresses of one family from an answer, capped, sorted, without repeats. An answer whose
// records are all malformed is a failed lookup (records exist but cannot be read), never "none".
Result<std::vector<IpAddress>> addressesOf(const Result<Answer>& answer, RrType type) {
  std::set<IpAddress> unique;
  if (!answer || answer->outcome != Outcome::data) return std::vector<IpAddress>{};
  std::optional<Error> malformed;
  for (const auto& rdata : answer->rdata) {
    auto address = type == RrType::A ? dns::decodeA(rdata) : dns::decodeAaaa(rdata);
    if (address) {
      unique.insert(*address);
    } else if (!malformed) {
      malformed = address.error();
    }
    if (unique.size() >= limits::kMaxAddressesPerFamily) break;
  }
  if (unique.empty() && malformed) return *malformed;
  return std::vector<IpAddress>{unique.begin(), unique.end()};
}

HostFacts hostFacts(const std::string& host, const Result<Answer>& a, const Result<Answer>& aaaa) {
  HostFacts facts;
  facts.host = host;
  facts.validName = dns::isHostName(host);
  for (const auto* answer : {&a, &aaaa}) {
    if (!*answer) {
      facts.lookupErrors.push_back(answer->error());
      continue;
    }
    if ((*answer)->followedCname(host)) facts.cname = (*answer)->canonicalName;
    if ((*answer)->dnssec == DnssecState::bogus) facts.bogus = (*answer)->whyBogus;
  }
  // Data that failed validation may be forged: it is reported, never used.
  if (facts.bogus) {
    facts.failure = "its address records fail DNSSEC validation (" + *facts.bogus + ")";
    return facts;
  }
  for (const auto& [answer, type] : {std::pair{&a, RrType::A}, std::pair{&aaaa, RrType::AAAA}}) {
    auto addresses = addressesOf(*answer, type);
    if (!addresses) {
      facts.lookupErrors.push_back(addresses.error());
      continue;
    }
    facts.addresses.insert(facts.addresses.end(), addresses->begin(), addresses->end());
  }
  if (!facts.addresses.empty()) return facts;

  if (!facts.lookupErrors.empty()) {
    facts.failure = "its address lookup failed: " + facts.lookupErrors.front().message;
  } else if (a->outcome == Outcome::nxdomain || aaaa->outcome == Outcome::nxdomain) {
    facts.failure = facts.cname ? "it is an alias (CNAME) for " + *facts.cname + ", which does not exist (NXDOMAIN)"
                                : "the host name does not exist (NXDOMAIN)";
  } else {
    facts.failure = "the host name has no A or AAAA record";
  }
  return facts;
}

struct ParsedMx {
  std::vector<MxEntry> records;  // sorted by priority, then host
  std::size_t malformed = 0;
};

ParsedMx parseMxRecords(const Answer& answer) {
  ParsedMx parsed;
  for (const auto& rdata : answer.rdata) {
    auto mx = dns::decodeMx(rdata);
    if (mx) {
      parsed.records.push_back({mx->preference, mx->exchange, false});
    } else {
      ++parsed.malformed;
    }
  }
  std::sort(parsed.records.begin(), parsed.records.end(), [](const MxEntry& x, const MxEntry& y) {
    return x.priority != y.priority ? x.priority < y.priority : x.host < y.host;
  });
  return parsed;
}

// RFC 5321 §5.1: with no MX, the domain's own address records are its mail server.
void lookUpImplicitMx(dns::Resolver& resolver, const std::string& name, Deadline deadline, const CancelToken& cancel,
                      MxFacts& facts) {
  const std::vector<Query> queries = {{name, RrType::A}, {name, RrType::AAAA}};
  const auto answers = resolver.resolveAll(queries, deadline, cancel);
  HostFacts self = hostFacts(name, answers[0], answers[1]);
  if (self.unknown()) {
    // Without the answer nobody can tell "implicit MX" from "no mail at all".
    facts.lookupError = self.lookupErrors.front();
    return;
  }
  noteDnssec(facts, name, RrType::A, answers[0]);
  noteDnssec(facts, name, RrType::AAAA, answers[1]);
  if (self.addresses.empty() && !self.bogus) return;  // no MX, no address: no mail
  // An implicit MX follows a CNAME at the domain legitimately: that is no MX alias.
  self.cname.reset();
  facts.implicitMx = true;
  facts.records.push_back({0, name, true});
  facts.hosts.emplace(name, std::move(self));
}

}  // namespace

MxFacts lookupMx(dns::Resolver& resolver, const dns::DomainName& domain, Deadline deadline, const CancelToken& cancel) {
  MxFacts facts;
  const std::string& name = domain.ascii;

  auto mx = resolver.resolve({name, RrType::MX}, deadline, cancel);
  if (!mx) {
    facts.lookupError = mx.error();
    return facts;
  }
  noteDnssec(facts, name, RrType::MX, mx);
  if (mx->dnssec == DnssecState::bogus) facts.mxBogus = mx->whyBogus;
  if (mx->outcome == Outcome::nxdomain) {
    facts.nxdomain = true;
    return facts;
  }
  if (mx->outcome == Outcome::data) {
    ParsedMx parsed = parseMxRecords(*mx);
    facts.records = std::move(parsed.records);
    facts.recordsMalformed = parsed.malformed;
  }
  if (facts.records.empty()) {
    if (!facts.mxBogus && facts.recordsMalformed == 0) lookUpImplicitMx(resolver, name, deadline, cancel, facts);
    return facts;
  }

  facts.recordsPublished = facts.records.size();
  if (facts.records.size() > limits::kMaxMxRecords) facts.records.resize(limits::kMaxMxRecords);
  const bool anyRoot =
      std::any_of(facts.records.begin(), facts.records.end(), [](const MxEntry& e) { return e.host == "."; });
  facts.nullMx = anyRoot && facts.records.size() == 1;
  facts.nullMixed = anyRoot && facts.records.size() > 1;
  if (facts.nullMx) return facts;

  std::vector<std::string> toLookUp;
  for (const MxEntry& record : facts.records) {
    if (record.host == "." || facts.hosts.contains(record.host)) continue;
    HostFacts& host = facts.hosts[record.host];
    host.host = record.host;
    if (IpAddress::parse(record.host)) {
      host.ipLiteral = true;
      host.failure = "the MX target is an IP address, not a host name; senders look it up as a name, which fails";
      continue;
    }
    toLookUp.push_back(record.host);
  }
  std::vector<Query> queries;
  for (const std::string& host : toLookUp) {
    queries.push_back({host, RrType::A});
    queries.push_back({host, RrType::AAAA});
  }
  const auto addressAnswers = resolver.resolveAll(queries, deadline, cancel);
  for (std::size_t i = 0; i < toLookUp.size(); ++i) {
    const std::string& host = toLookUp[i];
    noteDnssec(facts, host, RrType::A, addressAnswers[2 * i]);
    noteDnssec(facts, host, RrType::AAAA, addressAnswers[2 * i + 1]);
    facts.hosts[host] = hostFacts(host, addressAnswers[2 * i], addressAnswers[2 * i + 1]);
  }
  return facts;
}

}  // namespace mxh::checks

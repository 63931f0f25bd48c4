#include "checks/mx_lookup.h"

#include <algorithm>
#include <set>

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

// Addresses of one family from an answer, capped, sorted, without repeats.
std::vector<IpAddress> addressesOf(const Result<Answer>& answer, RrType type) {
  std::set<IpAddress> unique;
  if (!answer || answer->outcome != Outcome::data) return {};
  for (const auto& rdata : answer->rdata) {
    auto address = type == RrType::A ? dns::decodeA(rdata) : dns::decodeAaaa(rdata);
    if (address) unique.insert(*address);
    if (unique.size() >= limits::kMaxAddressesPerFamily) break;
  }
  return {unique.begin(), unique.end()};
}

HostFacts hostFacts(const std::string& host, const Result<Answer>& a, const Result<Answer>& aaaa) {
  HostFacts facts;
  facts.host = host;
  for (const auto* answer : {&a, &aaaa}) {
    if (*answer && (*answer)->followedCname(host)) facts.cname = (*answer)->canonicalName;
    if (*answer && (*answer)->dnssec == DnssecState::bogus) facts.bogus = (*answer)->whyBogus;
  }
  facts.addresses = addressesOf(a, RrType::A);
  const auto v6 = addressesOf(aaaa, RrType::AAAA);
  facts.addresses.insert(facts.addresses.end(), v6.begin(), v6.end());

  if (!facts.addresses.empty()) {
    for (const auto* answer : {&a, &aaaa}) {
      if (!*answer) facts.lookupErrors.push_back(answer->error().message);
    }
    return facts;
  }
  if (facts.bogus) {
    facts.failure = "its address records fail DNSSEC validation (" + *facts.bogus + ")";
  } else if (!a || !aaaa) {
    facts.lookupFailed = true;
    facts.failure = "the address lookup failed: " + (!a ? a.error().message : aaaa.error().message);
  } else if (a->outcome == Outcome::nxdomain || aaaa->outcome == Outcome::nxdomain) {
    facts.failure = "the host name does not exist (NXDOMAIN)";
  } else {
    facts.failure = "the host name has no A or AAAA record";
  }
  return facts;
}

std::vector<MxEntry> parseMxRecords(const Answer& answer) {
  std::vector<MxEntry> records;
  for (const auto& rdata : answer.rdata) {
    auto mx = dns::decodeMx(rdata);
    if (mx) records.push_back({mx->preference, mx->exchange, false});
  }
  std::sort(records.begin(), records.end(), [](const MxEntry& x, const MxEntry& y) {
    return x.priority != y.priority ? x.priority < y.priority : x.host < y.host;
  });
  return records;
}

}  // namespace

MxFacts lookupMx(dns::Resolver& resolver, const dns::DomainName& domain, Deadline deadline, const CancelToken& cancel) {
  MxFacts facts;
  const std::string& name = domain.ascii;

  // The domain's own addresses are asked alongside its MX: they are the implicit MX if there is none.
  const std::vector<Query> first = {{name, RrType::MX}, {name, RrType::A}, {name, RrType::AAAA}};
  auto answers = resolver.resolveAll(first, deadline, cancel);
  const Result<Answer>& mx = answers[0];
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
    facts.records = parseMxRecords(*mx);
  }
  if (facts.records.empty()) {
    if (facts.mxBogus) return facts;
    // RFC 5321 §5.1: with no MX, the domain's own address records are the mail server.
    HostFacts self = hostFacts(name, answers[1], answers[2]);
    if (self.addresses.empty()) return facts;
    noteDnssec(facts, name, RrType::A, answers[1]);
    noteDnssec(facts, name, RrType::AAAA, answers[2]);
    facts.implicitMx = true;
    facts.records.push_back({0, name, true});
    facts.recordsPublished = 0;
    facts.hosts.emplace(name, std::move(self));
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
      host.failure = "the MX target is an IP address, not a host name; senders do not look it up";
      continue;
    }
    toLookUp.push_back(record.host);
  }
  std::vector<Query> queries;
  for (const std::string& host : toLookUp) {
    queries.push_back({host, RrType::A});
    queries.push_back({host, RrType::AAAA});
  }
  auto addressAnswers = resolver.resolveAll(queries, deadline, cancel);
  for (std::size_t i = 0; i < toLookUp.size(); ++i) {
    const std::string& host = toLookUp[i];
    const Result<Answer>& a = addressAnswers[2 * i];
    const Result<Answer>& aaaa = addressAnswers[2 * i + 1];
    noteDnssec(facts, host, RrType::A, a);
    noteDnssec(facts, host, RrType::AAAA, aaaa);
    facts.hosts[host] = hostFacts(host, a, aaaa);
  }
  return facts;
}

}  // namespace mxh::checks

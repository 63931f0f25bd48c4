#include "checks/reputation/reverse_dns.h"

#include <algorithm>
#include <utility>

#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"

namespace mxh::checks {
namespace {

using dns::Answer;
using dns::DnssecState;
using dns::IpAddress;
using dns::Outcome;
using dns::Query;
using dns::RrType;

bool isAccepted(std::string_view name, const std::vector<std::string>& acceptedNames) {
  return std::any_of(acceptedNames.begin(), acceptedNames.end(),
                     [&](const std::string& accepted) { return dns::sameName(name, accepted); });
}

// Does a forward answer (A for IPv4, AAAA for IPv6) contain the address?
bool answerContains(const Answer& answer, const IpAddress& address) {
  if (answer.outcome != Outcome::data) return false;
  for (const auto& rdata : answer.rdata) {
    auto decoded = address.family() == IpAddress::Family::v4 ? dns::decodeA(rdata) : dns::decodeAaaa(rdata);
    if (decoded && *decoded == address) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// Where the rule that an address's PTR name resolves back to it is written.
constexpr const char* kReference = "RFC 1912 §2.1";

}  // namespace

std::string_view ptrStatusName(PtrStatus status) {
  switch (status) {
    case PtrStatus::ok: return "ok";
    case PtrStatus::mismatch: return "mismatch";
    case PtrStatus::unconfirmed: return "unconfirmed";
    case PtrStatus::none: return "none";
    case PtrStatus::unknown: return "unknown";
  }
  return "unknown";
}

PtrReport readPtrAnswer(const Result<Answer>& answer, const std::vector<std::string>& acceptedNames) {
  PtrReport report;
  if (!answer) {
    report.error = answer.error().message;
    return report;
  }
  report.dnssec = answer->dnssec;
  if (answer->dnssec == DnssecState::bogus) {
    // Data that failed validation may be forged: reported, never used.
    report.error = "the PTR records fail DNSSEC validation (" + answer->whyBogus + ")";
    return report;
  }
  if (answer->outcome != Outcome::data) {
    report.status = PtrStatus::none;
    return report;
  }
  std::vector<std::string> names;
  std::size_t malformed = 0;
  for (std::size_t i = 0; i < answer->rdata.size() && i < limits::kMaxPtrRecordsRead; ++i) {
    auto name = dns::decodePtr(answer->rdata[i]);
    if (!name) {
      ++malformed;
      continue;
    }
    // decodeName already lower-cases and escapes; the cap keeps a hostile name short.
    std::string shown = sanitizeForDisplay(*name, limits::kMaxDomainLength + 2);
    if (std::find(names.begin(), names.end(), shown) == names.end()) names.push_back(std::move(shown));
  }
  if (names.empty()) {
    if (malformed > 0) {
      report.error = "the PTR record is malformed";
    } else {
      report.status = PtrStatus::none;
    }
    return report;
  }
  // The names that stand for the MX host first, so that the cap never drops them.
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    const bool aAccepted = isAccepted(a, acceptedNames);
    const bool bAccepted = isAccepted(b, acceptedNames);
    return aAccepted != bAccepted ? aAccepted : a < b;
  });
  if (names.size() > limits::kMaxPtrNamesPerAddress) names.resize(limits::kMaxPtrNamesPerAddress);
  report.matchesMx =
      std::any_of(names.begin(), names.end(), [&](const std::string& name) { return isAccepted(name, acceptedNames); });
  report.names = std::move(names);
  report.status = PtrStatus::unconfirmed;  // until confirmPtr has seen the forward answers
  return report;
}

void confirmPtr(PtrReport& report, const IpAddress& address, const std::vector<std::string>& acceptedNames,
                const std::vector<std::optional<Result<Answer>>>& forward) {
  if (report.names.empty()) return;  // none or unknown: nothing to confirm
  bool confirmed = false;
  bool acceptedConfirmed = false;
  bool acceptedUndecided = false;
  std::optional<std::string> undecided;  // why some name could not be looked up
  for (std::size_t i = 0; i < report.names.size(); ++i) {
    const std::string& name = report.names[i];
    const bool accepted = isAccepted(name, acceptedNames);
    // A name that is no host name cannot be resolved by anyone: it never confirms.
    if (!dns::isHostName(name)) continue;
    const std::optional<Result<Answer>>* answer = i < forward.size() ? &forward[i] : nullptr;
    std::optional<std::string> failure;
    if (answer == nullptr || !answer->has_value()) {
      failure = "the PTR name " + name + " was not looked up (too many names)";
    } else if (!answer->value()) {
      failure = "the PTR name " + name + " could not be looked up: " + answer->value().error().message;
    } else if (answer->value()->dnssec == DnssecState::bogus) {
      failure = "the addresses of the PTR name " + name + " fail DNSSEC validation (" + answer->value()->whyBogus + ")";
    } else if (answerContains(*answer->value(), address)) {
      confirmed = true;
      acceptedConfirmed = acceptedConfirmed || accepted;
      continue;
    } else {
      continue;  // answered, without this address
    }
    acceptedUndecided = acceptedUndecided || accepted;
    if (!undecided) undecided = std::move(failure);
  }

  if (acceptedConfirmed) {
    report.status = PtrStatus::ok;
    report.forwardConfirmed = true;
  } else if (confirmed && !acceptedUndecided) {
    report.status = PtrStatus::mismatch;
    report.forwardConfirmed = true;
  } else if (undecided) {
    // An unanswered lookup might have confirmed: no verdict from an error.
    report.status = PtrStatus::unknown;
    report.forwardConfirmed = confirmed ? std::optional<bool>(true) : std::nullopt;
    report.error = std::move(undecided);
  } else {
    report.status = PtrStatus::unconfirmed;
    report.forwardConfirmed = false;
  }
}

std::map<std::string, PtrReport> checkReverseDns(dns::Resolver& resolver, const std::vector<PtrTarget>& targets,
                                                 Deadline deadline, const CancelToken& cancel) {
  // Each address once, with every MX host name (and CNAME target) it stands for.
  std::vector<IpAddress> addresses;
  std::map<IpAddress, std::vector<std::string>> accepted;
  for (const PtrTarget& target : targets) {
    auto [it, inserted] = accepted.try_emplace(target.ip);
    if (inserted) addresses.push_back(target.ip);
    for (const auto* name : {&target.mxHost, target.mxCname ? &*target.mxCname : nullptr}) {
      if (name == nullptr || name->empty()) continue;
      std::string lower = toLowerAscii(*name);
      if (std::find(it->second.begin(), it->second.end(), lower) == it->second.end()) {
        it->second.push_back(std::move(lower));
      }
    }
  }

  std::map<std::string, PtrReport> reports;
  if (addresses.size() > limits::kMaxPtrAddresses) {
    for (std::size_t i = limits::kMaxPtrAddresses; i < addresses.size(); ++i) {
      PtrReport skipped;
      skipped.error =
          "not checked: the MX hosts have more than " + std::to_string(limits::kMaxPtrAddresses) + " addresses";
      reports[addresses[i].toString()] = std::move(skipped);
    }
    addresses.resize(limits::kMaxPtrAddresses);
  }

  // Round 1: every PTR at once.
  std::vector<Query> ptrQueries;
  ptrQueries.reserve(addresses.size());
  for (const IpAddress& address : addresses) ptrQueries.push_back({dns::reverseName(address), RrType::PTR});
  const auto ptrAnswers = resolver.resolveAll(ptrQueries, deadline.capped(kReverseDnsTimeout), cancel);
  std::vector<PtrReport> found;
  found.reserve(addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    found.push_back(readPtrAnswer(ptrAnswers[i], accepted[addresses[i]]));
  }

  // Round 2: the addresses of every PTR name at once, each question asked once.
  std::vector<Query> forwardQueries;
  std::map<std::pair<std::string, RrType>, std::size_t> queryIndex;
  std::vector<std::vector<std::optional<std::size_t>>> nameQuery(addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const RrType type = addresses[i].family() == IpAddress::Family::v4 ? RrType::A : RrType::AAAA;
    for (const std::string& name : found[i].names) {
      std::optional<std::size_t> index;
      if (dns::isHostName(name)) {
        const auto key = std::make_pair(name, type);
        if (const auto known = queryIndex.find(key); known != queryIndex.end()) {
          index = known->second;
        } else if (forwardQueries.size() < limits::kMaxPtrForwardLookups) {
          index = forwardQueries.size();
          queryIndex.emplace(key, *index);
          forwardQueries.push_back({name, type});
        }
      }
      nameQuery[i].push_back(index);
    }
  }
  const auto forwardAnswers = forwardQueries.empty()
                                  ? std::vector<Result<Answer>>{}
                                  : resolver.resolveAll(forwardQueries, deadline.capped(kReverseDnsTimeout), cancel);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    std::vector<std::optional<Result<Answer>>> forward;
    for (const auto& index : nameQuery[i]) {
      forward.push_back(index ? std::optional<Result<Answer>>(forwardAnswers[*index]) : std::nullopt);
    }
    confirmPtr(found[i], addresses[i], accepted[addresses[i]], forward);
    reports[addresses[i].toString()] = std::move(found[i]);
  }
  return reports;
}

std::vector<Finding> ptrFindings(const std::string& mxHost, const std::string& ip, const PtrReport& report) {
  std::vector<Finding> out;
  switch (report.status) {
    case PtrStatus::ok: break;
    case PtrStatus::none:
      out.push_back(makeFinding("ptr.none", Severity::warning,
                                "The address " + ip + " of MX host " + mxHost +
                                    " has no reverse DNS (PTR) record. Receiving servers check the reverse DNS of "
                                    "a server that sends them mail, so mail sent from this server is likely to be "
                                    "rejected or filtered as spam.",
                                {mxHost, ip}, kReference));
      break;
    case PtrStatus::unconfirmed:
      out.push_back(makeFinding(
          "ptr.unconfirmed", Severity::warning,
          "The reverse DNS of " + ip + " (MX host " + mxHost + ") names " + joined(report.names) + ", but " +
              (report.names.size() == 1 ? "that name does" : "none of these names does") + " not resolve back to " +
              ip +
              ". Receiving servers check that a sending server's reverse DNS resolves back to it, so mail sent "
              "from this server may be rejected or filtered as spam.",
          {mxHost, ip}, kReference));
      break;
    case PtrStatus::mismatch:
      out.push_back(makeFinding(
          "ptr.mismatch", Severity::warning,
          "The reverse DNS of " + ip + " names " + joined(report.names) + ", not the MX host name " + mxHost +
              ". Spam filters compare a sending server's reverse DNS with the name it announces, so this matters "
              "for mail sent from this server: point the PTR record at " +
              mxHost + ", or have the server announce the PTR name in EHLO.",
          {mxHost, ip}, kReference));
      break;
    case PtrStatus::unknown:
      out.push_back(makeFinding("ptr.unknown", Severity::info,
                                "The reverse DNS of " + ip + " (MX host " + mxHost +
                                    ") could not be checked: " + report.error.value_or("the lookup failed") + ".",
                                {mxHost, ip}, kReference));
      break;
  }
  return out;
}

nlohmann::ordered_json toJson(const PtrReport& report) {
  using Json = nlohmann::ordered_json;
  return Json{{"status", ptrStatusName(report.status)},
              {"names", report.names},
              {"forward_confirmed", report.forwardConfirmed ? Json(*report.forwardConfirmed) : Json(nullptr)},
              {"matches_mx", report.matchesMx ? Json(*report.matchesMx) : Json(nullptr)},
              {"error", report.error ? Json(*report.error) : Json(nullptr)},
              {"dnssec", dns::dnssecStateName(report.dnssec)}};
}

}  // namespace mxh::checks

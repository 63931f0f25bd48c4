#include "checks/engine/side_checks.h"

#include <set>

namespace mxh::checks {

SideFacts runSideChecks(dns::Resolver& resolver, const SideInputs& inputs, Deadline deadline,
                        const CancelToken& cancel) {
  SideFacts side;
  // Each step asks all its questions at once; the steps follow each other because they share
  // one resolver (one thread). The policy lookups come first: they are few and always asked.
  side.mail = checkMailPolicies(resolver, inputs.domain, deadline, cancel);
  side.mtaStsFetch = fetchMtaSts(resolver, inputs.domain, inputs.caFile, inputs.contact, deadline, cancel);
  if (!inputs.ptrTargets.empty()) side.ptr = checkReverseDns(resolver, inputs.ptrTargets, deadline, cancel);
  if (!inputs.blocklists.empty() && !inputs.ptrTargets.empty()) {
    std::vector<dns::IpAddress> ips;
    std::set<std::string> seen;
    for (const PtrTarget& target : inputs.ptrTargets) {
      if (seen.insert(target.ip.toString()).second) ips.push_back(target.ip);
    }
    side.blocklists = checkBlocklists(resolver, ips, inputs.mxHosts, inputs.blocklists, deadline, cancel);
  }
  return side;
}

std::vector<MxCertificateFacts> certificateFacts(const std::vector<MxRecordReport>& records) {
  std::vector<MxCertificateFacts> facts;
  for (const MxRecordReport& record : records) {
    if (record.host == "." || !record.reachable) continue;
    MxCertificateFacts host;
    host.mxHost = record.host;
    // The certificate a sender sees on port 25; every address must present a good one.
    for (const smtp::ProbeResult& probe : record.smtpProbes) {
      if (probe.port != 25 || !probe.tls) continue;
      host.chainVerified = host.chainVerified.value_or(true) && probe.tls->chainVerified;
      host.hostnameMatch = host.hostnameMatch.value_or(true) && probe.tls->hostnameMatch;
    }
    facts.push_back(std::move(host));
  }
  return facts;
}

std::vector<Finding> sideFindings(const std::string& domain, const std::vector<MxRecordReport>& records,
                                  const SideReport& side) {
  std::vector<Finding> findings = mailPolicyFindings(domain, side.mail);
  if (side.mtaSts) {
    auto sts = mtaStsFindings(domain, *side.mtaSts);
    findings.insert(findings.end(), sts.begin(), sts.end());
  }
  for (const MxRecordReport& record : records) {
    for (const AddressReport& address : record.addresses) {
      if (const auto ptr = side.ptr.find(address.ip); ptr != side.ptr.end()) {
        auto found = ptrFindings(record.host, address.ip, ptr->second);
        findings.insert(findings.end(), found.begin(), found.end());
      }
      if (const auto lists = side.blocklists.byIp.find(address.ip); lists != side.blocklists.byIp.end()) {
        auto found = blocklistFindings(record.host, address.ip, lists->second);
        findings.insert(findings.end(), found.begin(), found.end());
      }
    }
    if (const auto lists = side.blocklists.byHost.find(record.host); lists != side.blocklists.byHost.end()) {
      auto found = domainBlocklistFindings(record.host, lists->second);
      findings.insert(findings.end(), found.begin(), found.end());
    }
    if (const auto dane = side.dane.find(record.host); dane != side.dane.end()) {
      auto found = daneFindings(dane->second);
      findings.insert(findings.end(), found.begin(), found.end());
    }
  }
  return findings;
}

}  // namespace mxh::checks

// The checks beside the SMTP probe: reverse DNS and blocklists of every MX address, the
// domain's mail policies (SPF, DMARC, TLS-RPT, MTA-STS) and DANE. They need only names and
// addresses, so they run on a thread of their own while the probes run.
// Thread-safety: runSideChecks uses the Resolver it is given; a SideReport is immutable once built.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checks/options/contact_policy.h"
#include "checks/policy/mail_policy.h"
#include "checks/policy/mta_sts.h"
#include "checks/report/report.h"
#include "checks/reputation/dnsbl.h"
#include "checks/reputation/reverse_dns.h"
#include "checks/smtp_tls/dane_check.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "dns/resolver.h"

namespace mxh::checks {

// What the side thread asks about.
struct SideInputs {
  std::string domain;                 // ASCII
  std::vector<PtrTarget> ptrTargets;  // the addresses that may be contacted, with their MX host
  std::vector<std::string> mxHosts;   // names of MX hosts with such addresses (domain blocklists)
  std::vector<BlocklistDef> blocklists;
  std::optional<std::string> caFile;  // extra trust for the MTA-STS policy host
  ContactPolicy contact{false};       // which of the policy host's addresses may be contacted
};

// What the side thread found, beside the probes.
struct SideFacts {
  std::map<std::string, PtrReport> ptr;  // by address
  BlocklistResults blocklists;
  MailPolicyReport mail;
  MtaStsFetch mtaStsFetch;
};

// The side facts with what needed the probes too, built once the probes are done; the report's
// JSON draws from it.
struct SideReport : SideFacts {
  std::optional<MtaStsReport> mtaSts;      // the policy against the MX certificates
  std::map<std::string, DaneReport> dane;  // by MX host: the TLSA records against the chains
};

SideFacts runSideChecks(dns::Resolver& resolver, const SideInputs& inputs, Deadline deadline,
                        const CancelToken& cancel);

// The facts MTA-STS needs from the probes: each MX host's port-25 certificate.
std::vector<MxCertificateFacts> certificateFacts(const std::vector<MxRecordReport>& records);

// The findings of everything in `side` for the report's MX records.
std::vector<Finding> sideFindings(const std::string& domain, const std::vector<MxRecordReport>& records,
                                  const SideReport& side);

}  // namespace mxh::checks

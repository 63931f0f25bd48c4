// The live half of an MX check: every address of every MX host, on every chosen port, probed
// over SMTP in parallel (a bounded pool, at most two connections to one address at a time), so
// the check takes about as long as its slowest probe, not the sum of them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "checks/mx/mx_lookup.h"
#include "checks/options/check_options.h"
#include "checks/options/contact_policy.h"
#include "core/cancel.h"
#include "core/clock.h"
#include "smtp/probe.h"
#include "tls/dane.h"
#include "tls/tls_client.h"

namespace mxh::checks {

// Probe results by MX host name, each list ordered by address (as in HostFacts) then port (as
// in options.ports). Addresses the contact policy refuses are "skipped", with its reason.
using ProbesByHost = std::map<std::string, std::vector<smtp::ProbeResult>>;

// `onProbe` (may be empty) hears of each probe as it finishes, from the worker thread that ran it.
using ProbeListener = std::function<void(const std::string& host, const smtp::ProbeResult& probe)>;

// TLSA records of an MX host that senders use (DNSSEC-secure, usable: see usableSecureTlsa in
// checks/dane_check.h), by MX host name.
using TlsaByHost = std::map<std::string, std::vector<tls::TlsaRecord>>;

// `tlsa`: the port-25 probes of a host listed there also check its certificate chain with DANE
// (RFC 7672 is about port 25 only; other ports never get the records).
ProbesByHost probeMxHosts(const MxFacts& facts, const CheckOptions& options, const ContactPolicy& contact,
                          const tls::TlsClientContext& tls, Deadline deadline, const CancelToken& cancel,
                          const ProbeListener& onProbe = {}, const TlsaByHost& tlsa = {});

// The probe that stands for a host in mx_records[].smtp_probe (the reference API's field): the
// port-25 probe that connected, else the best of the others; nullopt when nothing was probed.
std::optional<smtp::ProbeResult> representativeProbe(const std::vector<smtp::ProbeResult>& probes);

}  // namespace mxh::checks

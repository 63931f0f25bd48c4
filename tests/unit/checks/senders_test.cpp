#define BOOST_TEST_MODULE checks_senders
#include "checks/verdict/senders.h"

#include <boost/test/unit_test.hpp>

#include <memory>

#include "checks/engine/side_checks.h"

namespace checks = mxh::checks;
using checks::DeliveryOutcome;
using checks::Report;
using checks::SenderDnsFacts;
using checks::SenderProbeFacts;
using mxh::smtp::ProbeResult;
using mxh::smtp::ProbeStatus;

namespace {

const SenderProbeFacts kProbed{true, true, false};

SenderDnsFacts validated() {
  SenderDnsFacts dns;
  dns.validated = true;
  return dns;
}

// A port-25 probe with a certificate valid for its name unless told otherwise.
ProbeResult probe(const std::string& ip, ProbeStatus status) {
  ProbeResult p;
  p.ip = ip;
  p.port = 25;
  p.status = status;
  p.tcpConnected = status != ProbeStatus::connect_timeout && status != ProbeStatus::refused;
  if (p.tcpConnected) p.greeting = "mx ESMTP";
  if (status == ProbeStatus::ok) {
    p.tlsNegotiated = true;
    mxh::tls::TlsInfo info;
    info.version = "TLSv1.3";
    info.chainVerified = true;
    info.hostnameMatch = true;
    mxh::tls::CertificateInfo cert;
    cert.daysLeft = 60;
    cert.notAfter = "2027-02-01T00:00:00Z";
    info.certificate = cert;
    p.tls = info;
  }
  return p;
}

ProbeResult expired(const std::string& ip) {
  ProbeResult p = probe(ip, ProbeStatus::ok);
  p.tls->certificate->daysLeft = -10;
  p.tls->certificate->notAfter = "2026-11-24T00:00:00Z";
  p.tls->chainVerified = false;
  p.tls->verifyError = "certificate has expired";
  return p;
}

ProbeResult withDane(ProbeResult p, bool verified) {
  mxh::tls::DaneOutcome outcome;
  outcome.verified = verified;
  p.dane = outcome;
  return p;
}

checks::MxRecordReport mx(std::uint16_t priority, const std::string& host, std::vector<ProbeResult> probes) {
  checks::MxRecordReport record;
  record.priority = priority;
  record.host = host;
  record.reachable = true;
  record.smtpProbes = std::move(probes);
  for (const auto& p : record.smtpProbes) record.ips.push_back(p.ip);
  return record;
}

Report reportOf(std::vector<checks::MxRecordReport> records, checks::SideReport side = {}) {
  Report report;
  report.domain = "example.test";
  report.mxRecords = std::move(records);
  report.side = std::make_shared<const checks::SideReport>(std::move(side));
  return report;
}

checks::SideReport withTlsa(const std::string& host, checks::DaneStatus status) {
  checks::SideReport side;
  checks::DaneReport dane;
  dane.host = host;
  dane.status = status;
  side.dane.emplace(host, dane);
  return side;
}

checks::SideReport withStsPolicy(checks::StsMode mode, const std::vector<std::string>& covered) {
  checks::SideReport side;
  checks::MtaStsReport sts;
  sts.status = checks::MtaStsStatus::ok;
  sts.txt = checks::MtaStsTxtReport{};
  sts.policy = checks::MtaStsPolicyReport{};
  sts.policy->fetched = true;
  sts.policy->mode = mode;
  for (const std::string& host : covered) {
    checks::MxCoverage c;
    c.host = host;
    c.covered = true;
    sts.mxCoverage.push_back(c);
  }
  side.mtaSts = sts;
  return side;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(senders_test)

BOOST_AUTO_TEST_CASE(a_working_mx_with_tls) {
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::ok)})}),
                                         validated(), kProbed);
  for (const auto kind : {checks::SenderKind::opportunistic, checks::SenderKind::dnssec_validating,
                          checks::SenderKind::dane, checks::SenderKind::mta_sts}) {
    BOOST_TEST((s.of(kind).outcome == DeliveryOutcome::delivered_encrypted));
    BOOST_TEST(s.of(kind).via.value_or("") == "mx1");
  }
}

BOOST_AUTO_TEST_CASE(a_dead_primary_with_a_working_backup_delivers_via_the_backup) {
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::connect_timeout)}),
                                                   mx(20, "mx2", {probe("198.51.100.2", ProbeStatus::ok)})}),
                                         validated(), kProbed);
  BOOST_TEST((s.opportunistic.outcome == DeliveryOutcome::delivered_encrypted));
  BOOST_TEST(s.opportunistic.via.value_or("") == "mx2");
  BOOST_TEST_REQUIRE(s.opportunistic.skipped.size() == 1U);
  BOOST_TEST(s.opportunistic.skipped[0].first == "mx1");
  BOOST_TEST(s.opportunistic.skipped[0].second == "does not answer");
}

BOOST_AUTO_TEST_CASE(no_mx_that_answers_defers) {
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::refused)})}),
                                         validated(), kProbed);
  BOOST_TEST((s.opportunistic.outcome == DeliveryOutcome::deferred));
  BOOST_TEST(!s.opportunistic.via);
}

BOOST_AUTO_TEST_CASE(rate_limiting_or_our_blocked_port_25_is_unknown) {
  const auto deferred = checks::evaluateSenders(
      reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::deferred)})}), validated(), kProbed);
  BOOST_TEST((deferred.opportunistic.outcome == DeliveryOutcome::unknown));
  const auto blocked =
      checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::connect_timeout)})}),
                              validated(), {true, true, true});
  BOOST_TEST((blocked.opportunistic.outcome == DeliveryOutcome::unknown));
  BOOST_TEST((blocked.dane.outcome == DeliveryOutcome::unknown));
}

BOOST_AUTO_TEST_CASE(no_starttls_is_plaintext_and_fails_an_enforced_mta_sts_policy) {
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::no_starttls)})},
                                                  withStsPolicy(checks::StsMode::enforce, {"mx1"})),
                                         validated(), kProbed);
  BOOST_TEST((s.opportunistic.outcome == DeliveryOutcome::delivered_unencrypted));
  BOOST_TEST((s.mtaSts.outcome == DeliveryOutcome::deferred));
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_matters_only_to_senders_that_check_it) {
  // No policy: everyone delivers.
  const auto plain =
      checks::evaluateSenders(reportOf({mx(10, "mx1", {expired("198.51.100.1")})}), validated(), kProbed);
  BOOST_TEST((plain.opportunistic.outcome == DeliveryOutcome::delivered_encrypted));
  BOOST_TEST((plain.mtaSts.outcome == DeliveryOutcome::delivered_encrypted));
  // MTA-STS enforce: the host is refused.
  const auto enforce = checks::evaluateSenders(
      reportOf({mx(10, "mx1", {expired("198.51.100.1")})}, withStsPolicy(checks::StsMode::enforce, {"mx1"})),
      validated(), kProbed);
  BOOST_TEST((enforce.mtaSts.outcome == DeliveryOutcome::deferred));
  BOOST_TEST(enforce.mtaSts.skipped.at(0).second.find("expired on 2026-11-24") != std::string::npos);
  // MTA-STS testing: senders report, and deliver.
  const auto testing = checks::evaluateSenders(
      reportOf({mx(10, "mx1", {expired("198.51.100.1")})}, withStsPolicy(checks::StsMode::testing, {"mx1"})),
      validated(), kProbed);
  BOOST_TEST((testing.mtaSts.outcome == DeliveryOutcome::delivered_encrypted));
  // DANE-EE checks the key only: a matching key delivers verified, dates notwithstanding.
  const auto daneEe = checks::evaluateSenders(
      reportOf({mx(10, "mx1", {withDane(expired("198.51.100.1"), true)})}, withTlsa("mx1", checks::DaneStatus::match)),
      validated(), kProbed);
  BOOST_TEST((daneEe.dane.outcome == DeliveryOutcome::delivered_verified));
}

BOOST_AUTO_TEST_CASE(an_enforced_policy_passes_over_hosts_it_does_not_cover) {
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::ok)}),
                                                   mx(20, "mx2", {probe("198.51.100.2", ProbeStatus::ok)})},
                                                  withStsPolicy(checks::StsMode::enforce, {"mx2"})),
                                         validated(), kProbed);
  BOOST_TEST((s.mtaSts.outcome == DeliveryOutcome::delivered_verified));
  BOOST_TEST(s.mtaSts.via.value_or("") == "mx2");
  BOOST_TEST(s.mtaSts.skipped.at(0).second == "is not listed in the MTA-STS policy");
}

BOOST_AUTO_TEST_CASE(dane_tries_the_next_address_when_one_does_not_match) {
  const auto half = checks::evaluateSenders(reportOf({mx(10, "mx1",
                                                         {withDane(probe("198.51.100.1", ProbeStatus::ok), true),
                                                          withDane(probe("2001:db8::1", ProbeStatus::ok), false)})},
                                                     withTlsa("mx1", checks::DaneStatus::mismatch)),
                                            validated(), kProbed);
  BOOST_TEST((half.dane.outcome == DeliveryOutcome::delivered_verified));
  const auto none =
      checks::evaluateSenders(reportOf({mx(10, "mx1", {withDane(probe("198.51.100.1", ProbeStatus::ok), false)})},
                                       withTlsa("mx1", checks::DaneStatus::mismatch)),
                              validated(), kProbed);
  BOOST_TEST((none.dane.outcome == DeliveryOutcome::deferred));
  BOOST_TEST((none.dnssecValidating.outcome == DeliveryOutcome::delivered_encrypted));
}

BOOST_AUTO_TEST_CASE(tlsa_that_cannot_be_validated_passes_the_host_over) {
  const auto s = checks::evaluateSenders(
      reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::ok)})}, withTlsa("mx1", checks::DaneStatus::unknown)),
      validated(), kProbed);
  BOOST_TEST((s.dane.outcome == DeliveryOutcome::deferred));
  BOOST_TEST((s.opportunistic.outcome == DeliveryOutcome::delivered_encrypted));
}

BOOST_AUTO_TEST_CASE(a_bogus_mx_is_a_servfail_for_validating_senders_only) {
  SenderDnsFacts dns = validated();
  dns.mxBogus = "signature expired";
  const auto s =
      checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::ok)})}), dns, kProbed);
  BOOST_TEST((s.opportunistic.outcome == DeliveryOutcome::delivered_encrypted));
  BOOST_TEST((s.mtaSts.outcome == DeliveryOutcome::delivered_encrypted));
  BOOST_TEST((s.dnssecValidating.outcome == DeliveryOutcome::deferred));
  BOOST_TEST((s.dane.outcome == DeliveryOutcome::deferred));
}

BOOST_AUTO_TEST_CASE(a_bogus_host_is_passed_over_by_validating_senders) {
  SenderDnsFacts dns = validated();
  dns.bogusHosts.emplace("mx1", "signature expired");
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::ok)}),
                                                   mx(20, "mx2", {probe("198.51.100.2", ProbeStatus::ok)})}),
                                         dns, kProbed);
  BOOST_TEST(s.opportunistic.via.value_or("") == "mx1");
  BOOST_TEST(s.dnssecValidating.via.value_or("") == "mx2");
}

BOOST_AUTO_TEST_CASE(null_mx_and_missing_domains_bounce) {
  Report nullMx = reportOf({});
  nullMx.nullMx = true;
  BOOST_TEST((checks::evaluateSenders(nullMx, validated(), kProbed).dane.outcome == DeliveryOutcome::bounced));
  SenderDnsFacts nx = validated();
  nx.nxdomain = true;
  BOOST_TEST((checks::evaluateSenders(reportOf({}), nx, kProbed).opportunistic.outcome == DeliveryOutcome::bounced));
  checks::MxRecordReport dead = mx(10, "gone", {});
  dead.reachable = false;
  BOOST_TEST((checks::evaluateSenders(reportOf({dead}), validated(), kProbed).opportunistic.outcome ==
              DeliveryOutcome::bounced));
}

BOOST_AUTO_TEST_CASE(without_validation_the_validating_kinds_are_unknown) {
  const auto s = checks::evaluateSenders(reportOf({mx(10, "mx1", {probe("198.51.100.1", ProbeStatus::ok)})}),
                                         SenderDnsFacts{}, kProbed);
  BOOST_TEST((s.opportunistic.outcome == DeliveryOutcome::delivered_encrypted));
  BOOST_TEST((s.dnssecValidating.outcome == DeliveryOutcome::unknown));
  BOOST_TEST((s.dane.outcome == DeliveryOutcome::unknown));
}

BOOST_AUTO_TEST_SUITE_END()

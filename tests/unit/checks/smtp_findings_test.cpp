#define BOOST_TEST_MODULE checks_smtp_findings
#include "checks/smtp_tls/smtp_findings.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using mxh::checks::evaluateProbes;
using mxh::checks::Finding;
using mxh::checks::ProbesByHost;
using mxh::checks::Severity;
using mxh::checks::summarizeProbes;
using mxh::smtp::ProbeResult;
using mxh::smtp::ProbeStatus;

namespace {

ProbeResult probe(std::uint16_t port, ProbeStatus status, bool tls = false) {
  ProbeResult p;
  p.ip = "93.184.216.34";
  p.port = port;
  p.kind = mxh::smtp::probeKindForPort(port);
  p.status = status;
  p.tcpConnected = status != ProbeStatus::refused && status != ProbeStatus::connect_timeout &&
                   status != ProbeStatus::skipped && status != ProbeStatus::unreachable;
  p.tlsNegotiated = tls;
  if (tls) {
    mxh::tls::TlsInfo info;
    info.version = "TLSv1.3";
    info.chainVerified = true;
    info.hostnameMatch = true;
    mxh::tls::CertificateInfo cert;
    cert.daysLeft = 90;
    cert.notAfter = "2027-02-24T00:00:00Z";
    cert.subject = "CN=mx.example.test";
    info.certificate = cert;
    p.tls = info;
  }
  return p;
}

const Finding* find(const std::vector<Finding>& findings, const std::string& code) {
  const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.code == code; });
  return it == findings.end() ? nullptr : &*it;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp_findings_test)

BOOST_AUTO_TEST_CASE(all_ok_means_no_findings_and_tls_everywhere) {
  const ProbesByHost probes = {
      {"mx.example.test", {probe(25, ProbeStatus::ok, true), probe(587, ProbeStatus::ok, true)}}};
  BOOST_TEST(evaluateProbes("example.test", probes).empty());
  const auto summary = summarizeProbes(probes);
  BOOST_TEST(summary.anySmtpOk);
  BOOST_TEST(*summary.allTlsOk);
}

BOOST_AUTO_TEST_CASE(a_closed_submission_port_is_information_but_a_closed_25_is_an_error) {
  const ProbesByHost probes = {
      {"mx.example.test", {probe(25, ProbeStatus::refused), probe(587, ProbeStatus::refused)}}};
  const auto findings = evaluateProbes("example.test", probes);
  std::size_t errors = 0;
  std::size_t infos = 0;
  for (const Finding& f : findings) {
    if (f.code == "smtp.refused") (f.severity == Severity::error ? errors : infos)++;
  }
  BOOST_TEST(errors == 1U);
  BOOST_TEST(infos == 1U);
  BOOST_TEST(find(findings, "smtp.no_mx_accepts") != nullptr);
}

BOOST_AUTO_TEST_CASE(missing_starttls_on_25_is_an_error) {
  const ProbesByHost probes = {{"mx.example.test", {probe(25, ProbeStatus::no_starttls)}}};
  const auto findings = evaluateProbes("example.test", probes);
  BOOST_TEST((find(findings, "smtp.no_starttls")->severity == Severity::error));
  BOOST_TEST(*find(findings, "smtp.no_starttls")->reference == "RFC 3207");
  BOOST_TEST(find(findings, "smtp.no_mx_accepts") == nullptr);  // it does accept mail
  BOOST_TEST(!*summarizeProbes(probes).allTlsOk);
}

BOOST_AUTO_TEST_CASE(port_25_blocked_is_about_the_network) {
  const ProbesByHost probes = {
      {"mx.example.test", {probe(25, ProbeStatus::connect_timeout), probe(587, ProbeStatus::ok, true)}}};
  const auto findings = evaluateProbes("example.test", probes);
  BOOST_TEST(find(findings, "network.port25_blocked") != nullptr);
  BOOST_TEST(find(findings, "smtp.connect_timeout") == nullptr);
  BOOST_TEST(find(findings, "smtp.no_mx_accepts") == nullptr);
  BOOST_TEST(summarizeProbes(probes).port25Blocked);
}

BOOST_AUTO_TEST_CASE(only_port_25_timing_out_everywhere_without_other_ports_is_the_server) {
  const ProbesByHost probes = {{"mx.example.test", {probe(25, ProbeStatus::connect_timeout)}}};
  const auto findings = evaluateProbes("example.test", probes);
  BOOST_TEST(find(findings, "network.port25_blocked") == nullptr);
  BOOST_TEST((find(findings, "smtp.connect_timeout")->severity == Severity::error));
}

BOOST_AUTO_TEST_CASE(no_route_from_here_is_about_our_network_not_the_server) {
  auto v6 = probe(25, ProbeStatus::unreachable);
  v6.ip = "2001:db8::25";
  const ProbesByHost probes = {{"mx.example.test", {probe(25, ProbeStatus::ok, true), v6}}};
  const auto findings = evaluateProbes("example.test", probes);
  BOOST_REQUIRE(find(findings, "network.unreachable") != nullptr);
  BOOST_TEST((find(findings, "network.unreachable")->severity == Severity::info));
  BOOST_TEST(find(findings, "smtp.connect_timeout") == nullptr);
  BOOST_TEST(*summarizeProbes(probes).allTlsOk);
  const ProbesByHost onlyUnreachable = {{"mx.example.test", {v6}}};
  BOOST_TEST(find(evaluateProbes("example.test", onlyUnreachable), "smtp.no_mx_accepts") == nullptr);
  BOOST_TEST(!summarizeProbes(onlyUnreachable).allTlsOk.has_value());
}

BOOST_AUTO_TEST_CASE(deferral_alone_is_inconclusive) {
  const ProbesByHost probes = {{"mx.example.test", {probe(25, ProbeStatus::deferred)}}};
  const auto findings = evaluateProbes("example.test", probes);
  BOOST_TEST((find(findings, "smtp.deferred")->severity == Severity::warning));
  BOOST_TEST(find(findings, "smtp.no_mx_accepts") == nullptr);
}

BOOST_AUTO_TEST_CASE(certificate_problems_are_reported_once_per_host) {
  auto p25 = probe(25, ProbeStatus::ok, true);
  p25.tls->certificate->daysLeft = 10;
  p25.tls->hostnameMatch = false;
  auto p587 = p25;
  p587.port = 587;
  p587.kind = mxh::smtp::ProbeKind::submission;
  const auto findings = evaluateProbes("example.test", {{"mx.example.test", {p25, p587}}});
  BOOST_TEST(std::count_if(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.code == "tls.cert_expiring"; }) == 1);
  BOOST_TEST((find(findings, "tls.cert_expiring")->severity == Severity::warning));
  BOOST_TEST(find(findings, "tls.name_mismatch") != nullptr);
}

BOOST_AUTO_TEST_CASE(expiry_thresholds) {
  auto expiring = [](long long days) {
    auto p = probe(25, ProbeStatus::ok, true);
    p.tls->certificate->daysLeft = days;
    return evaluateProbes("example.test", {{"mx.example.test", {p}}});
  };
  BOOST_TEST((find(expiring(-1), "tls.cert_expired")->severity == Severity::error));
  BOOST_TEST(find(expiring(-1), "tls.untrusted") == nullptr);
  BOOST_TEST((find(expiring(14), "tls.cert_expiring")->severity == Severity::warning));
  BOOST_TEST((find(expiring(30), "tls.cert_expiring")->severity == Severity::info));
  BOOST_TEST(find(expiring(31), "tls.cert_expiring") == nullptr);
}

BOOST_AUTO_TEST_CASE(old_tls_and_injection) {
  auto p = probe(25, ProbeStatus::ok, true);
  p.tls->version = "TLSv1";
  p.plaintextAfterStarttls = true;
  const auto findings = evaluateProbes("example.test", {{"mx.example.test", {p}}});
  BOOST_TEST(find(findings, "tls.old_version") != nullptr);
  BOOST_TEST(find(findings, "smtp.plaintext_injection") != nullptr);
}

BOOST_AUTO_TEST_CASE(skipped_probes_count_for_nothing) {
  const ProbesByHost probes = {{"mx.example.test", {probe(25, ProbeStatus::skipped)}}};
  BOOST_TEST(evaluateProbes("example.test", probes).empty());
  BOOST_TEST(!summarizeProbes(probes).allTlsOk.has_value());
}

BOOST_AUTO_TEST_CASE(the_representative_probe_prefers_port_25) {
  const std::vector<ProbeResult> list = {probe(587, ProbeStatus::ok, true), probe(25, ProbeStatus::no_starttls)};
  BOOST_TEST(mxh::checks::representativeProbe(list)->port == 25);
  const std::vector<ProbeResult> closed25 = {probe(25, ProbeStatus::refused), probe(587, ProbeStatus::reset),
                                             probe(465, ProbeStatus::ok, true)};
  BOOST_TEST(mxh::checks::representativeProbe(closed25)->port == 465);
  BOOST_TEST(!mxh::checks::representativeProbe({probe(25, ProbeStatus::skipped)}).has_value());
}

BOOST_AUTO_TEST_CASE(a_reply_with_control_bytes_is_a_warning_that_names_them) {
  auto dirty = probe(25, ProbeStatus::ok, true);
  mxh::UnsafeBytes bytes;
  bytes.nul = true;
  bytes.escapeSequence = true;
  bytes.invalidUtf8 = true;
  dirty.unsafeReply = mxh::smtp::UnsafeReply{"greeting", bytes, "220 mx \\x00\\x1b[31m \\xff"};
  const ProbesByHost probes = {{"mx.example.test", {dirty}}};
  const auto findings = evaluateProbes("example.test", probes);
  const Finding* f = find(findings, "smtp.unsafe_reply");
  BOOST_TEST_REQUIRE(f != nullptr);
  BOOST_TEST((f->severity == Severity::warning));
  BOOST_TEST(f->message.find("NUL bytes, terminal escape sequences and bytes that are not valid UTF-8 in its "
                             "greeting") != std::string::npos);
  BOOST_TEST(f->message.find("220 mx \\x00\\x1b[31m \\xff") != std::string::npos);
  BOOST_TEST(*f->ip == "93.184.216.34");
  BOOST_TEST((mxh::checks::dimensionOf(f->code) == mxh::checks::Dimension::delivery));
  // The probe itself still counts: the server took the conversation.
  BOOST_TEST(summarizeProbes(probes).anySmtpOk);
}

BOOST_AUTO_TEST_SUITE_END()

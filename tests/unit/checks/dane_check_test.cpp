#define BOOST_TEST_MODULE checks_dane_check
#include "checks/smtp_tls/dane_check.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"

using mxh::checks::DaneLookup;
using mxh::checks::DaneReport;
using mxh::checks::DaneStatus;
using mxh::checks::daneStatusName;
using mxh::checks::evaluateDane;
using mxh::checks::Severity;
using mxh::dns::Answer;
using mxh::dns::DnssecState;
using mxh::dns::Outcome;
using mxh::smtp::ProbeResult;
using mxh::tls::DaneOutcome;
using mxh::tls::TlsaRecord;

namespace {

using Bytes = std::vector<std::uint8_t>;

const TlsaRecord kEe{3, 1, 1, Bytes(32, 0x11)};
const TlsaRecord kPkix{1, 0, 1, Bytes(32, 0x22)};

Bytes wire(const TlsaRecord& record) {
  Bytes out(3 + record.data.size());
  out[0] = record.usage;
  out[1] = record.selector;
  out[2] = record.matchingType;
  std::copy(record.data.begin(), record.data.end(), out.begin() + 3);
  return out;
}

Answer answer(Outcome outcome, DnssecState dnssec, const std::vector<Bytes>& rdata = {}) {
  Answer a;
  a.outcome = outcome;
  a.dnssec = dnssec;
  a.rdata = rdata;
  return a;
}

DaneLookup::Host hostWith(DnssecState dnssec, const std::vector<TlsaRecord>& records) {
  std::vector<Bytes> rdata;
  for (const TlsaRecord& record : records) rdata.push_back(wire(record));
  return mxh::checks::tlsaHostFacts("mx1.dane.test", answer(Outcome::data, dnssec, rdata));
}

ProbeResult probe(const std::string& ip, std::uint16_t port, std::optional<DaneOutcome> dane) {
  ProbeResult p;
  p.ip = ip;
  p.port = port;
  p.status = mxh::smtp::ProbeStatus::ok;
  p.tlsNegotiated = dane.has_value();
  p.dane = std::move(dane);
  return p;
}

DaneOutcome verified(const TlsaRecord& record) {
  return {true, record, 0, std::nullopt};
}
DaneOutcome failed(const std::string& why) {
  return {false, std::nullopt, std::nullopt, why};
}

std::string status(const DaneReport& report) {
  return std::string(daneStatusName(report.status));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dane_check_test)

BOOST_AUTO_TEST_CASE(answers_become_facts) {
  auto facts = mxh::checks::tlsaHostFacts(
      "mx1.dane.test", answer(Outcome::data, DnssecState::secure, {wire(kEe), Bytes{3, 1}, wire(kPkix)}));
  BOOST_TEST(facts.owner == "_25._tcp.mx1.dane.test");
  BOOST_TEST(facts.present);
  BOOST_TEST((facts.dnssec == DnssecState::secure));
  BOOST_TEST(facts.records.size() == 2U);
  BOOST_TEST(facts.malformed == 1U);

  auto none = mxh::checks::tlsaHostFacts("mx1.dane.test", answer(Outcome::nxdomain, DnssecState::secure));
  BOOST_TEST(!none.present);
  BOOST_TEST(!none.error.has_value());

  auto failure = mxh::checks::tlsaHostFacts(
      "mx1.dane.test", mxh::Result<Answer>(mxh::Error{mxh::Errc::dns_timeout, "no answer in time"}));
  BOOST_TEST(failure.error.has_value());
  BOOST_TEST(!failure.dnssec.has_value());

  std::vector<Bytes> many(mxh::limits::kMaxTlsaRecords + 5, wire(kEe));
  auto capped = mxh::checks::tlsaHostFacts("mx1.dane.test", answer(Outcome::data, DnssecState::secure, many));
  BOOST_TEST(capped.records.size() == mxh::limits::kMaxTlsaRecords);
}

BOOST_AUTO_TEST_CASE(only_secure_usable_records_go_to_the_probes) {
  DaneLookup lookup;
  lookup.hosts["secure.test"] = hostWith(DnssecState::secure, {kEe, kPkix});
  lookup.hosts["insecure.test"] = hostWith(DnssecState::insecure, {kEe});
  lookup.hosts["unvalidated.test"] = hostWith(DnssecState::unvalidated, {kEe});
  lookup.hosts["pkix.test"] = hostWith(DnssecState::secure, {kPkix});
  const auto usable = mxh::checks::usableSecureTlsa(lookup);
  BOOST_TEST(usable.size() == 1U);
  BOOST_REQUIRE(usable.contains("secure.test"));
  BOOST_TEST(usable.at("secure.test").size() == 1U);
  BOOST_TEST((usable.at("secure.test").front() == kEe));
}

BOOST_AUTO_TEST_CASE(no_tlsa_is_none_and_no_finding) {
  const auto host = mxh::checks::tlsaHostFacts("mx1.dane.test", answer(Outcome::nodata, DnssecState::secure));
  const auto report = evaluateDane(host, {});
  BOOST_TEST(status(report) == "none");
  BOOST_TEST(mxh::checks::daneFindings(report).empty());
}

BOOST_AUTO_TEST_CASE(unsigned_tlsa_is_insecure) {
  const auto report = evaluateDane(hostWith(DnssecState::insecure, {kEe}), {});
  BOOST_TEST(status(report) == "insecure");
  const auto findings = mxh::checks::daneFindings(report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dane.insecure");
  BOOST_TEST((findings[0].severity == Severity::warning));
  BOOST_TEST((findings[0].host == "mx1.dane.test"));
  BOOST_TEST((findings[0].reference == "RFC 7672"));
}

BOOST_AUTO_TEST_CASE(only_pkix_usages_are_unusable) {
  const auto report = evaluateDane(hostWith(DnssecState::secure, {kPkix}), {probe("198.51.100.1", 25, std::nullopt)});
  BOOST_TEST(status(report) == "unusable");
  BOOST_REQUIRE(report.tlsa.size() == 1U);
  BOOST_TEST(!report.tlsa[0].usable);
  const auto findings = mxh::checks::daneFindings(report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dane.unusable");
  BOOST_TEST((findings[0].severity == Severity::warning));
}

BOOST_AUTO_TEST_CASE(every_checked_address_matching_is_a_match_without_finding) {
  const auto report = evaluateDane(hostWith(DnssecState::secure, {kEe}),
                                   {probe("198.51.100.1", 25, verified(kEe)), probe("2001:db8::1", 25, verified(kEe)),
                                    probe("198.51.100.1", 587, std::nullopt)});
  BOOST_TEST(status(report) == "match");
  BOOST_TEST((report.matched == kEe));
  BOOST_TEST(!report.error.has_value());
  BOOST_TEST(mxh::checks::daneFindings(report).empty());
}

BOOST_AUTO_TEST_CASE(one_address_that_fails_is_a_mismatch) {
  const auto report = evaluateDane(
      hostWith(DnssecState::secure, {kEe}),
      {probe("198.51.100.1", 25, verified(kEe)), probe("2001:db8::1", 25, failed("No matching DANE TLSA records"))});
  BOOST_TEST(status(report) == "mismatch");
  BOOST_TEST(!report.matched.has_value());
  BOOST_TEST((report.error == "2001:db8::1: No matching DANE TLSA records"));
  const auto findings = mxh::checks::daneFindings(report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dane.mismatch");
  BOOST_TEST((findings[0].severity == Severity::error));
  BOOST_TEST((findings[0].ip == "2001:db8::1"));
  BOOST_TEST(findings[0].message.find("will not be delivered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_port_25_handshake_is_not_checked) {
  // A DANE verdict on another port does not count: RFC 7672 is about port 25.
  const auto report = evaluateDane(hostWith(DnssecState::secure, {kEe}),
                                   {probe("198.51.100.1", 25, std::nullopt), probe("198.51.100.1", 465, failed("x"))});
  BOOST_TEST(status(report) == "not_checked");
  BOOST_TEST(report.error.has_value());
  BOOST_TEST(mxh::checks::daneFindings(report).empty());
}

BOOST_AUTO_TEST_CASE(failed_lookups_are_unknown) {
  auto failure =
      mxh::checks::tlsaHostFacts("mx1.dane.test", mxh::Result<Answer>(mxh::Error{mxh::Errc::dns_servfail, "SERVFAIL"}));
  auto report = evaluateDane(failure, {});
  BOOST_TEST(status(report) == "unknown");
  BOOST_TEST(!report.dnssec.has_value());
  auto findings = mxh::checks::daneFindings(report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dane.unknown");
  BOOST_TEST((findings[0].severity == Severity::info));

  // A resolver that does not validate cannot say whether senders use the records.
  report = evaluateDane(hostWith(DnssecState::unvalidated, {kEe}), {});
  BOOST_TEST(status(report) == "unknown");
  findings = mxh::checks::daneFindings(report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dane.unknown");
}

BOOST_AUTO_TEST_CASE(bogus_tlsa_is_a_dnssec_error) {
  Answer bogus = answer(Outcome::data, DnssecState::bogus, {wire(kEe)});
  bogus.whyBogus = "signature expired";
  const auto report = evaluateDane(mxh::checks::tlsaHostFacts("mx1.dane.test", bogus), {});
  BOOST_TEST(status(report) == "unknown");
  BOOST_TEST(report.error.value_or("").find("signature expired") != std::string::npos);
  const auto findings = mxh::checks::daneFindings(report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dnssec.bogus");
  BOOST_TEST((findings[0].severity == Severity::error));
}

BOOST_AUTO_TEST_CASE(report_json_has_the_contract_shape) {
  const auto report =
      evaluateDane(hostWith(DnssecState::secure, {kEe, kPkix}), {probe("198.51.100.1", 25, verified(kEe))});
  const std::string hex(64, '1');
  const auto json = mxh::checks::toJson(report);
  BOOST_TEST(json["status"] == "match");
  BOOST_TEST(json["dnssec"] == "secure");
  BOOST_TEST(json["error"].is_null());
  BOOST_REQUIRE(json["tlsa"].size() == 2U);
  BOOST_TEST(json["tlsa"][0].dump() ==
             R"({"usage":3,"selector":1,"matching_type":1,"data":")" + hex + R"(","usable":true})");
  BOOST_TEST(json["tlsa"][1]["usable"] == false);
  BOOST_TEST(json["matched"].dump() == R"({"usage":3,"selector":1,"matching_type":1,"data":")" + hex + R"("})");

  const auto none = mxh::checks::toJson(
      evaluateDane(mxh::checks::tlsaHostFacts("mx1.dane.test", answer(Outcome::nxdomain, DnssecState::insecure)), {}));
  BOOST_TEST(none.dump() == R"({"status":"none","tlsa":[],"dnssec":"insecure","matched":null,"error":null})");
}

BOOST_AUTO_TEST_CASE(probe_outcome_json) {
  BOOST_TEST(mxh::checks::daneOutcomeToJson(std::nullopt).is_null());
  BOOST_TEST(mxh::checks::daneOutcomeToJson(failed("No matching DANE TLSA records")).dump() ==
             R"({"verified":false,"matched":null,"error":"No matching DANE TLSA records"})");
  const auto ok = mxh::checks::daneOutcomeToJson(verified({3, 1, 1, Bytes{0xab, 0xcd}}));
  BOOST_TEST(ok.dump() ==
             R"({"verified":true,"matched":{"usage":3,"selector":1,"matching_type":1,"data":"abcd"},"error":null})");
}

BOOST_AUTO_TEST_SUITE_END()

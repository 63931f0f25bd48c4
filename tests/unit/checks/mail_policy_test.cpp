#define BOOST_TEST_MODULE checks_mail_policy
#include "checks/policy/mail_policy.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <initializer_list>

#include "core/limits.h"
#include "finding_helpers.h"

using mxh::Errc;
using mxh::Error;
using mxh::Result;
using mxh::checks::Finding;
using mxh::checks::PolicyStatus;
using mxh::checks::Severity;
using mxh::dns::Answer;
using mxh::dns::DnssecState;
using mxh::dns::Outcome;
using mxh::testing::codes;
using mxh::testing::only;
namespace checks = mxh::checks;

namespace {

// One TXT record's RDATA: `strings` as length-prefixed character-strings.
std::vector<std::uint8_t> txtRdata(std::initializer_list<std::string> strings) {
  std::vector<std::uint8_t> rdata;
  for (const std::string& s : strings) {
    rdata.push_back(static_cast<std::uint8_t>(s.size()));
    rdata.insert(rdata.end(), s.begin(), s.end());
  }
  return rdata;
}

// A TXT answer with one record per text, each text split into 255-octet strings.
Result<Answer> txtAnswer(std::initializer_list<std::string> records) {
  Answer answer;
  answer.outcome = records.size() == 0 ? Outcome::nodata : Outcome::data;
  for (const std::string& text : records) {
    std::vector<std::uint8_t> rdata;
    for (std::size_t at = 0; at < text.size() || at == 0; at += 255) {
      const std::string piece = text.substr(at, 255);
      rdata.push_back(static_cast<std::uint8_t>(piece.size()));
      rdata.insert(rdata.end(), piece.begin(), piece.end());
      if (text.empty()) break;
    }
    answer.rdata.push_back(std::move(rdata));
  }
  return answer;
}

Result<Answer> rawAnswer(std::vector<std::vector<std::uint8_t>> rdata) {
  Answer answer;
  answer.outcome = Outcome::data;
  answer.rdata = std::move(rdata);
  return answer;
}

Result<Answer> outcome(Outcome kind) {
  Answer answer;
  answer.outcome = kind;
  return answer;
}

Result<Answer> bogus() {
  Answer answer;
  answer.outcome = Outcome::nodata;
  answer.dnssec = DnssecState::bogus;
  answer.whyBogus = "signature expired";
  return answer;
}

Result<Answer> timeout() {
  return Error{Errc::dns_timeout, "no answer for example.test TXT within 10 s"};
}

std::string spfAll(const std::string& record) {
  auto parsed = checks::parseSpf(record);
  BOOST_TEST_REQUIRE(parsed.ok(), record + ": " + (parsed.ok() ? "" : parsed.error().message));
  return parsed->all.value_or("(none)");
}

std::string spfError(const std::string& record) {
  auto parsed = checks::parseSpf(record);
  BOOST_TEST_REQUIRE(!parsed.ok(), record + " should not parse");
  return parsed.error().message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mail_policy_test)

// ---- TXT ----

BOOST_AUTO_TEST_CASE(a_txt_string_running_past_the_end_is_malformed) {
  const std::vector<std::uint8_t> rdata = {5, 'a', 'b'};
  const auto records =
      checks::readTxtAnswer(rawAnswer({rdata, txtRdata({"v=spf1 -all"})}), "example.test", checks::isSpfRecord);
  BOOST_TEST_REQUIRE(records.ok());
  BOOST_TEST(records->malformed == 1U);
  BOOST_TEST_REQUIRE(records->records.size() == 1U);
  BOOST_TEST(records->records.front().text == "v=spf1 -all");
}

BOOST_AUTO_TEST_CASE(a_txt_record_over_the_cap_is_kept_with_its_length) {
  // Records longer than the cap keep their start and their length: a record of known size.
  const std::size_t length = mxh::limits::kMaxTxtLength + 600;
  const auto records =
      checks::readTxtAnswer(txtAnswer({"v=spf1 " + std::string(length - 7, 'x')}), "example.test", checks::isSpfRecord);
  BOOST_TEST_REQUIRE(records.ok());
  BOOST_TEST(records->malformed == 0U);
  BOOST_TEST_REQUIRE(records->count == 1U);
  BOOST_TEST(!records->records.front().complete());
  BOOST_TEST(records->records.front().length == length);
}

BOOST_AUTO_TEST_CASE(a_record_of_its_kind_is_found_among_hundreds_of_others) {
  std::vector<std::vector<std::uint8_t>> rdata;
  for (int i = 0; i < 500; ++i) rdata.push_back(txtRdata({"verification-" + std::to_string(i)}));
  rdata.push_back(txtRdata({"v=spf1 -all"}));
  const auto records = checks::readTxtAnswer(rawAnswer(rdata), "example.test", checks::isSpfRecord);
  BOOST_TEST_REQUIRE(records.ok());
  BOOST_TEST(records->count == 1U);
  BOOST_TEST(checks::policyStatusName(checks::readSpf(rawAnswer(rdata), "example.test").status) == "ok");
}

BOOST_AUTO_TEST_CASE(records_of_a_kind_past_the_cap_are_counted_not_kept) {
  std::vector<std::vector<std::uint8_t>> rdata;
  for (std::size_t i = 0; i < mxh::limits::kMaxTxtRecords + 10; ++i) rdata.push_back(txtRdata({"v=DMARC1; p=none"}));
  const auto records = checks::readTxtAnswer(rawAnswer(rdata), "_dmarc.example.test", checks::isDmarcRecord);
  BOOST_TEST_REQUIRE(records.ok());
  BOOST_TEST(records->count == mxh::limits::kMaxTxtRecords + 10);
  BOOST_TEST(records->records.size() == mxh::limits::kMaxTxtRecords);
  const auto dmarc = checks::readDmarc(rawAnswer(rdata), "example.test");
  BOOST_TEST(checks::policyStatusName(dmarc.status) == "multiple");
  BOOST_TEST(dmarc.error.value_or("").find(std::to_string(mxh::limits::kMaxTxtRecords + 10) + " DMARC records") == 0U);
}

BOOST_AUTO_TEST_CASE(a_policy_record_too_long_to_read_is_invalid_never_none) {
  const auto spf = checks::readSpf(txtAnswer({"v=spf1 " + std::string(10193, 'x')}), "example.test");
  BOOST_TEST(checks::policyStatusName(spf.status) == "invalid");
  BOOST_TEST(spf.error.value_or("").find("10,200 bytes long") != std::string::npos);
  BOOST_TEST(spf.record.value_or("").starts_with("v=spf1 xxx"));
  const auto dmarc = checks::readDmarc(txtAnswer({"v=DMARC1; p=reject; " + std::string(10000, 'x')}), "example.test");
  BOOST_TEST(checks::policyStatusName(dmarc.status) == "invalid");
  const auto findings = checks::dmarcFindings("example.test", dmarc);
  BOOST_TEST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings.front().code == "dmarc.invalid");
}

BOOST_AUTO_TEST_CASE(a_failed_or_bogus_lookup_is_an_error_and_nodata_is_empty) {
  BOOST_TEST(!checks::readTxtAnswer(timeout(), "example.test", checks::isSpfRecord).ok());
  const auto fromBogus = checks::readTxtAnswer(bogus(), "example.test", checks::isSpfRecord);
  BOOST_TEST_REQUIRE(!fromBogus.ok());
  BOOST_TEST(fromBogus.error().message.find("signature expired") != std::string::npos);
  BOOST_TEST(checks::readTxtAnswer(outcome(Outcome::nxdomain), "example.test", checks::isSpfRecord)->count == 0U);
}

// ---- SPF ----

BOOST_AUTO_TEST_CASE(spf_records_are_recognized_by_their_exact_version) {
  BOOST_TEST(checks::isSpfRecord("v=spf1"));
  BOOST_TEST(checks::isSpfRecord("v=spf1 -all"));
  BOOST_TEST(checks::isSpfRecord("V=SPF1 -all"));
  BOOST_TEST(!checks::isSpfRecord("v=spf10 -all"));
  BOOST_TEST(!checks::isSpfRecord("v=spf2.0/pra -all"));
  BOOST_TEST(!checks::isSpfRecord(" v=spf1 -all"));
  BOOST_TEST(!checks::isSpfRecord("google-site-verification=abc"));
  BOOST_TEST(!checks::isSpfRecord("v=DMARC1; p=reject"));
}

BOOST_AUTO_TEST_CASE(spf_final_all_of_real_world_records) {
  BOOST_TEST(spfAll("v=spf1 -all") == "-all");
  BOOST_TEST(spfAll("v=spf1 mx -all") == "-all");
  BOOST_TEST(spfAll("v=spf1 include:_spf.google.com ~all") == "~all");
  BOOST_TEST(spfAll("v=spf1 include:spf.protection.outlook.com -all") == "-all");
  BOOST_TEST(spfAll("v=spf1 ip4:198.51.100.0/24 ip4:198.51.100.7 ip6:2001:db8::/32 ip6:2001:db8::25 "
                    "include:mailgun.org include:sendgrid.net a mx ?all") == "?all");
  BOOST_TEST(spfAll("v=spf1 +all") == "+all");
  BOOST_TEST(spfAll("v=spf1 all") == "+all");
  BOOST_TEST(spfAll("V=SPF1 MX A:Mail.Example.COM -ALL") == "-all");
  BOOST_TEST(spfAll("v=spf1  mx   -all  ") == "-all");
  BOOST_TEST(spfAll("v=spf1 a:mail.example.com/24 mx/24 a//64 mx:example.com/24//64 ptr ptr:example.com -all") ==
             "-all");
  BOOST_TEST(spfAll("v=spf1 exists:%{i}._spf.example.com -all") == "-all");
  BOOST_TEST(spfAll("v=spf1 -all include:late.example.com") == "-all");
  BOOST_TEST(spfAll("v=spf1 ~all -all") == "~all");  // the first one decides
  BOOST_TEST(spfAll("v=spf1 mx") == "(none)");
  BOOST_TEST(spfAll("v=spf1") == "(none)");
}

BOOST_AUTO_TEST_CASE(spf_modifiers) {
  auto redirect = checks::parseSpf("v=spf1 redirect=_spf.example.com");
  BOOST_TEST_REQUIRE(redirect.ok());
  BOOST_TEST(redirect->redirect.value_or("") == "_spf.example.com");
  BOOST_TEST(!redirect->all);
  BOOST_TEST(checks::parseSpf("v=spf1 mx exp=explain._spf.%{d} -all").ok());
  BOOST_TEST(checks::parseSpf("v=spf1 mx foo=bar -all").ok());  // unknown modifiers are ignored
  BOOST_TEST(checks::parseSpf("v=spf1 Redirect=_spf.example.com")->redirect.has_value());
}

BOOST_AUTO_TEST_CASE(spf_syntax_errors) {
  BOOST_TEST(spfError("v=spf1 ip4:300.1.1.1 -all").find("IPv4") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 ip4:198.51.100.0/33 -all").find("IPv4") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 ip6:198.51.100.1 -all").find("IPv6") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 ip6:2001:db8::/129 -all").find("IPv6") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 ip4 -all").find("IPv4") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 include -all").find("needs a domain") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 include: -all").find("needs a domain") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 exists -all").find("needs a domain") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 foo:bar -all").find("'foo:bar' is not a known") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 mx -all:x").find("'all'") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 redirect=a.example redirect=b.example").find("more than one redirect") !=
             std::string::npos);
  BOOST_TEST(spfError("v=spf1 redirect=").find("no domain") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 exp=a.example exp=b.example -all").find("exp") != std::string::npos);
  BOOST_TEST(spfError("v=spf1 +redirect=x.example").find("not a known") != std::string::npos);
  BOOST_TEST(!checks::parseSpf("spf1 -all").ok());
}

BOOST_AUTO_TEST_CASE(spf_report_from_a_good_answer) {
  const auto report = checks::readSpf(
      txtAnswer({"google-site-verification=abcdef", "v=spf1 mx include:_spf.example.net -all", "MS=ms12345"}),
      "example.test");
  BOOST_TEST(checks::policyStatusName(report.status) == "ok");
  BOOST_TEST(report.record.value_or("") == "v=spf1 mx include:_spf.example.net -all");
  BOOST_TEST(report.records.size() == 1U);
  BOOST_TEST(report.all.value_or("") == "-all");
  BOOST_TEST(checks::spfFindings("example.test", report).empty());
}

BOOST_AUTO_TEST_CASE(spf_strings_are_joined_before_parsing) {
  // "include:a.example" "-all" joins to "include:a.example-all": no space is added.
  auto joined = checks::readSpf(rawAnswer({txtRdata({"v=spf1 include:a.example", "-all"})}), "example.test");
  BOOST_TEST(!joined.all.has_value());
  auto spaced = checks::readSpf(rawAnswer({txtRdata({"v=spf1 include:a.example ", "-all"})}), "example.test");
  BOOST_TEST(spaced.all.value_or("") == "-all");
  const std::string longRecord = "v=spf1 " + std::string(300, 'a').replace(0, 8, "include:") + ".example -all";
  BOOST_TEST(checks::readSpf(txtAnswer({longRecord}), "example.test").all.value_or("") == "-all");
}

BOOST_AUTO_TEST_CASE(spf_statuses_and_their_findings) {
  auto none = checks::readSpf(outcome(Outcome::nodata), "example.test");
  BOOST_TEST(checks::policyStatusName(none.status) == "none");
  BOOST_TEST(checks::policyStatusName(checks::readSpf(outcome(Outcome::nxdomain), "example.test").status) == "none");
  BOOST_TEST(checks::policyStatusName(checks::readSpf(txtAnswer({"hello"}), "example.test").status) == "none");
  const Finding noneFinding = only(checks::spfFindings("example.test", none));
  BOOST_TEST(noneFinding.code == "spf.none");
  BOOST_TEST(noneFinding.severity == Severity::warning);
  BOOST_TEST(noneFinding.reference.value_or("") == "RFC 7208");

  auto multiple = checks::readSpf(txtAnswer({"v=spf1 mx -all", "v=spf1 a -all"}), "example.test");
  BOOST_TEST(checks::policyStatusName(multiple.status) == "multiple");
  BOOST_TEST(!multiple.record.has_value());
  BOOST_TEST(multiple.records.size() == 2U);
  BOOST_TEST(!multiple.all.has_value());
  const Finding multipleFinding = only(checks::spfFindings("example.test", multiple));
  BOOST_TEST(multipleFinding.code == "spf.multiple");
  BOOST_TEST(multipleFinding.severity == Severity::error);
  BOOST_TEST(multipleFinding.message.find("permerror") != std::string::npos);

  auto invalid = checks::readSpf(txtAnswer({"v=spf1 ip4:198.51.100.300 -all"}), "example.test");
  BOOST_TEST(checks::policyStatusName(invalid.status) == "invalid");
  BOOST_TEST(invalid.record.has_value());
  BOOST_TEST(invalid.error.has_value());
  BOOST_TEST(only(checks::spfFindings("example.test", invalid)).code == "spf.invalid");

  auto check = [](const std::string& record, const std::string& code, Severity severity) {
    const auto report = checks::readSpf(txtAnswer({record}), "example.test");
    const Finding f = only(checks::spfFindings("example.test", report));
    BOOST_TEST(f.code == code, record);
    BOOST_TEST((f.severity == severity), record);
  };
  check("v=spf1 +all", "spf.pass_all", Severity::error);
  check("v=spf1 a mx all", "spf.pass_all", Severity::error);
  check("v=spf1 ?all", "spf.neutral_all", Severity::warning);
  check("v=spf1 a ~all", "spf.softfail_all", Severity::info);
  check("v=spf1 mx", "spf.no_all", Severity::warning);
  BOOST_TEST(checks::spfFindings("example.test",
                                 checks::readSpf(txtAnswer({"v=spf1 redirect=_spf.example.net"}), "example.test"))
                 .empty());
}

BOOST_AUTO_TEST_CASE(spf_lookup_failure_is_unknown_never_none) {
  const auto report = checks::readSpf(timeout(), "example.test");
  BOOST_TEST(checks::policyStatusName(report.status) == "unknown");
  BOOST_TEST(report.error.value_or("").find("10 s") != std::string::npos);
  BOOST_TEST(checks::spfFindings("example.test", report).empty());

  const auto fromBogus = checks::readSpf(bogus(), "example.test");
  BOOST_TEST(checks::policyStatusName(fromBogus.status) == "unknown");
  BOOST_TEST(fromBogus.bogus.value_or("") == "signature expired");
  const Finding f = only(checks::spfFindings("example.test", fromBogus));
  BOOST_TEST(f.code == "dnssec.bogus");
  BOOST_TEST(f.severity == Severity::error);
  BOOST_TEST(f.host.value_or("") == "example.test");
}

BOOST_AUTO_TEST_CASE(spf_record_text_is_sanitized) {
  const auto report = checks::readSpf(txtAnswer({"v=spf1 mx \x1b[31m -all"}), "example.test");
  BOOST_TEST(report.records.at(0).find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(spf_json_shape) {
  const auto json = checks::toJson(checks::readSpf(txtAnswer({"v=spf1 redirect=_spf.example.net"}), "example.test"));
  BOOST_TEST(
      json.dump() ==
      R"({"status":"ok","record":"v=spf1 redirect=_spf.example.net","records":["v=spf1 redirect=_spf.example.net"],)"
      R"("all":null,"redirect":"_spf.example.net","error":null})");
  const auto none = checks::toJson(checks::readSpf(outcome(Outcome::nodata), "example.test"));
  BOOST_TEST(none.dump() == R"({"status":"none","record":null,"records":[],"all":null,"redirect":null,"error":null})");
}

// ---- DMARC ----

BOOST_AUTO_TEST_CASE(dmarc_records_of_the_real_world) {
  auto simple = checks::parseDmarc("v=DMARC1; p=reject; rua=mailto:dmarc@example.com");
  BOOST_TEST_REQUIRE(simple.ok());
  BOOST_TEST(simple->policy == "reject");
  BOOST_TEST(!simple->subdomainPolicy);
  BOOST_TEST(!simple->pct);
  BOOST_TEST(simple->rua == std::vector<std::string>{"mailto:dmarc@example.com"});

  auto full = checks::parseDmarc(
      "v=DMARC1;p=quarantine;sp=none;pct=50;rua=mailto:a@example.com, mailto:b@example.net!10m;"
      "ruf=mailto:f@example.com;fo=1;adkim=s;aspf=r");
  BOOST_TEST_REQUIRE(full.ok());
  BOOST_TEST(full->policy == "quarantine");
  BOOST_TEST(full->subdomainPolicy.value_or("") == "none");
  BOOST_TEST(full->pct.value_or(-1) == 50);
  BOOST_TEST(full->rua.size() == 2U);
  BOOST_TEST(full->rua[1] == "mailto:b@example.net!10m");

  auto spaced = checks::parseDmarc("v = DMARC1 ; p = Reject ; ");
  BOOST_TEST_REQUIRE(spaced.ok());
  BOOST_TEST(spaced->policy == "reject");
  BOOST_TEST(checks::parseDmarc("v=DMARC1; p=none;").ok());
  BOOST_TEST(checks::parseDmarc("v=DMARC1; p=none; pct=0").ok());
  BOOST_TEST(checks::parseDmarc("v=DMARC1; p=reject; p=none")->policy == "reject");  // the first counts
}

BOOST_AUTO_TEST_CASE(dmarc_syntax_errors) {
  auto error = [](const std::string& record) {
    auto parsed = checks::parseDmarc(record);
    BOOST_TEST_REQUIRE(!parsed.ok(), record);
    return parsed.error().message;
  };
  BOOST_TEST(error("v=DMARC1").find("no p=") != std::string::npos);
  BOOST_TEST(error("v=DMARC1; rua=mailto:d@example.com").find("no p=") != std::string::npos);
  BOOST_TEST(error("v=DMARC1; p=block").find("p=block") != std::string::npos);
  BOOST_TEST(error("v=DMARC1; p=reject; sp=maybe").find("sp=maybe") != std::string::npos);
  BOOST_TEST(error("v=DMARC1; p=reject; pct=150").find("pct=150") != std::string::npos);
  BOOST_TEST(error("v=DMARC1; p=reject; pct=-1").find("pct") != std::string::npos);
  BOOST_TEST(error("v=DMARC1 p=reject").find("v=DMARC1") != std::string::npos);
  BOOST_TEST(error("v=DMARC1; p=reject; garbage").find("tag=value") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dmarc_records_are_recognized_by_their_first_tag) {
  BOOST_TEST(checks::isDmarcRecord("v=DMARC1; p=reject"));
  BOOST_TEST(checks::isDmarcRecord("v = DMARC1; p=reject"));
  BOOST_TEST(checks::isDmarcRecord("V=DMARC1; p=reject"));
  BOOST_TEST(checks::isDmarcRecord("v=DMARC1 p=reject"));  // then invalid, not ignored
  BOOST_TEST(!checks::isDmarcRecord("p=reject; v=DMARC1"));
  BOOST_TEST(!checks::isDmarcRecord("v=spf1 -all"));
  BOOST_TEST(!checks::isDmarcRecord("v=dmarc1; p=reject"));
}

BOOST_AUTO_TEST_CASE(dmarc_statuses_and_their_findings) {
  const auto good = checks::readDmarc(txtAnswer({"v=DMARC1; p=reject; rua=mailto:dmarc@smtp.test"}), "smtp.test");
  BOOST_TEST(checks::policyStatusName(good.status) == "ok");
  BOOST_TEST(good.policy.value_or("") == "reject");
  BOOST_TEST(checks::dmarcFindings("smtp.test", good).empty());
  BOOST_TEST(checks::toJson(good).dump() ==
             R"({"status":"ok","record":"v=DMARC1; p=reject; rua=mailto:dmarc@smtp.test","policy":"reject",)"
             R"("subdomain_policy":null,"pct":null,"rua":["mailto:dmarc@smtp.test"],"error":null})");

  const auto monitoring = checks::readDmarc(txtAnswer({"v=DMARC1; p=none; pct=100"}), "smtp.test");
  const Finding policyNone = only(checks::dmarcFindings("smtp.test", monitoring));
  BOOST_TEST(policyNone.code == "dmarc.policy_none");
  BOOST_TEST(policyNone.severity == Severity::warning);
  BOOST_TEST(checks::toJson(monitoring)["pct"] == 100);

  const auto none = checks::readDmarc(outcome(Outcome::nxdomain), "smtp.test");
  BOOST_TEST(checks::policyStatusName(none.status) == "none");
  const Finding noneFinding = only(checks::dmarcFindings("smtp.test", none));
  BOOST_TEST(noneFinding.code == "dmarc.none");
  BOOST_TEST(noneFinding.severity == Severity::warning);
  BOOST_TEST(noneFinding.message.find("_dmarc.smtp.test") != std::string::npos);

  const auto multiple = checks::readDmarc(txtAnswer({"v=DMARC1; p=reject", "v=DMARC1; p=none"}), "smtp.test");
  BOOST_TEST(checks::policyStatusName(multiple.status) == "multiple");
  BOOST_TEST(only(checks::dmarcFindings("smtp.test", multiple)).code == "dmarc.multiple");
  BOOST_TEST(only(checks::dmarcFindings("smtp.test", multiple)).severity == Severity::error);

  const auto invalid = checks::readDmarc(txtAnswer({"v=DMARC1; p=maybe"}), "smtp.test");
  BOOST_TEST(checks::policyStatusName(invalid.status) == "invalid");
  BOOST_TEST(only(checks::dmarcFindings("smtp.test", invalid)).code == "dmarc.invalid");

  const auto unknown = checks::readDmarc(timeout(), "smtp.test");
  BOOST_TEST(checks::policyStatusName(unknown.status) == "unknown");
  BOOST_TEST(checks::dmarcFindings("smtp.test", unknown).empty());
  BOOST_TEST(codes(checks::dmarcFindings("smtp.test", checks::readDmarc(bogus(), "smtp.test"))) ==
             std::vector<std::string>{"dnssec.bogus"});
}

// ---- TLS-RPT ----

BOOST_AUTO_TEST_CASE(tls_rpt_records) {
  auto one = checks::parseTlsRpt("v=TLSRPTv1; rua=mailto:tlsrpt@smtp.test");
  BOOST_TEST_REQUIRE(one.ok());
  BOOST_TEST(one->rua == std::vector<std::string>{"mailto:tlsrpt@smtp.test"});
  auto two = checks::parseTlsRpt("v=TLSRPTv1;rua=mailto:a@example.com,https://reports.example.com/v1/tlsrpt;");
  BOOST_TEST_REQUIRE(two.ok());
  BOOST_TEST(two->rua.size() == 2U);
  BOOST_TEST(checks::parseTlsRpt("v=TLSRPTv1; rua=mailto:a@example.com; ext_1=value").ok());
  BOOST_TEST(checks::parseTlsRpt("v=TLSRPTv1 ; rua = mailto:a@example.com , mailto:b@example.com").ok());

  auto error = [](const std::string& record) {
    auto parsed = checks::parseTlsRpt(record);
    BOOST_TEST_REQUIRE(!parsed.ok(), record);
    return parsed.error().message;
  };
  BOOST_TEST(error("v=TLSRPTv1; rua=ftp://x").find("'ftp://x'") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1; rua=tlsrpt@example.com").find("mailto") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1; rua=http://reports.example.com/").find("https") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1;").find("no rua") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1").find("no rua") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1 rua=mailto:a@example.com").find("';'") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1; rua=").find("no reporting address") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1; RUA=mailto:a@example.com").find("lower case") != std::string::npos);
  BOOST_TEST(error("v=TLSRPTv1;; rua=mailto:a@example.com").find("empty field") != std::string::npos);

  BOOST_TEST(checks::isTlsRptRecord("v=TLSRPTv1;rua=mailto:a@b.c"));
  BOOST_TEST(!checks::isTlsRptRecord("v=tlsrptv1;rua=mailto:a@b.c"));
  BOOST_TEST(!checks::isTlsRptRecord("v=spf1 -all"));
}

BOOST_AUTO_TEST_CASE(tls_rpt_statuses_and_their_findings) {
  const auto good = checks::readTlsRpt(txtAnswer({"v=TLSRPTv1; rua=mailto:tlsrpt@smtp.test"}), "smtp.test");
  BOOST_TEST(checks::policyStatusName(good.status) == "ok");
  BOOST_TEST(checks::tlsRptFindings("smtp.test", good).empty());
  BOOST_TEST(checks::toJson(good).dump() ==
             R"({"status":"ok","record":"v=TLSRPTv1; rua=mailto:tlsrpt@smtp.test","rua":["mailto:tlsrpt@smtp.test"],)"
             R"("error":null})");

  const auto none = checks::readTlsRpt(outcome(Outcome::nxdomain), "smtp.test");
  BOOST_TEST(checks::policyStatusName(none.status) == "none");
  BOOST_TEST(checks::tlsRptFindings("smtp.test", none).empty());  // optional: no finding

  const auto invalid = checks::readTlsRpt(txtAnswer({"v=TLSRPTv1; rua=ftp://x"}), "stsbad.test");
  BOOST_TEST(checks::policyStatusName(invalid.status) == "invalid");
  BOOST_TEST(invalid.error.has_value());
  const Finding f = only(checks::tlsRptFindings("stsbad.test", invalid));
  BOOST_TEST(f.code == "tls_rpt.invalid");
  BOOST_TEST(f.severity == Severity::warning);
  BOOST_TEST(f.reference.value_or("") == "RFC 8460 §3");

  const auto multiple = checks::readTlsRpt(
      txtAnswer({"v=TLSRPTv1; rua=mailto:a@smtp.test", "v=TLSRPTv1; rua=mailto:b@smtp.test"}), "smtp.test");
  BOOST_TEST(checks::policyStatusName(multiple.status) == "multiple");
  BOOST_TEST(only(checks::tlsRptFindings("smtp.test", multiple)).code == "tls_rpt.invalid");

  const auto unknown = checks::readTlsRpt(timeout(), "smtp.test");
  BOOST_TEST(checks::policyStatusName(unknown.status) == "unknown");
  BOOST_TEST(checks::tlsRptFindings("smtp.test", unknown).empty());
}

BOOST_AUTO_TEST_CASE(all_findings_together) {
  checks::MailPolicyReport report;
  report.spf = checks::readSpf(txtAnswer({"v=spf1 +all"}), "spfplus.test");
  report.dmarc = checks::readDmarc(txtAnswer({"v=DMARC1; p=none"}), "spfplus.test");
  report.tlsRpt = checks::readTlsRpt(outcome(Outcome::nxdomain), "spfplus.test");
  BOOST_TEST(codes(checks::mailPolicyFindings("spfplus.test", report)) ==
             (std::vector<std::string>{"spf.pass_all", "dmarc.policy_none"}));
}

BOOST_AUTO_TEST_SUITE_END()

#define BOOST_TEST_MODULE checks_mta_sts
#include "checks/policy/mta_sts.h"

#include <boost/test/unit_test.hpp>

#include "core/limits.h"
#include "finding_helpers.h"

using mxh::checks::Finding;
using mxh::checks::MtaStsFetch;
using mxh::checks::MtaStsReport;
using mxh::checks::MxCertificateFacts;
using mxh::checks::PolicyFetchOutcome;
using mxh::checks::Severity;
using mxh::checks::StsMode;
using mxh::testing::codes;
using mxh::testing::only;
namespace checks = mxh::checks;

namespace {

const std::string kRfcPolicy =
    "version: STSv1\n"
    "mode: enforce\n"
    "mx: mail.example.com\n"
    "mx: *.example.net\n"
    "mx: backupmx.example.com\n"
    "max_age: 604800\n";

const std::string kGoodPolicy = "version: STSv1\nmode: enforce\nmx: *.smtp.test\nmax_age: 86400\n";
const std::string kTxt = "v=STSv1; id=20261126;";

std::string policyError(const std::string& body) {
  auto parsed = checks::parseStsPolicy(body);
  BOOST_TEST_REQUIRE(!parsed.ok(), body);
  return parsed.error().message;
}

std::string txtError(const std::string& text) {
  auto parsed = checks::parseStsTxt(text);
  BOOST_TEST_REQUIRE(!parsed.ok(), text);
  return parsed.error().message;
}

// A fetch of smtp.test: the TXT records given, and the policy fetch's outcome.
MtaStsFetch fetchOf(std::vector<std::string> txt, PolicyFetchOutcome outcome, std::optional<std::string> body = {},
                    std::optional<std::string> error = {}) {
  MtaStsFetch fetch;
  fetch.domain = "smtp.test";
  fetch.policyUrl = "https://mta-sts.smtp.test/.well-known/mta-sts.txt";
  for (std::string& text : txt) fetch.txtRecords.push_back({text, text.size()});
  fetch.policyOutcome = outcome;
  fetch.policyBody = std::move(body);
  fetch.policyError = std::move(error);
  return fetch;
}

MtaStsFetch goodFetch(const std::string& body = kGoodPolicy) {
  return fetchOf({kTxt}, PolicyFetchOutcome::fetched, body);
}

MxCertificateFacts mx(const std::string& host, std::optional<bool> chain = true, std::optional<bool> name = true) {
  return {host, chain, name};
}

const std::vector<MxCertificateFacts> kBothGood = {mx("mx1.smtp.test"), mx("mx2.smtp.test")};

std::string status(const MtaStsReport& report) {
  return std::string(checks::mtaStsStatusName(report.status));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mta_sts_test)

// ---- TXT ----

BOOST_AUTO_TEST_CASE(txt_records_that_parse) {
  BOOST_TEST(checks::parseStsTxt("v=STSv1; id=20160831085700Z;")->id == "20160831085700Z");
  BOOST_TEST(checks::parseStsTxt("v=STSv1;id=20261126")->id == "20261126");
  BOOST_TEST(checks::parseStsTxt("v=STSv1 ; id=abc ;")->id == "abc");
  BOOST_TEST(checks::parseStsTxt("v=STSv1; id=abc; ext_1=foo.bar")->id == "abc");
  BOOST_TEST(checks::parseStsTxt("v=STSv1; ext=x; id=abc")->id == "abc");
  BOOST_TEST(checks::parseStsTxt("v=STSv1; id=first; id=second")->id == "first");
  BOOST_TEST(checks::parseStsTxt("v=STSv1; id=" + std::string(32, 'a'))->id.size() == 32U);
}

BOOST_AUTO_TEST_CASE(txt_records_that_do_not) {
  BOOST_TEST(txtError("v=STSv1").find("no id=") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1;").find("no id=") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1; ID=1").find("no id=") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1 id=1").find("';'") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1; id=").find("no valid value") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1; id=abc-def").find("letters and digits") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1; id=" + std::string(33, 'a')).find("1 to 32") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1; id = 1").find("name=value") != std::string::npos);
  BOOST_TEST(txtError("v=STSv1;; id=1").find("empty field") != std::string::npos);
  BOOST_TEST(txtError("v=STSv2; id=1").find("v=STSv1") != std::string::npos);
  BOOST_TEST(checks::isStsTxtRecord("v=STSv1; id=1"));
  BOOST_TEST(!checks::isStsTxtRecord("v=stsv1; id=1"));
  BOOST_TEST(!checks::isStsTxtRecord("v=spf1 -all"));
}

// ---- policy ----

BOOST_AUTO_TEST_CASE(the_rfc_example_policy_with_lf_and_crlf) {
  for (const std::string& body : {kRfcPolicy, std::string("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                                                          "mx: *.example.net\r\nmx: backupmx.example.com\r\n"
                                                          "max_age: 604800\r\n")}) {
    auto policy = checks::parseStsPolicy(body);
    BOOST_TEST_REQUIRE(policy.ok(), (policy.ok() ? "" : policy.error().message));
    BOOST_TEST(checks::stsModeName(policy->mode) == "enforce");
    BOOST_TEST(policy->mx == (std::vector<std::string>{"mail.example.com", "*.example.net", "backupmx.example.com"}));
    BOOST_TEST(policy->maxAge == 604800U);
  }
}

BOOST_AUTO_TEST_CASE(policy_layout_variants) {
  BOOST_TEST(checks::parseStsPolicy("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400").ok());
  BOOST_TEST(checks::parseStsPolicy(kGoodPolicy + "\n\n").ok());  // blank lines at the end
  BOOST_TEST(checks::parseStsPolicy("version:STSv1\nmode:enforce\nmx:mx.example.com\nmax_age:86400   \n").ok());
  BOOST_TEST(checks::parseStsPolicy("version: STSv1\nmode: none\nmax_age: 0\n").ok());  // none needs no mx
  BOOST_TEST(checks::parseStsPolicy("mode: enforce\nmx: mx.example.com\nmax_age: 1\nversion: STSv1\n").ok());
  BOOST_TEST(checks::parseStsPolicy(kGoodPolicy + "foo: bar baz\n").ok());  // extensions are ignored
  auto first = checks::parseStsPolicy(kGoodPolicy + "mode: none\nmax_age: 5\n");
  BOOST_TEST(checks::stsModeName(first->mode) == "enforce");  // the first of each counts
  BOOST_TEST(first->maxAge == 86400U);
  BOOST_TEST(checks::parseStsPolicy("version: STSv1\nmode: enforce\nmx: Mail.Example.COM\nmax_age: 1\n")->mx.at(0) ==
             "mail.example.com");
  BOOST_TEST(checks::parseStsPolicy("version: STSv1\nmode: enforce\nmx: xn--mnchen-3ya.de\nmax_age: 31557600\n").ok());
}

BOOST_AUTO_TEST_CASE(policies_that_do_not_parse) {
  BOOST_TEST(policyError("").find("empty") != std::string::npos);
  BOOST_TEST(policyError("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n").find("line 1") !=
             std::string::npos);
  BOOST_TEST(policyError("mode: enforce\nmx: a.example\nmax_age: 1\n").find("version") != std::string::npos);
  BOOST_TEST(policyError("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n").find("'Enforce'") !=
             std::string::npos);
  BOOST_TEST(policyError("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n").find("mode") !=
             std::string::npos);
  BOOST_TEST(policyError("version: STSv1\nmx: a.example\nmax_age: 1\n").find("no mode") != std::string::npos);
  BOOST_TEST(policyError("version: STSv1\nmode: testing\nmax_age: 1\n").find("no mx") != std::string::npos);
  BOOST_TEST(policyError("version: STSv1\nmode: enforce\nmx: a.example\n").find("max_age") != std::string::npos);
  for (const std::string age : {"-1", "31557601", "abc", "99999999999", "1.5"}) {
    BOOST_TEST(policyError("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: " + age + "\n").find("max_age") !=
                   std::string::npos,
               age);
  }
  for (const std::string pattern : {"*.*.example.com", "mail.*.example.com", "*example.com", "-bad.example.com",
                                    "m\xc3\xbcnchen.de", "mail..example.com", "mail.example.com/x", "*"}) {
    BOOST_TEST(
        policyError("version: STSv1\nmode: enforce\nmx: " + pattern + "\nmax_age: 1\n").find("mx") != std::string::npos,
        pattern);
  }
  BOOST_TEST(policyError("version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 1\n").find("line 2") !=
             std::string::npos);
  BOOST_TEST(policyError("version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n").find("key: value") !=
             std::string::npos);
  BOOST_TEST(policyError("<html><body>Not here</body></html>").find("key: value") != std::string::npos);
  BOOST_TEST(policyError("version: STSv1\nmode:\nmx: a.example\nmax_age: 1\n").find("no value") != std::string::npos);
  BOOST_TEST(policyError(std::string(mxh::limits::kMaxPolicyBytes + 1, 'a')).find("64 KiB") != std::string::npos);
}

// ---- patterns ----

BOOST_AUTO_TEST_CASE(mx_patterns_match_as_rfc_8461_says) {
  BOOST_TEST(checks::mxPatternMatches("mail.example.com", "mail.example.com"));
  BOOST_TEST(checks::mxPatternMatches("mail.example.com", "MAIL.Example.com."));
  BOOST_TEST(!checks::mxPatternMatches("mail.example.com", "mail2.example.com"));
  BOOST_TEST(checks::mxPatternMatches("*.example.com", "mx1.example.com"));
  BOOST_TEST(checks::mxPatternMatches("*.smtp.test", "mx1.smtp.test"));
  BOOST_TEST(!checks::mxPatternMatches("*.example.com", "example.com"));      // one label, not none
  BOOST_TEST(!checks::mxPatternMatches("*.example.com", "a.b.example.com"));  // one label, not two
  BOOST_TEST(!checks::mxPatternMatches("*.example.com", ".example.com"));
  BOOST_TEST(!checks::mxPatternMatches("*.example.com", "mx1.example.com.evil"));
  BOOST_TEST(!checks::mxPatternMatches("", "mx1.example.com"));
  const std::vector<std::string> patterns = {"mail.example.com", "*.example.net"};
  BOOST_TEST(checks::matchingPattern(patterns, "mx.example.net").value_or("") == "*.example.net");
  BOOST_TEST(!checks::matchingPattern(patterns, "mx.example.org"));
}

// ---- evaluation ----

BOOST_AUTO_TEST_CASE(no_txt_and_no_policy_is_none_with_no_finding) {
  const auto report = checks::evaluateMtaSts(
      fetchOf({}, PolicyFetchOutcome::no_host, {}, "mta-sts.smtp.test does not exist or has no address"), kBothGood);
  BOOST_TEST(status(report) == "none");
  BOOST_TEST(!report.policy);
  BOOST_TEST(!report.txt);
  BOOST_TEST(checks::mtaStsFindings("smtp.test", report).empty());
  BOOST_TEST(checks::toJson(report).dump() ==
             R"({"status":"none","txt":null,"policy":null,"mx_coverage":[],"error":null})");
  // A wildcard web server that answers with something else is no policy either.
  const auto html = checks::evaluateMtaSts(fetchOf({}, PolicyFetchOutcome::fetched, "<html></html>"), kBothGood);
  BOOST_TEST(status(html) == "none");
  BOOST_TEST(status(checks::evaluateMtaSts(fetchOf({}, PolicyFetchOutcome::bad_certificate), kBothGood)) == "none");
}

BOOST_AUTO_TEST_CASE(a_good_enforced_policy_is_ok) {
  const auto report = checks::evaluateMtaSts(goodFetch(), kBothGood);
  BOOST_TEST(status(report) == "ok");
  BOOST_TEST_REQUIRE(report.txt.has_value());
  BOOST_TEST(report.txt->id.value_or("") == "20261126");
  BOOST_TEST_REQUIRE(report.mxCoverage.size() == 2U);
  BOOST_TEST(report.mxCoverage[0].covered);
  BOOST_TEST(report.mxCoverage[0].pattern.value_or("") == "*.smtp.test");
  BOOST_TEST(checks::mtaStsFindings("smtp.test", report).empty());
  BOOST_TEST(checks::toJson(report).dump() ==
             R"({"status":"ok","txt":{"record":"v=STSv1; id=20261126;","id":"20261126","valid":true,"error":null},)"
             R"("policy":{"url":"https://mta-sts.smtp.test/.well-known/mta-sts.txt","fetched":true,"mode":"enforce",)"
             R"("mx":["*.smtp.test"],"max_age":86400,"error":null,)"
             R"("text":"version: STSv1\nmode: enforce\nmx: *.smtp.test\nmax_age: 86400\n"},)"
             R"("mx_coverage":[{"host":"mx1.smtp.test","pattern":"*.smtp.test","covered":true,"certificate_ok":true},)"
             R"({"host":"mx2.smtp.test","pattern":"*.smtp.test","covered":true,"certificate_ok":true}],"error":null})");
}

BOOST_AUTO_TEST_CASE(certificates_of_the_mx_hosts_under_enforce_and_testing) {
  const std::vector<MxCertificateFacts> facts = {mx("mx1.smtp.test"), mx("mx2.smtp.test", true, false),
                                                 mx("mx3.smtp.test", false, true), mx("mx4.smtp.test", {}, {}),
                                                 mx("mx5.smtp.test", true, std::nullopt)};
  const auto enforce = checks::evaluateMtaSts(goodFetch(), facts);
  BOOST_TEST(status(enforce) == "ok");
  BOOST_TEST(*enforce.mxCoverage[0].certificateOk);
  BOOST_TEST(!*enforce.mxCoverage[1].certificateOk);
  BOOST_TEST(!*enforce.mxCoverage[2].certificateOk);
  BOOST_TEST(!enforce.mxCoverage[3].certificateOk.has_value());  // not probed: unknown, no finding
  BOOST_TEST(!enforce.mxCoverage[4].certificateOk.has_value());
  const auto findings = checks::mtaStsFindings("smtp.test", enforce);
  BOOST_TEST(codes(findings) == (std::vector<std::string>{"mta_sts.cert_invalid", "mta_sts.cert_invalid"}));
  BOOST_TEST(findings[0].severity == Severity::error);
  BOOST_TEST(findings[0].host.value_or("") == "mx2.smtp.test");
  BOOST_TEST(findings[1].host.value_or("") == "mx3.smtp.test");

  const auto testing =
      checks::evaluateMtaSts(goodFetch("version: STSv1\nmode: testing\nmx: *.smtp.test\nmax_age: 86400\n"), facts);
  BOOST_TEST(status(testing) == "ok");
  const auto testingFindings = checks::mtaStsFindings("smtp.test", testing);
  BOOST_TEST(codes(testingFindings) ==
             (std::vector<std::string>{"mta_sts.cert_invalid", "mta_sts.cert_invalid", "mta_sts.testing"}));
  BOOST_TEST(testingFindings[0].severity == Severity::warning);
  BOOST_TEST(testingFindings[2].severity == Severity::info);
}

BOOST_AUTO_TEST_CASE(mx_hosts_outside_the_patterns) {
  const std::string other = "version: STSv1\nmode: enforce\nmx: mail.other.test\nmax_age: 86400\n";
  const auto enforce = checks::evaluateMtaSts(goodFetch(other), {mx("mx1.smtp.test")});
  BOOST_TEST(status(enforce) == "mx_not_covered");
  BOOST_TEST(!enforce.mxCoverage.at(0).covered);
  BOOST_TEST(!enforce.mxCoverage.at(0).pattern);
  const Finding f = only(checks::mtaStsFindings("stsuncovered.test", enforce));
  BOOST_TEST(f.code == "mta_sts.mx_not_covered");
  BOOST_TEST(f.severity == Severity::error);
  BOOST_TEST(f.host.value_or("") == "mx1.smtp.test");

  const std::string testingOther = "version: STSv1\nmode: testing\nmx: mail.other.test\nmax_age: 86400\n";
  const auto testing = checks::evaluateMtaSts(goodFetch(testingOther), {mx("mx1.smtp.test")});
  BOOST_TEST(status(testing) == "mx_not_covered");
  const auto findings = checks::mtaStsFindings("smtp.test", testing);
  BOOST_TEST(codes(findings) == (std::vector<std::string>{"mta_sts.mx_not_covered", "mta_sts.testing"}));
  BOOST_TEST(findings[0].severity == Severity::warning);

  // One covered, one not: only the other one is named.
  const auto mixed = checks::evaluateMtaSts(
      goodFetch("version: STSv1\nmode: enforce\nmx: mx1.smtp.test\nmax_age: 86400\n"), kBothGood);
  BOOST_TEST(status(mixed) == "mx_not_covered");
  BOOST_TEST(only(checks::mtaStsFindings("smtp.test", mixed)).host.value_or("") == "mx2.smtp.test");
}

BOOST_AUTO_TEST_CASE(mode_none_switches_the_judging_off) {
  const auto report =
      checks::evaluateMtaSts(goodFetch("version: STSv1\nmode: none\nmx: mail.other.test\nmax_age: 86400\n"),
                             {mx("mx1.smtp.test", false, false)});
  BOOST_TEST(status(report) == "ok");
  BOOST_TEST(!report.mxCoverage.at(0).covered);
  const Finding f = only(checks::mtaStsFindings("smtp.test", report));
  BOOST_TEST(f.code == "mta_sts.none_mode");
  BOOST_TEST(f.severity == Severity::info);
}

BOOST_AUTO_TEST_CASE(a_txt_record_without_a_policy) {
  for (const auto outcome : {PolicyFetchOutcome::no_host, PolicyFetchOutcome::not_found}) {
    const auto report = checks::evaluateMtaSts(fetchOf({kTxt}, outcome, {}, "HTTP 404 Not Found"), kBothGood);
    BOOST_TEST(status(report) == "txt_only");
    BOOST_TEST_REQUIRE(report.policy.has_value());
    BOOST_TEST(!report.policy->fetched);
    BOOST_TEST(report.policy->error.value_or("") == "HTTP 404 Not Found");
    BOOST_TEST(report.mxCoverage.empty());
    const Finding f = only(checks::mtaStsFindings("smtp.test", report));
    BOOST_TEST(f.code == "mta_sts.txt_without_policy");
    // RFC 8461 §5: without a policy senders deliver as usual; the protection is lost, not mail.
    BOOST_TEST(f.severity == Severity::warning);
  }
}

BOOST_AUTO_TEST_CASE(a_policy_host_that_does_not_answer_or_redirects) {
  for (const auto outcome : {PolicyFetchOutcome::unreachable, PolicyFetchOutcome::http_error}) {
    const auto report = checks::evaluateMtaSts(fetchOf({kTxt}, outcome, {}, "refused"), kBothGood);
    BOOST_TEST(status(report) == "unreachable");
    const Finding f = only(checks::mtaStsFindings("stsnopolicy.test", report));
    BOOST_TEST(f.code == "mta_sts.unreachable");
    BOOST_TEST(f.severity == Severity::warning);
    BOOST_TEST(f.message.find("not mail") != std::string::npos);
    BOOST_TEST(f.host.value_or("") == "mta-sts.stsnopolicy.test");
    BOOST_TEST(f.message.find("refused") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_policy_host_with_a_bad_certificate) {
  const auto report = checks::evaluateMtaSts(
      fetchOf({kTxt}, PolicyFetchOutcome::bad_certificate, {}, "the certificate of mta-sts... is not valid"),
      kBothGood);
  BOOST_TEST(status(report) == "bad_certificate");
  const Finding f = only(checks::mtaStsFindings("stswrongcert.test", report));
  BOOST_TEST(f.code == "mta_sts.bad_certificate");
  BOOST_TEST(f.severity == Severity::warning);
}

BOOST_AUTO_TEST_CASE(invalid_records_and_policies) {
  const auto badPolicy = checks::evaluateMtaSts(goodFetch("version: STSv1\nmode: sometimes\n"), kBothGood);
  BOOST_TEST(status(badPolicy) == "invalid");
  BOOST_TEST_REQUIRE(badPolicy.policy.has_value());
  BOOST_TEST(badPolicy.policy->fetched);
  BOOST_TEST(badPolicy.policy->error.value_or("").find("mode") != std::string::npos);
  BOOST_TEST(badPolicy.policy->text.value_or("") == "version: STSv1\nmode: sometimes\n");
  BOOST_TEST(!badPolicy.policy->mode);
  BOOST_TEST(badPolicy.mxCoverage.empty());
  BOOST_TEST(only(checks::mtaStsFindings("stsbad.test", badPolicy)).code == "mta_sts.invalid");

  const auto badTxt =
      checks::evaluateMtaSts(fetchOf({"v=STSv1; id=not-alnum"}, PolicyFetchOutcome::fetched, kGoodPolicy), kBothGood);
  BOOST_TEST(status(badTxt) == "invalid");
  BOOST_TEST(!badTxt.txt->valid);
  BOOST_TEST(badTxt.txt->error.has_value());
  BOOST_TEST(only(checks::mtaStsFindings("smtp.test", badTxt)).code == "mta_sts.invalid");

  const auto twoTxt = checks::evaluateMtaSts(
      fetchOf({"v=STSv1; id=1", "v=STSv1; id=2"}, PolicyFetchOutcome::fetched, kGoodPolicy), kBothGood);
  BOOST_TEST(status(twoTxt) == "invalid");
  BOOST_TEST(twoTxt.txt->error.value_or("").find("exactly one") != std::string::npos);

  const auto tooLarge = checks::evaluateMtaSts(
      fetchOf({kTxt}, PolicyFetchOutcome::too_large, {}, "the policy is larger than 64 KiB"), kBothGood);
  BOOST_TEST(status(tooLarge) == "invalid");
  BOOST_TEST(only(checks::mtaStsFindings("smtp.test", tooLarge)).code == "mta_sts.invalid");
}

BOOST_AUTO_TEST_CASE(a_policy_without_a_txt_record) {
  const auto report = checks::evaluateMtaSts(fetchOf({}, PolicyFetchOutcome::fetched, kGoodPolicy), kBothGood);
  BOOST_TEST(status(report) == "policy_only");
  BOOST_TEST(report.policy.has_value());
  BOOST_TEST(report.mxCoverage.size() == 2U);
  const Finding f = only(checks::mtaStsFindings("stsnotxt.test", report));
  BOOST_TEST(f.code == "mta_sts.policy_without_txt");
  BOOST_TEST(f.severity == Severity::warning);
}

BOOST_AUTO_TEST_CASE(lookups_that_failed_say_nothing) {
  MtaStsFetch failedTxt = goodFetch();
  failedTxt.txtRecords.clear();
  failedTxt.txtError = "no answer for _mta-sts.smtp.test TXT within 10 s";
  const auto report = checks::evaluateMtaSts(failedTxt, kBothGood);
  BOOST_TEST(status(report) == "unknown");
  BOOST_TEST(report.error.value_or("").find("10 s") != std::string::npos);
  BOOST_TEST(checks::mtaStsFindings("smtp.test", report).empty());

  const auto failedHost = checks::evaluateMtaSts(
      fetchOf({kTxt}, PolicyFetchOutcome::lookup_failed, {}, "the address could not be looked up"), kBothGood);
  BOOST_TEST(status(failedHost) == "unknown");
  BOOST_TEST(checks::mtaStsFindings("smtp.test", failedHost).empty());

  MtaStsFetch bogus = failedTxt;
  bogus.txtBogus = "signature expired";
  const auto bogusReport = checks::evaluateMtaSts(bogus, kBothGood);
  BOOST_TEST(status(bogusReport) == "unknown");
  const Finding f = only(checks::mtaStsFindings("smtp.test", bogusReport));
  BOOST_TEST(f.code == "dnssec.bogus");
  BOOST_TEST(f.host.value_or("") == "_mta-sts.smtp.test");
}

BOOST_AUTO_TEST_CASE(policy_text_is_shown_safely) {
  const auto report = checks::evaluateMtaSts(
      goodFetch("version: STSv1\r\nmode: enforce\r\nmx: *.smtp.test\r\nmax_age: 86400\r\nx: \x1b[31mred\r\n"),
      kBothGood);
  BOOST_TEST(status(report) == "ok");
  BOOST_TEST(report.policy->text.value_or("") ==
             "version: STSv1\nmode: enforce\nmx: *.smtp.test\nmax_age: 86400\nx: \\x1b[31mred\n");
  const auto big = checks::evaluateMtaSts(goodFetch(kGoodPolicy + std::string(10000, 'x')), kBothGood);
  BOOST_TEST(big.policy->text->size() <= mxh::limits::kMaxPolicyDisplay + 3);
}

BOOST_AUTO_TEST_SUITE_END()

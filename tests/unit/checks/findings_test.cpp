#define BOOST_TEST_MODULE checks_findings
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "checks/mx/dns_findings.h"

using mxh::checks::ContactPolicy;
using mxh::checks::evaluateDns;
using mxh::checks::Finding;
using mxh::checks::HostFacts;
using mxh::checks::MxFacts;
using mxh::checks::Severity;
using mxh::dns::IpAddress;

namespace {

const std::string kDomain = "example.test";

HostFacts host(const std::string& name, std::initializer_list<const char*> ips) {
  HostFacts facts;
  facts.host = name;
  for (const char* ip : ips) facts.addresses.push_back(*IpAddress::parse(ip));
  if (facts.addresses.empty()) facts.failure = "the host name does not exist (NXDOMAIN)";
  return facts;
}

MxFacts withHosts(std::initializer_list<std::pair<int, HostFacts>> records) {
  MxFacts facts;
  for (const auto& [priority, h] : records) {
    facts.records.push_back({static_cast<std::uint16_t>(priority), h.host, false});
    facts.hosts[h.host] = h;
  }
  facts.recordsPublished = facts.records.size();
  return facts;
}

const Finding* find(const std::vector<Finding>& findings, const std::string& code) {
  const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.code == code; });
  return it == findings.end() ? nullptr : &*it;
}

std::size_t countOf(const std::vector<Finding>& findings, const std::string& code) {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.code == code; }));
}

ContactPolicy publicOptions() {
  return ContactPolicy(false);
}
ContactPolicy privateAllowed() {
  return ContactPolicy(true);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(findings_test)

BOOST_AUTO_TEST_CASE(two_public_dual_stack_hosts_have_no_problems) {
  const auto facts = withHosts({{10, host("mx1.example.test", {"93.184.216.34", "2606:2800:220:1::1"})},
                                {20, host("mx2.example.test", {"93.184.216.35", "2606:2800:220:1::2"})}});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(findings.empty());
}

BOOST_AUTO_TEST_CASE(lookup_failure_is_the_only_finding) {
  MxFacts facts;
  facts.lookupError = mxh::Error{mxh::Errc::dns_timeout, "no answer"};
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE_EQUAL(findings.size(), 1U);
  BOOST_TEST(findings[0].code == "dns.mx_lookup_failed");
  BOOST_TEST((findings[0].severity == Severity::error));
}

BOOST_AUTO_TEST_CASE(nxdomain_says_the_domain_does_not_exist) {
  MxFacts facts;
  facts.nxdomain = true;
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE_EQUAL(findings.size(), 1U);
  BOOST_TEST(findings[0].code == "domain.nxdomain");
  BOOST_TEST(findings[0].message.find("does not exist") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(null_mx_is_one_warning_and_nothing_else) {
  MxFacts facts;
  facts.records.push_back({0, ".", false});
  facts.recordsPublished = 1;
  facts.nullMx = true;
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE_EQUAL(findings.size(), 1U);
  BOOST_TEST(findings[0].code == "mx.null");
  BOOST_TEST((findings[0].severity == Severity::warning));
  BOOST_TEST(*findings[0].reference == "RFC 7505");
}

BOOST_AUTO_TEST_CASE(null_mx_mixed_with_hosts_is_an_error) {
  auto facts = withHosts({{10, host("mx1.example.test", {"93.184.216.34"})}});
  facts.records.insert(facts.records.begin(), {0, ".", false});
  facts.nullMixed = true;
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE(find(findings, "mx.null_mixed") != nullptr);
  BOOST_TEST((find(findings, "mx.null_mixed")->severity == Severity::error));
  BOOST_TEST((findings.front().severity == Severity::error));  // most severe first
}

BOOST_AUTO_TEST_CASE(no_mx_and_no_address_cannot_receive_mail) {
  MxFacts facts;
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE(find(findings, "mx.none") != nullptr);
  BOOST_TEST(countOf(findings, "mx.no_reachable") == 0U);
}

BOOST_AUTO_TEST_CASE(implicit_mx_is_a_warning_without_single_mx_info) {
  auto facts = withHosts({{0, host(kDomain, {"93.184.216.34"})}});
  facts.records[0].implicit = true;
  facts.implicitMx = true;
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE(find(findings, "mx.implicit") != nullptr);
  BOOST_TEST(*find(findings, "mx.implicit")->reference == "RFC 5321 §5.1");
  BOOST_TEST(find(findings, "mx.single") == nullptr);
}

BOOST_AUTO_TEST_CASE(cname_target_is_named_with_its_canonical_name) {
  auto alias = host("alias.example.test", {"93.184.216.34", "2606:2800:220:1::1"});
  alias.cname = "real.example.test";
  const auto findings = evaluateDns(kDomain, withHosts({{10, alias}}), publicOptions());
  const Finding* cname = find(findings, "mx.cname");
  BOOST_REQUIRE(cname != nullptr);
  BOOST_TEST(cname->message.find("real.example.test") != std::string::npos);
  BOOST_TEST(*cname->host == "alias.example.test");
  BOOST_TEST(*cname->reference == "RFC 2181 §10.3");
}

BOOST_AUTO_TEST_CASE(ip_literal_target_is_an_error_and_not_also_unresolvable) {
  HostFacts literal;
  literal.host = "198.51.100.40";
  literal.ipLiteral = true;
  literal.failure = "the MX target is an IP address";
  const auto findings = evaluateDns(kDomain, withHosts({{10, literal}}), publicOptions());
  BOOST_REQUIRE(find(findings, "mx.ip_literal") != nullptr);
  BOOST_TEST(countOf(findings, "mx.unresolvable") == 0U);
  BOOST_TEST(find(findings, "mx.no_reachable") != nullptr);
}

BOOST_AUTO_TEST_CASE(unresolvable_hosts_each_get_a_finding_with_the_reason) {
  auto nodata = host("txtonly.example.test", {});
  nodata.failure = "the host name has no A or AAAA record";
  const auto facts = withHosts({{10, host("gone.example.test", {})}, {20, nodata}});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(countOf(findings, "mx.unresolvable") == 2U);
  BOOST_TEST(find(findings, "mx.no_reachable") != nullptr);
  for (const Finding& f : findings) {
    if (f.code == "mx.unresolvable" && *f.host == "gone.example.test") {
      BOOST_TEST(f.message.find("NXDOMAIN") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(duplicate_hosts_are_reported_once) {
  auto facts = withHosts({{10, host("mx.example.test", {"93.184.216.34", "2606:2800:220:1::1"})}});
  facts.records.push_back({20, "mx.example.test", false});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(countOf(findings, "mx.duplicate_host") == 1U);
  BOOST_TEST(find(findings, "mx.duplicate_host")->message.find("2 times") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(several_hosts_on_one_address_have_no_redundancy) {
  const auto facts =
      withHosts({{10, host("a.example.test", {"93.184.216.34"})}, {20, host("b.example.test", {"93.184.216.34"})}});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE(find(findings, "mx.single_address") != nullptr);
  BOOST_TEST(*find(findings, "mx.single_address")->ip == "93.184.216.34");
  BOOST_TEST(find(findings, "mx.single") == nullptr);
}

BOOST_AUTO_TEST_CASE(single_host_and_no_ipv6_are_information) {
  const auto findings =
      evaluateDns(kDomain, withHosts({{10, host("mx.example.test", {"93.184.216.34"})}}), publicOptions());
  BOOST_TEST((find(findings, "mx.single")->severity == Severity::info));
  BOOST_TEST((find(findings, "mx.no_ipv6")->severity == Severity::info));
  BOOST_TEST(findings.size() == 2U);
}

BOOST_AUTO_TEST_CASE(non_public_addresses_warn_unless_allowed) {
  const auto facts = withHosts({{10, host("mx.example.test", {"10.1.2.3"})}});
  const auto strict = evaluateDns(kDomain, facts, publicOptions());
  const Finding* warning = find(strict, "mx.non_public_address");
  BOOST_REQUIRE(warning != nullptr);
  BOOST_TEST((warning->severity == Severity::warning));
  BOOST_TEST(*warning->ip == "10.1.2.3");
  BOOST_TEST(*warning->reference == "RFC 6890");
  BOOST_TEST(warning->message.find("private network (RFC 1918)") != std::string::npos);
  BOOST_TEST(find(strict, "mx.no_public_address") != nullptr);

  const auto relaxed = evaluateDns(kDomain, facts, privateAllowed());
  BOOST_TEST((find(relaxed, "mx.non_public_address")->severity == Severity::info));
  BOOST_TEST(find(relaxed, "mx.no_public_address") == nullptr);
}

BOOST_AUTO_TEST_CASE(one_public_address_is_enough_to_avoid_the_error) {
  const auto facts = withHosts({{10, host("mx.example.test", {"10.1.2.3", "93.184.216.34"})}});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(countOf(findings, "mx.non_public_address") == 1U);
  BOOST_TEST(find(findings, "mx.no_public_address") == nullptr);
}

BOOST_AUTO_TEST_CASE(bogus_dnssec_is_an_error) {
  MxFacts facts;
  facts.mxBogus = "signature expired";
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_REQUIRE(find(findings, "dnssec.bogus") != nullptr);
  BOOST_TEST(find(findings, "dnssec.bogus")->message.find("signature expired") != std::string::npos);
  BOOST_TEST(find(findings, "mx.none") == nullptr);
}

BOOST_AUTO_TEST_CASE(too_many_records_are_reported) {
  auto facts = withHosts({{10, host("mx.example.test", {"93.184.216.34"})}});
  facts.recordsPublished = 40;
  BOOST_TEST(find(evaluateDns(kDomain, facts, publicOptions()), "mx.too_many") != nullptr);
}

BOOST_AUTO_TEST_CASE(partial_lookup_failure_is_a_warning) {
  auto h = host("mx.example.test", {"93.184.216.34"});
  h.lookupErrors.push_back({mxh::Errc::dns_timeout, "no answer for mx.example.test AAAA in time"});
  const auto findings = evaluateDns(kDomain, withHosts({{10, h}}), publicOptions());
  BOOST_TEST((find(findings, "mx.address_lookup_failed")->severity == Severity::warning));
}

BOOST_AUTO_TEST_CASE(a_host_that_could_not_be_looked_up_is_unknown_not_unresolvable) {
  auto unknown = host("slow.example.test", {});
  unknown.failure = "its address lookup failed: no answer";
  unknown.lookupErrors.push_back({mxh::Errc::dns_timeout, "no answer"});
  const auto facts = withHosts({{10, unknown}, {20, host("gone.example.test", {})}});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(countOf(findings, "mx.address_lookup_failed") == 1U);
  BOOST_TEST(countOf(findings, "mx.unresolvable") == 1U);    // only gone.example.test
  BOOST_TEST(find(findings, "mx.no_reachable") == nullptr);  // unknown whether slow.example.test works
}

BOOST_AUTO_TEST_CASE(when_no_host_could_be_looked_up_the_check_could_not_be_done) {
  auto unknown = host("slow.example.test", {});
  unknown.lookupErrors.push_back({mxh::Errc::dns_servfail, "SERVFAIL"});
  const auto findings = evaluateDns(kDomain, withHosts({{10, unknown}}), publicOptions());
  BOOST_TEST(find(findings, "dns.mx_lookup_failed") != nullptr);
  BOOST_TEST(find(findings, "mx.no_reachable") == nullptr);
}

BOOST_AUTO_TEST_CASE(bogus_host_data_is_never_used_and_reported_once) {
  auto bogus = host("mx.example.test", {});
  bogus.bogus = "signature expired";
  bogus.failure = "its address records fail DNSSEC validation (signature expired)";
  const auto findings = evaluateDns(kDomain, withHosts({{10, bogus}}), publicOptions());
  BOOST_TEST(countOf(findings, "dnssec.bogus") == 1U);
  BOOST_TEST(countOf(findings, "mx.unresolvable") == 0U);
  BOOST_TEST(find(findings, "mx.no_reachable") != nullptr);
}

BOOST_AUTO_TEST_CASE(bogus_nxdomain_is_a_dnssec_failure_not_a_missing_domain) {
  MxFacts facts;
  facts.nxdomain = true;
  facts.mxBogus = "no signatures";
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(find(findings, "dnssec.bogus") != nullptr);
  BOOST_TEST(find(findings, "domain.nxdomain") == nullptr);
}

BOOST_AUTO_TEST_CASE(an_unresolvable_backup_is_no_shared_address) {
  const auto facts = withHosts({{10, host("a.example.test", {"93.184.216.34"})}, {20, host("b.example.test", {})}});
  BOOST_TEST(find(evaluateDns(kDomain, facts, publicOptions()), "mx.single_address") == nullptr);
}

BOOST_AUTO_TEST_CASE(two_names_for_one_dual_stack_server_share_their_addresses) {
  const auto facts = withHosts({{10, host("a.example.test", {"93.184.216.34", "2606:2800:220:1::1"})},
                                {20, host("b.example.test", {"93.184.216.34", "2606:2800:220:1::1"})}});
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  const Finding* shared = find(findings, "mx.single_address");
  BOOST_REQUIRE(shared != nullptr);
  BOOST_TEST(shared->message.find("93.184.216.34, 2606:2800:220:1::1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(undecodable_records_are_reported_instead_of_no_mx) {
  MxFacts facts;
  facts.recordsMalformed = 2;
  const auto findings = evaluateDns(kDomain, facts, publicOptions());
  BOOST_TEST(find(findings, "mx.malformed") != nullptr);
  BOOST_TEST(find(findings, "mx.none") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_host_name_outside_ldh_is_flagged) {
  auto odd = host("_mx.example.test", {"93.184.216.34", "2606:2800:220:1::1"});
  odd.validName = false;
  BOOST_TEST(find(evaluateDns(kDomain, withHosts({{10, odd}}), publicOptions()), "mx.invalid_name") != nullptr);
}

BOOST_AUTO_TEST_CASE(domain_wide_findings_name_no_host) {
  MxFacts none;
  BOOST_TEST(!find(evaluateDns(kDomain, none, publicOptions()), "mx.none")->host.has_value());
  MxFacts missing;
  missing.nxdomain = true;
  BOOST_TEST(!find(evaluateDns(kDomain, missing, publicOptions()), "domain.nxdomain")->host.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

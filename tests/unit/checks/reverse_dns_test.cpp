#define BOOST_TEST_MODULE checks_reverse_dns
#include "checks/reputation/reverse_dns.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "../dns/fake_dns_server.h"
#include "dns/wire.h"
#include "finding_helpers.h"

using mxh::Errc;
using mxh::Error;
using mxh::Result;
using mxh::checks::checkReverseDns;
using mxh::checks::confirmPtr;
using mxh::checks::Finding;
using mxh::checks::ptrFindings;
using mxh::checks::PtrReport;
using mxh::checks::PtrStatus;
using mxh::checks::PtrTarget;
using mxh::checks::readPtrAnswer;
using mxh::checks::Severity;
using mxh::dns::Answer;
using mxh::dns::DnssecState;
using mxh::dns::IpAddress;
using mxh::dns::Outcome;
using mxh::dns::reverseName;
using mxh::testing::find;
using mxh::testing::TableDnsServer;

namespace {

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

// A wire-format name: "mx1.example.test" -> 3 'mx1' 7 'example' 4 'test' 0.
std::vector<std::uint8_t> wireName(const std::string& name) {
  std::vector<std::uint8_t> wire;
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    wire.push_back(static_cast<std::uint8_t>(dot - start));
    wire.insert(wire.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  wire.push_back(0);
  return wire;
}

std::vector<std::uint8_t> addressBytes(const IpAddress& address) {
  const auto bytes = address.bytes();
  return {bytes.begin(), bytes.end()};
}

Result<Answer> ptrAnswer(std::initializer_list<const char*> names, DnssecState dnssec = DnssecState::insecure) {
  Answer answer;
  answer.outcome = Outcome::data;
  answer.dnssec = dnssec;
  for (const char* name : names) answer.rdata.push_back(wireName(name));
  return answer;
}

Result<Answer> negative(Outcome outcome) {
  Answer answer;
  answer.outcome = outcome;
  return answer;
}

Result<Answer> addresses(std::initializer_list<const char*> ips) {
  Answer answer;
  answer.outcome = Outcome::data;
  for (const char* text : ips) answer.rdata.push_back(addressBytes(ip(text)));
  return answer;
}

Result<Answer> timeout() {
  return Error{Errc::dns_timeout, "no answer for x.test A in time"};
}

// readPtrAnswer, then confirmPtr with one forward answer per kept name (in order).
PtrReport judge(const Result<Answer>& ptr, const char* address, const std::vector<std::string>& accepted,
                std::vector<std::optional<Result<Answer>>> forward) {
  PtrReport report = readPtrAnswer(ptr, accepted);
  confirmPtr(report, ip(address), accepted, forward);
  return report;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reverse_dns_test)

BOOST_AUTO_TEST_CASE(no_ptr_is_none) {
  for (const Outcome outcome : {Outcome::nxdomain, Outcome::nodata}) {
    const PtrReport report = judge(negative(outcome), "198.51.100.134", {"mx4.ptr.test"}, {});
    BOOST_TEST(ptrStatusName(report.status) == "none");
    BOOST_TEST(report.names.empty());
    BOOST_TEST(!report.forwardConfirmed.has_value());
    BOOST_TEST(!report.matchesMx.has_value());
    BOOST_TEST(!report.error.has_value());
  }
}

BOOST_AUTO_TEST_CASE(a_failed_ptr_lookup_is_unknown_with_the_reason) {
  const PtrReport report = judge(timeout(), "198.51.100.1", {"mx.test"}, {});
  BOOST_TEST(ptrStatusName(report.status) == "unknown");
  BOOST_REQUIRE(report.error.has_value());
  BOOST_TEST(report.error->find("in time") != std::string::npos);
  BOOST_TEST(ptrStatusName(judge(Error{Errc::dns_servfail, "SERVFAIL"}, "198.51.100.1", {}, {}).status) == "unknown");
}

BOOST_AUTO_TEST_CASE(a_bogus_ptr_answer_is_not_used) {
  Result<Answer> bogus = ptrAnswer({"mx.test"}, DnssecState::bogus);
  bogus->whyBogus = "signature expired";
  const PtrReport report = judge(bogus, "198.51.100.1", {"mx.test"}, {addresses({"198.51.100.1"})});
  BOOST_TEST(ptrStatusName(report.status) == "unknown");
  BOOST_TEST(report.names.empty());
  BOOST_TEST(report.error->find("signature expired") != std::string::npos);
  BOOST_TEST(mxh::dns::dnssecStateName(report.dnssec) == "bogus");
}

BOOST_AUTO_TEST_CASE(confirmed_ptr_naming_the_mx_host_is_ok) {
  const PtrReport report =
      judge(ptrAnswer({"MX1.PTR.test."}), "198.51.100.131", {"mx1.ptr.test"}, {addresses({"198.51.100.131"})});
  BOOST_TEST(ptrStatusName(report.status) == "ok");
  BOOST_TEST(report.names == std::vector<std::string>{"mx1.ptr.test"}, boost::test_tools::per_element());
  BOOST_TEST(report.forwardConfirmed.value());
  BOOST_TEST(report.matchesMx.value());
  BOOST_TEST(mxh::dns::dnssecStateName(report.dnssec) == "insecure");
  BOOST_TEST(ptrFindings("mx1.ptr.test", "198.51.100.131", report).empty());
}

BOOST_AUTO_TEST_CASE(the_cname_target_of_the_mx_host_counts_as_its_name) {
  const PtrReport report = judge(ptrAnswer({"real.example.test"}), "198.51.100.7",
                                 {"mx.example.test", "real.example.test"}, {addresses({"198.51.100.7"})});
  BOOST_TEST(ptrStatusName(report.status) == "ok");
}

BOOST_AUTO_TEST_CASE(a_confirmed_other_name_is_a_mismatch) {
  const PtrReport report = judge(ptrAnswer({"other.ptr.test"}), "198.51.100.132", {"mx2.ptr.test"},
                                 {addresses({"198.51.100.1", "198.51.100.132"})});
  BOOST_TEST(ptrStatusName(report.status) == "mismatch");
  BOOST_TEST(report.forwardConfirmed.value());
  BOOST_TEST(!report.matchesMx.value());
  const auto findings = ptrFindings("mx2.ptr.test", "198.51.100.132", report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "ptr.mismatch");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::warning));
  BOOST_TEST(findings[0].message.find("other.ptr.test") != std::string::npos);
  BOOST_TEST(findings[0].message.find("sent from this server") != std::string::npos);
  BOOST_TEST(findings[0].host.value() == "mx2.ptr.test");
  BOOST_TEST(findings[0].ip.value() == "198.51.100.132");
}

BOOST_AUTO_TEST_CASE(a_name_that_does_not_resolve_back_is_unconfirmed) {
  for (const auto& forward : {negative(Outcome::nxdomain), negative(Outcome::nodata), addresses({"198.51.100.1"})}) {
    const PtrReport report = judge(ptrAnswer({"ghost.ptr.test"}), "198.51.100.133", {"mx3.ptr.test"}, {forward});
    BOOST_TEST(ptrStatusName(report.status) == "unconfirmed");
    BOOST_TEST(!report.forwardConfirmed.value());
    BOOST_TEST(!report.matchesMx.value());
  }
  // Even the MX host's own name: it must resolve back to the address.
  const PtrReport own =
      judge(ptrAnswer({"mx3.ptr.test"}), "198.51.100.133", {"mx3.ptr.test"}, {negative(Outcome::nxdomain)});
  BOOST_TEST(ptrStatusName(own.status) == "unconfirmed");
  BOOST_TEST(own.matchesMx.value());
  const auto findings = ptrFindings("mx3.ptr.test", "198.51.100.133", own);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "ptr.unconfirmed");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::warning));
}

BOOST_AUTO_TEST_CASE(a_failed_forward_lookup_is_unknown_never_unconfirmed) {
  const PtrReport report = judge(ptrAnswer({"mx.test"}), "198.51.100.1", {"mx.test"}, {timeout()});
  BOOST_TEST(ptrStatusName(report.status) == "unknown");
  BOOST_TEST(!report.forwardConfirmed.has_value());
  BOOST_TEST(report.error->find("mx.test could not be looked up") != std::string::npos);
  const auto findings = ptrFindings("mx.test", "198.51.100.1", report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "ptr.unknown");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::info));

  // A confirmed other name is no mismatch while the MX host's own name is undecided.
  const PtrReport undecided = judge(ptrAnswer({"other.test", "mx.test"}), "198.51.100.1", {"mx.test"},
                                    {timeout(), addresses({"198.51.100.1"})});
  BOOST_TEST(undecided.names.front() == "mx.test");  // the MX host's name goes first
  BOOST_TEST(ptrStatusName(undecided.status) == "unknown");
  // The other way round: the MX host's name confirms, so the status is settled.
  const PtrReport settled = judge(ptrAnswer({"other.test", "mx.test"}), "198.51.100.1", {"mx.test"},
                                  {addresses({"198.51.100.1"}), timeout()});
  BOOST_TEST(ptrStatusName(settled.status) == "ok");
}

BOOST_AUTO_TEST_CASE(a_bogus_forward_answer_does_not_confirm) {
  Result<Answer> bogus = addresses({"198.51.100.1"});
  bogus->dnssec = DnssecState::bogus;
  bogus->whyBogus = "no signatures";
  const PtrReport report = judge(ptrAnswer({"mx.test"}), "198.51.100.1", {"mx.test"}, {bogus});
  BOOST_TEST(ptrStatusName(report.status) == "unknown");
  BOOST_TEST(report.error->find("no signatures") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_that_are_no_host_names_never_confirm) {
  Answer answer;
  answer.outcome = Outcome::data;
  answer.rdata.push_back({3, 'a', ' ', 'b', 4, 't', 'e', 's', 't', 0});
  const PtrReport report = judge(answer, "198.51.100.1", {"mx.test"}, {std::nullopt});
  BOOST_TEST(ptrStatusName(report.status) == "unconfirmed");
  BOOST_TEST(report.names.front() == "a\\032b.test");
}

BOOST_AUTO_TEST_CASE(ipv6_addresses_confirm_with_aaaa) {
  const PtrReport report =
      judge(ptrAnswer({"mx1.smtp.test"}), "2001:db8:25::25", {"mx1.smtp.test"}, {addresses({"2001:db8:25::25"})});
  BOOST_TEST(ptrStatusName(report.status) == "ok");
}

BOOST_AUTO_TEST_CASE(names_are_deduplicated_sorted_and_capped) {
  const PtrReport report =
      readPtrAnswer(ptrAnswer({"z.test", "b.test", "B.TEST", "mx.test", "c.test", "d.test", "a.test"}), {"mx.test"});
  BOOST_TEST(report.names == (std::vector<std::string>{"mx.test", "a.test", "b.test", "c.test"}),
             boost::test_tools::per_element());
  BOOST_TEST(report.matchesMx.value());
}

BOOST_AUTO_TEST_CASE(a_malformed_ptr_record_is_unknown) {
  Answer answer;
  answer.outcome = Outcome::data;
  answer.rdata.push_back({0xc0, 0x0c});
  const PtrReport report = readPtrAnswer(answer, {"mx.test"});
  BOOST_TEST(ptrStatusName(report.status) == "unknown");
  BOOST_TEST(report.error.value() == "the PTR record is malformed");
}

BOOST_AUTO_TEST_CASE(hostile_names_are_escaped) {
  Answer answer;
  answer.outcome = Outcome::data;
  answer.rdata.push_back({4, 'm', 0x1b, '[', 'x', 4, 't', 'e', 's', 't', 0});
  const PtrReport report = readPtrAnswer(answer, {});
  BOOST_REQUIRE(report.names.size() == 1U);
  BOOST_TEST(report.names[0] == "m\\027\\091x.test");
}

BOOST_AUTO_TEST_CASE(none_finding_explains_why_it_matters) {
  const PtrReport report = judge(negative(Outcome::nxdomain), "198.51.100.134", {"mx4.ptr.test"}, {});
  const auto findings = ptrFindings("mx4.ptr.test", "198.51.100.134", report);
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "ptr.none");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::warning));
  BOOST_TEST(findings[0].message.find("Receiving servers check the reverse DNS") != std::string::npos);
  BOOST_TEST(findings[0].reference.value() == "RFC 1912 §2.1");
}

BOOST_AUTO_TEST_CASE(json_has_every_member) {
  const PtrReport report =
      judge(ptrAnswer({"other.ptr.test"}), "198.51.100.132", {"mx2.ptr.test"}, {addresses({"198.51.100.132"})});
  const auto json = mxh::checks::toJson(report);
  BOOST_TEST(json.dump() ==
             R"({"status":"mismatch","names":["other.ptr.test"],"forward_confirmed":true,"matches_mx":false,)"
             R"("error":null,"dnssec":"insecure"})");
  const auto none = mxh::checks::toJson(judge(negative(Outcome::nxdomain), "198.51.100.1", {}, {}));
  BOOST_TEST(none.dump() == R"({"status":"none","names":[],"forward_confirmed":null,"matches_mx":null,"error":null,)"
                            R"("dnssec":"unvalidated"})");
}

BOOST_AUTO_TEST_CASE(batch_against_a_table_dns_server) {
  using Record = TableDnsServer::Record;
  const auto ptr = [](const char* name) { return Record{12, wireName(name)}; };
  const auto a = [](const char* text) { return Record{1, addressBytes(ip(text))}; };
  const auto aaaa = [](const char* text) { return Record{28, addressBytes(ip(text))}; };
  TableDnsServer server(
      {
          {reverseName(ip("198.51.100.131")), ptr("mx1.ptr.test")},
          {"mx1.ptr.test", a("198.51.100.131")},
          {reverseName(ip("198.51.100.132")), ptr("other.ptr.test")},
          {"other.ptr.test", a("198.51.100.132")},
          {reverseName(ip("198.51.100.133")), ptr("ghost.ptr.test")},
          {reverseName(ip("2001:db8:25::25")), ptr("mx1.smtp.test")},
          {"mx1.smtp.test", aaaa("2001:db8:25::25")},
          {reverseName(ip("198.51.100.136")), ptr("slow.ptr.test")},
      },
      {reverseName(ip("198.51.100.135")), "slow.ptr.test"});
  auto resolver = mxh::dns::Resolver::create(server.config());
  BOOST_REQUIRE(resolver.ok());

  const std::vector<PtrTarget> targets = {
      {ip("198.51.100.131"), "mx1.ptr.test", std::nullopt},
      {ip("198.51.100.132"), "mx2.ptr.test", std::nullopt},
      {ip("198.51.100.133"), "mx3.ptr.test", std::nullopt},
      {ip("198.51.100.134"), "mx4.ptr.test", std::nullopt},
      {ip("198.51.100.135"), "mx5.ptr.test", std::nullopt},
      {ip("198.51.100.136"), "mx6.ptr.test", std::nullopt},
      {ip("2001:db8:25::25"), "mx1.smtp.test", std::nullopt},
      // The same address again for another MX host: looked up once, and either name matches.
      {ip("198.51.100.132"), "other.ptr.test", std::nullopt},
  };
  const auto reports =
      checkReverseDns(*resolver, targets, mxh::Deadline::after(std::chrono::seconds(10)), mxh::CancelToken());
  BOOST_REQUIRE(reports.size() == 7U);
  BOOST_TEST(ptrStatusName(reports.at("198.51.100.131").status) == "ok");
  BOOST_TEST(ptrStatusName(reports.at("198.51.100.132").status) == "ok");
  BOOST_TEST(ptrStatusName(reports.at("198.51.100.133").status) == "unconfirmed");
  BOOST_TEST(ptrStatusName(reports.at("198.51.100.134").status) == "none");
  BOOST_TEST(ptrStatusName(reports.at("198.51.100.135").status) == "unknown");  // PTR timed out
  BOOST_TEST(ptrStatusName(reports.at("198.51.100.136").status) == "unknown");  // forward lookup timed out
  BOOST_TEST(ptrStatusName(reports.at("2001:db8:25::25").status) == "ok");
  BOOST_TEST(find(ptrFindings("mx3.ptr.test", "198.51.100.133", reports.at("198.51.100.133")), "ptr.unconfirmed"));
}

BOOST_AUTO_TEST_SUITE_END()

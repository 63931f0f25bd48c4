#define BOOST_TEST_MODULE checks_dnsbl
#include "checks/reputation/dnsbl.h"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "../dns/fake_dns_server.h"
#include "checks/options/option_table.h"
#include "core/limits.h"

using mxh::Errc;
using mxh::Error;
using mxh::Result;
using mxh::checks::BlocklistDef;
using mxh::checks::blocklistQueryName;
using mxh::checks::BlocklistResult;
using mxh::checks::blocklistStatusName;
using mxh::checks::Finding;
using mxh::checks::interpretBlocklistAnswer;
using mxh::checks::selectBlocklists;
using mxh::checks::Severity;
using mxh::dns::Answer;
using mxh::dns::DnssecState;
using mxh::dns::IpAddress;
using mxh::dns::Outcome;
using mxh::testing::TableDnsServer;

namespace {

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

std::vector<std::uint8_t> addressBytes(const IpAddress& address) {
  const auto bytes = address.bytes();
  return {bytes.begin(), bytes.end()};
}

// One list by zone, as selectBlocklists makes it.
BlocklistDef list(const std::string& zone, const std::optional<std::string>& dqsKey = std::nullopt) {
  auto lists = selectBlocklists({zone}, true, dqsKey);
  BOOST_REQUIRE(lists.ok());
  BOOST_REQUIRE(lists->size() == 1U);
  return lists->front();
}

Result<Answer> codes(std::initializer_list<const char*> addresses) {
  Answer answer;
  answer.outcome = Outcome::data;
  for (const char* text : addresses) answer.rdata.push_back(addressBytes(ip(text)));
  return answer;
}

Result<Answer> negative(Outcome outcome) {
  Answer answer;
  answer.outcome = outcome;
  return answer;
}

std::string status(const BlocklistResult& result) {
  return std::string(blocklistStatusName(result.status));
}

bool contains(const std::optional<std::string>& text, const std::string& part) {
  return text && text->find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dnsbl_test)

BOOST_AUTO_TEST_CASE(query_names_for_ipv4_ipv6_and_hosts) {
  BOOST_TEST(blocklistQueryName(ip("198.51.100.141"), "zen.spamhaus.org") == "141.100.51.198.zen.spamhaus.org");
  BOOST_TEST(blocklistQueryName(ip("127.0.0.2"), "bl.spamcop.net") == "2.0.0.127.bl.spamcop.net");
  // RFC 5782 §2.4: 32 nibbles, least significant first (the example of Spamhaus's DQS documentation).
  BOOST_TEST(blocklistQueryName(ip("2001:db8:7ca6:22::45"), "KEY.sbl.dq.spamhaus.net") ==
             "5.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.2.0.0.6.a.c.7.8.b.d.0.1.0.0.2.KEY.sbl.dq.spamhaus.net");
  BOOST_TEST(blocklistQueryName(ip("2001:db8:141::141"), "zen.dnsbl.test") ==
             "1.4.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.4.1.0.8.b.d.0.1.0.0.2.zen.dnsbl.test");
  BOOST_TEST(blocklistQueryName("MX.Listed.Test.", "dbl.spamhaus.org") == "mx.listed.test.dbl.spamhaus.org");
}

BOOST_AUTO_TEST_CASE(the_default_set) {
  const auto zones = mxh::checks::defaultBlocklistZones();
  BOOST_TEST(zones == (std::vector<std::string>{"zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org",
                                                "psbl.surriel.com", "bl.mailspike.net", "dnsbl-1.uceprotect.net",
                                                "dnsbl.dronebl.org", "dbl.spamhaus.org"}),
             boost::test_tools::per_element());
  const auto lists = selectBlocklists({"ignored.example"}, false, std::nullopt);
  BOOST_REQUIRE(lists.ok());
  BOOST_REQUIRE(lists->size() == zones.size());
  for (std::size_t i = 0; i < zones.size(); ++i) {
    BOOST_TEST((*lists)[i].zone == zones[i]);
    BOOST_TEST((*lists)[i].queryZone == zones[i]);
    BOOST_TEST(!(*lists)[i].codes.empty());
  }
  BOOST_TEST((*lists)[0].name == "Spamhaus ZEN");
  BOOST_TEST((*lists)[0].ipv6);
  BOOST_TEST((*lists)[6].ipv6);   // DroneBL
  BOOST_TEST(!(*lists)[1].ipv6);  // SpamCop
  BOOST_TEST(static_cast<int>((*lists)[7].kind) == static_cast<int>(mxh::checks::BlocklistKind::domain));
  BOOST_TEST((*lists)[2].note.has_value());  // Barracuda wants registered resolvers
}

BOOST_AUTO_TEST_CASE(none_asks_nothing) {
  BOOST_TEST(selectBlocklists({}, true, std::nullopt)->empty());
  BOOST_TEST(selectBlocklists({"none"}, true, std::nullopt)->empty());
  BOOST_TEST(selectBlocklists({"NONE"}, true, std::nullopt)->empty());
  const auto mixed = selectBlocklists({"none", "bl.spamcop.net"}, true, std::nullopt);
  BOOST_REQUIRE(!mixed.ok());
  BOOST_TEST(static_cast<int>(mixed.error().code) == static_cast<int>(Errc::usage));
}

BOOST_AUTO_TEST_CASE(zones_and_names_are_normalized_and_deduplicated) {
  const auto lists = selectBlocklists({"ZEN.Spamhaus.org.", "zen.spamhaus.org", "spamcop", "Spamhaus DBL", "PSBL"},
                                      true, std::nullopt);
  BOOST_REQUIRE(lists.ok());
  std::vector<std::string> zones;
  for (const BlocklistDef& def : *lists) zones.push_back(def.zone);
  // Built-in lists may be named by their names, in any case.
  BOOST_TEST(
      zones == (std::vector<std::string>{"zen.spamhaus.org", "bl.spamcop.net", "dbl.spamhaus.org", "psbl.surriel.com"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_zones_are_generic_ipv4_lists) {
  const BlocklistDef generic = list("rbl.example.net");
  BOOST_TEST(generic.name == "rbl.example.net");
  BOOST_TEST(generic.queryZone == "rbl.example.net");
  BOOST_TEST(!generic.ipv6);
  BOOST_TEST(!generic.spamhaus);
  const auto listed = interpretBlocklistAnswer(generic, codes({"127.0.0.2"}));
  BOOST_TEST(status(listed) == "listed");
  BOOST_TEST(listed.meanings == std::vector<std::string>{"listed"}, boost::test_tools::per_element());
  // Spamhaus's error range means nothing special to another list.
  BOOST_TEST(status(interpretBlocklistAnswer(generic, codes({"127.255.255.254"}))) == "listed");
}

BOOST_AUTO_TEST_CASE(bad_entries_are_usage_errors) {
  for (const char* bad :
       {"", "nodot", "bad zone.example", ".example", "a..b", "zone.example/x", "zone.example..", "none.example,x"}) {
    const auto lists = selectBlocklists({bad}, true, std::nullopt);
    BOOST_TEST(!lists.ok(), bad);
    if (!lists.ok()) BOOST_TEST(static_cast<int>(lists.error().code) == static_cast<int>(Errc::usage));
  }
  std::vector<std::string> many;
  for (int i = 0; i <= 32; ++i) many.push_back("list" + std::to_string(i) + ".example");
  BOOST_TEST(!selectBlocklists(many, true, std::nullopt).ok());
  many.pop_back();
  BOOST_TEST(selectBlocklists(many, true, std::nullopt)->size() == 32U);
}

BOOST_AUTO_TEST_CASE(dqs_moves_spamhaus_lists_only) {
  const auto lists = selectBlocklists({"zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net", "zen.dnsbl.test"},
                                      true, std::string("abc123KEY"));
  BOOST_REQUIRE(lists.ok());
  BOOST_TEST((*lists)[0].queryZone == "abc123KEY.zen.dq.spamhaus.net");
  BOOST_TEST((*lists)[0].zone == "zen.spamhaus.org");
  BOOST_TEST((*lists)[0].dqs);
  BOOST_TEST((*lists)[1].queryZone == "abc123KEY.dbl.dq.spamhaus.net");
  BOOST_TEST((*lists)[2].queryZone == "bl.spamcop.net");
  BOOST_TEST(!(*lists)[2].dqs);
  BOOST_TEST((*lists)[3].queryZone == "zen.dnsbl.test");  // the test stand-in is asked as named
  // A key becomes part of a query name: the option table refuses anything but letters and digits
  // before a check can reach selectBlocklists.
  for (const char* bad : {"", "key.with.dots", "key with space", "k-e-y"}) {
    const auto validated = mxh::checks::validateCheckOptions({{"dqs_key", bad}}, mxh::checks::OptionNaming::request);
    BOOST_TEST(validated.problems.size() == 1u, bad);
  }
}

BOOST_AUTO_TEST_CASE(the_dqs_key_never_reaches_results_findings_or_json) {
  const BlocklistDef zen = list("zen.spamhaus.org", std::string("SECRETKEY1"));
  std::vector<Result<Answer>> answers = {codes({"127.0.0.2"}),
                                         codes({"127.255.255.254"}),
                                         codes({"127.255.255.250"}),
                                         negative(Outcome::nxdomain),
                                         Error{Errc::dns_timeout, "no answer for 1.SECRETKEY1.zen.dq.spamhaus.net A"},
                                         Error{Errc::dns_servfail, "SERVFAIL for x.SECRETKEY1.zen.dq.spamhaus.net"}};
  std::vector<BlocklistResult> results;
  for (const auto& answer : answers) results.push_back(interpretBlocklistAnswer(zen, answer));
  std::string everything = mxh::checks::toJson(results).dump();
  for (const Finding& f : mxh::checks::blocklistFindings("mx.test", "198.51.100.1", results)) everything += f.message;
  BOOST_TEST(everything.find("SECRETKEY1") == std::string::npos);
  BOOST_TEST(everything.find("dq.spamhaus.net") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(test_aliases_read_answers_like_the_real_lists) {
  const BlocklistDef zen = list("zen.dnsbl.test");
  BOOST_TEST(zen.zone == "zen.dnsbl.test");
  BOOST_TEST(zen.spamhaus);
  BOOST_TEST(zen.ipv6);
  BOOST_TEST(zen.name.find("Spamhaus ZEN") != std::string::npos);
  const BlocklistDef dbl = list("dbl.dnsbl.test");
  BOOST_TEST(static_cast<int>(dbl.kind) == static_cast<int>(mxh::checks::BlocklistKind::domain));
  const BlocklistDef slow = list("slow.dnsbl.test");
  BOOST_TEST(!slow.spamhaus);
  BOOST_TEST(status(interpretBlocklistAnswer(slow, codes({"127.0.0.2"}))) == "listed");
}

BOOST_AUTO_TEST_CASE(not_listed_only_from_a_negative_answer) {
  const BlocklistDef zen = list("zen.spamhaus.org");
  for (const Outcome outcome : {Outcome::nxdomain, Outcome::nodata}) {
    const auto result = interpretBlocklistAnswer(zen, negative(outcome));
    BOOST_TEST(status(result) == "not_listed");
    BOOST_TEST(result.codes.empty());
    BOOST_TEST(!result.reason.has_value());
  }
}

BOOST_AUTO_TEST_CASE(lookup_errors_are_always_unknown) {
  const BlocklistDef zen = list("zen.spamhaus.org");
  for (const Errc code : {Errc::dns_timeout, Errc::dns_servfail, Errc::dns_refused, Errc::dns_rcode, Errc::dns_resolver,
                          Errc::cancelled, Errc::internal}) {
    const auto result = interpretBlocklistAnswer(zen, Error{code, "x"});
    BOOST_TEST(status(result) == "unknown");
    BOOST_TEST(contains(result.reason, "result unknown"));
  }
  BOOST_TEST(contains(interpretBlocklistAnswer(zen, Error{Errc::dns_timeout, ""}).reason, "did not answer in time"));
  BOOST_TEST(contains(interpretBlocklistAnswer(zen, Error{Errc::dns_servfail, ""}).reason, "SERVFAIL"));
  BOOST_TEST(contains(interpretBlocklistAnswer(zen, Error{Errc::dns_refused, ""}).reason, "refused"));
  // Barracuda's silence usually means an unregistered resolver: the reason says so.
  const auto barracuda = interpretBlocklistAnswer(list("b.barracudacentral.org"), Error{Errc::dns_timeout, ""});
  BOOST_TEST(contains(barracuda.reason, "did not answer in time; result unknown (Barracuda answers only resolvers"));
}

BOOST_AUTO_TEST_CASE(zen_codes_have_their_meanings) {
  const BlocklistDef zen = list("zen.spamhaus.org");
  const std::vector<std::pair<const char*, const char*>> expected = {{"127.0.0.2", "SBL:"},
                                                                     {"127.0.0.3", "SBL CSS:"},
                                                                     {"127.0.0.4", "XBL:"},
                                                                     {"127.0.0.5", "XBL:"},
                                                                     {"127.0.0.6", "XBL:"},
                                                                     {"127.0.0.7", "XBL:"},
                                                                     {"127.0.0.9", "SBL DROP:"},
                                                                     {"127.0.0.10", "PBL (set by the ISP)"},
                                                                     {"127.0.0.11", "PBL (set by Spamhaus)"},
                                                                     {"127.0.0.30", "BCL:"}};
  for (const auto& [code, meaning] : expected) {
    const auto result = interpretBlocklistAnswer(zen, codes({code}));
    BOOST_TEST(status(result) == "listed", code);
    BOOST_TEST(result.codes == std::vector<std::string>{code}, boost::test_tools::per_element());
    BOOST_REQUIRE(result.meanings.size() == 1U);
    BOOST_TEST(result.meanings[0].starts_with(meaning), code);
  }
}

BOOST_AUTO_TEST_CASE(pbl_only_listings_are_policy_listings) {
  const BlocklistDef zen = list("zen.spamhaus.org");
  const auto pbl = interpretBlocklistAnswer(zen, codes({"127.0.0.11", "127.0.0.10"}));
  BOOST_TEST(status(pbl) == "listed");
  BOOST_TEST(pbl.policyOnly);
  BOOST_TEST(pbl.codes == (std::vector<std::string>{"127.0.0.10", "127.0.0.11"}), boost::test_tools::per_element());
  const auto findings = mxh::checks::blocklistFindings("mx2.bl.test", "198.51.100.142", {pbl});
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dnsbl.listed");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::warning));
  BOOST_TEST(findings[0].message.find("dynamic or end-user address range") != std::string::npos);

  // XBL and PBL together: a real listing.
  const auto both = interpretBlocklistAnswer(zen, codes({"127.0.0.4", "127.0.0.10"}));
  BOOST_TEST(status(both) == "listed");
  BOOST_TEST(!both.policyOnly);
  BOOST_TEST(both.meanings.size() == 2U);
  const auto bothFindings = mxh::checks::blocklistFindings("mx2.bl.test", "198.51.100.142", {both});
  BOOST_REQUIRE(bothFindings.size() == 1U);
  BOOST_TEST(static_cast<int>(bothFindings[0].severity) == static_cast<int>(Severity::error));
  BOOST_TEST(bothFindings[0].message.find("XBL") != std::string::npos);
  BOOST_TEST(bothFindings[0].reference.value() == "RFC 5782");
}

BOOST_AUTO_TEST_CASE(spamhaus_refusals_are_unknown_with_the_dqs_hint) {
  const BlocklistDef zen = list("zen.spamhaus.org");
  const auto publicResolver = interpretBlocklistAnswer(zen, codes({"127.255.255.254"}));
  BOOST_TEST(status(publicResolver) == "unknown");
  BOOST_TEST(contains(publicResolver.reason, "this blocklist refused to answer through your resolver; result unknown"));
  BOOST_TEST(contains(publicResolver.reason, "use a Spamhaus DQS key"));
  BOOST_TEST(publicResolver.dqsHint);
  BOOST_TEST(publicResolver.codes == std::vector<std::string>{"127.255.255.254"}, boost::test_tools::per_element());
  BOOST_TEST(publicResolver.meanings.empty());

  const auto tooMany = interpretBlocklistAnswer(zen, codes({"127.255.255.255"}));
  BOOST_TEST(status(tooMany) == "unknown");
  BOOST_TEST(contains(tooMany.reason, "too many queries"));
  BOOST_TEST(tooMany.dqsHint);

  const auto typo = interpretBlocklistAnswer(zen, codes({"127.255.255.252"}));
  BOOST_TEST(status(typo) == "unknown");
  BOOST_TEST(contains(typo.reason, "mistyped"));
  BOOST_TEST(!typo.dqsHint);

  // The whole 127.255.255.0/24 is Spamhaus's error range, documented or not.
  const auto other = interpretBlocklistAnswer(zen, codes({"127.255.255.250"}));
  BOOST_TEST(status(other) == "unknown");
  // Mixed with a listing code, an error code still makes the answer unusable.
  BOOST_TEST(status(interpretBlocklistAnswer(zen, codes({"127.0.0.2", "127.255.255.254"}))) == "unknown");

  const auto findings = mxh::checks::blocklistFindings("mx3.bl.test", "198.51.100.143", {publicResolver});
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dnsbl.unknown");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::info));
  BOOST_TEST(findings[0].message.find("DQS key") != std::string::npos);
  BOOST_TEST(findings[0].ip.value() == "198.51.100.143");
}

BOOST_AUTO_TEST_CASE(refusals_through_dqs_point_at_the_key) {
  const BlocklistDef zen = list("zen.spamhaus.org", std::string("KEY"));
  const auto result = interpretBlocklistAnswer(zen, codes({"127.255.255.254"}));
  BOOST_TEST(status(result) == "unknown");
  BOOST_TEST(contains(result.reason, "is the DQS key valid?"));
  BOOST_TEST(!result.dqsHint);
}

BOOST_AUTO_TEST_CASE(rewritten_answers_are_unknown) {
  for (const char* zone : {"zen.spamhaus.org", "bl.spamcop.net", "rbl.example.net"}) {
    const auto result = interpretBlocklistAnswer(list(zone), codes({"10.0.0.1"}));
    BOOST_TEST(status(result) == "unknown", zone);
    BOOST_TEST(contains(result.reason, "your resolver rewrote the answer (10.0.0.1"), zone);
    BOOST_TEST(result.codes == std::vector<std::string>{"10.0.0.1"}, boost::test_tools::per_element());
  }
  BOOST_TEST(status(interpretBlocklistAnswer(list("zen.spamhaus.org"), codes({"127.0.0.2", "198.51.100.1"}))) ==
             "unknown");
}

BOOST_AUTO_TEST_CASE(loopback_127_0_0_1_is_not_a_listing) {
  for (const char* zone : {"zen.spamhaus.org", "dnsbl.dronebl.org", "rbl.example.net"}) {
    const auto result = interpretBlocklistAnswer(list(zone), codes({"127.0.0.1"}));
    BOOST_TEST(status(result) == "unknown", zone);
    BOOST_TEST(contains(result.reason, "127.0.0.1"), zone);
  }
}

BOOST_AUTO_TEST_CASE(undocumented_127_codes_are_listed_as_unknown_codes) {
  const auto result = interpretBlocklistAnswer(list("bl.spamcop.net"), codes({"127.0.0.99"}));
  BOOST_TEST(status(result) == "listed");
  BOOST_TEST(result.meanings == std::vector<std::string>{"unknown code 127.0.0.99"}, boost::test_tools::per_element());
  BOOST_TEST(!result.policyOnly);
}

BOOST_AUTO_TEST_CASE(other_lists_codes) {
  BOOST_TEST(interpretBlocklistAnswer(list("bl.spamcop.net"), codes({"127.0.0.2"})).meanings[0].find("SpamCop") !=
             std::string::npos);
  BOOST_TEST(status(interpretBlocklistAnswer(list("b.barracudacentral.org"), codes({"127.0.0.2"}))) == "listed");
  BOOST_TEST(status(interpretBlocklistAnswer(list("psbl.surriel.com"), codes({"127.0.0.2"}))) == "listed");
  BOOST_TEST(status(interpretBlocklistAnswer(list("dnsbl-1.uceprotect.net"), codes({"127.0.0.2"}))) == "listed");
  const auto mailspike = interpretBlocklistAnswer(list("bl.mailspike.net"), codes({"127.0.0.10"}));
  BOOST_TEST(mailspike.meanings[0].find("L5") != std::string::npos);
  const auto drone = interpretBlocklistAnswer(list("dnsbl.dronebl.org"), codes({"127.0.0.8"}));
  BOOST_TEST(drone.meanings[0] == "an open SOCKS proxy");
  // DroneBL's own numbers are no Spamhaus error codes.
  BOOST_TEST(status(interpretBlocklistAnswer(list("dnsbl.dronebl.org"), codes({"127.0.0.255"}))) == "listed");
}

BOOST_AUTO_TEST_CASE(dbl_codes) {
  const BlocklistDef dbl = list("dbl.spamhaus.org");
  const auto spam = interpretBlocklistAnswer(dbl, codes({"127.0.1.2"}));
  BOOST_TEST(status(spam) == "listed");
  BOOST_TEST(spam.meanings[0] == "a spam domain (low reputation)");
  BOOST_TEST(interpretBlocklistAnswer(dbl, codes({"127.0.1.104"})).meanings[0].find("phishing") != std::string::npos);
  const auto invalid = interpretBlocklistAnswer(dbl, codes({"127.0.1.255"}));
  BOOST_TEST(status(invalid) == "unknown");
  BOOST_TEST(contains(invalid.reason, "refused to answer"));
  BOOST_TEST(status(interpretBlocklistAnswer(dbl, codes({"127.255.255.254"}))) == "unknown");

  const auto findings = mxh::checks::domainBlocklistFindings("mx.listed.test", {spam});
  BOOST_REQUIRE(findings.size() == 1U);
  BOOST_TEST(findings[0].code == "dnsbl.domain_listed");
  BOOST_TEST(static_cast<int>(findings[0].severity) == static_cast<int>(Severity::error));
  BOOST_TEST(findings[0].host.value() == "mx.listed.test");
  BOOST_TEST(!findings[0].ip.has_value());
}

BOOST_AUTO_TEST_CASE(malformed_and_bogus_answers_are_unknown) {
  const BlocklistDef zen = list("zen.spamhaus.org");
  Answer sixteen;
  sixteen.outcome = Outcome::data;
  sixteen.rdata.push_back(std::vector<std::uint8_t>(16, 0));
  BOOST_TEST(status(interpretBlocklistAnswer(zen, sixteen)) == "unknown");
  Answer empty;
  empty.outcome = Outcome::data;
  BOOST_TEST(status(interpretBlocklistAnswer(zen, empty)) == "unknown");
  Result<Answer> bogus = codes({"127.0.0.2"});
  bogus->dnssec = DnssecState::bogus;
  BOOST_TEST(status(interpretBlocklistAnswer(zen, bogus)) == "unknown");
}

BOOST_AUTO_TEST_CASE(not_listed_gives_no_finding) {
  const auto result = interpretBlocklistAnswer(list("zen.spamhaus.org"), negative(Outcome::nxdomain));
  BOOST_TEST(mxh::checks::blocklistFindings("mx.test", "198.51.100.1", {result}).empty());
  BOOST_TEST(mxh::checks::domainBlocklistFindings("mx.test", {result}).empty());
}

BOOST_AUTO_TEST_CASE(json_shape) {
  const auto listed = interpretBlocklistAnswer(list("zen.spamhaus.org"), codes({"127.0.0.2"}));
  BOOST_TEST(mxh::checks::toJson(listed).dump() ==
             R"({"list":"Spamhaus ZEN","zone":"zen.spamhaus.org","status":"listed","codes":["127.0.0.2"],)"
             R"("meanings":["SBL: a known source of spam or a spam operation"],"reason":null})");
  const auto clean = interpretBlocklistAnswer(list("bl.spamcop.net"), negative(Outcome::nxdomain));
  BOOST_TEST(mxh::checks::toJson(std::vector<BlocklistResult>{clean}).dump() ==
             R"([{"list":"SpamCop","zone":"bl.spamcop.net","status":"not_listed","codes":[],"meanings":[],)"
             R"("reason":null}])");
}

BOOST_AUTO_TEST_CASE(config_text_is_parsed) {
  const auto zones = mxh::checks::parseBlocklistConfig(
      "# my lists\r\n\nZEN.spamhaus.org.   # the big one\r\n  bl.spamcop.net\n\tSpamhaus DBL\nzen.spamhaus.org\n",
      "lists.conf");
  BOOST_REQUIRE(zones.ok());
  BOOST_TEST(*zones == (std::vector<std::string>{"zen.spamhaus.org", "bl.spamcop.net", "dbl.spamhaus.org"}),
             boost::test_tools::per_element());
  BOOST_TEST(mxh::checks::parseBlocklistConfig("# nothing\n\n", "x")->empty());
  BOOST_TEST(*mxh::checks::parseBlocklistConfig("none\n", "x") == std::vector<std::string>{"none"},
             boost::test_tools::per_element());

  const auto bad = mxh::checks::parseBlocklistConfig("zen.spamhaus.org\nbl.spamcop.net, psbl.surriel.com\n", "x.conf");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(static_cast<int>(bad.error().code) == static_cast<int>(Errc::usage));
  BOOST_TEST(bad.error().message.find("line 2") != std::string::npos);
  BOOST_TEST(bad.error().message.find("x.conf") != std::string::npos);

  const std::string huge(mxh::limits::kMaxBlocklistConfigBytes + 1, '#');
  BOOST_TEST(!mxh::checks::parseBlocklistConfig(huge, "huge").ok());
  std::string many;
  for (int i = 0; i <= 32; ++i) many += "list" + std::to_string(i) + ".example\n";
  BOOST_TEST(!mxh::checks::parseBlocklistConfig(many, "many").ok());
}

BOOST_AUTO_TEST_CASE(config_files_are_read) {
  const std::string path = "/tmp/mxh-unit-blocklists-" + std::to_string(::getpid());
  std::ofstream(path) << "zen.dnsbl.test\nslow.dnsbl.test # times out\n";
  const auto zones = mxh::checks::readBlocklistConfig(path);
  ::unlink(path.c_str());
  BOOST_REQUIRE(zones.ok());
  BOOST_TEST(*zones == (std::vector<std::string>{"zen.dnsbl.test", "slow.dnsbl.test"}),
             boost::test_tools::per_element());
  const auto missing = mxh::checks::readBlocklistConfig("/nonexistent/blocklists.conf");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("/nonexistent/blocklists.conf") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(batch_against_a_table_dns_server) {
  using Record = TableDnsServer::Record;
  const auto a = [](const char* text) { return Record{1, addressBytes(ip(text))}; };
  TableDnsServer server(
      {
          {blocklistQueryName(ip("198.51.100.141"), "zen.dnsbl.test"), a("127.0.0.2")},
          {blocklistQueryName(ip("198.51.100.142"), "zen.dnsbl.test"), a("127.0.0.4")},
          {blocklistQueryName(ip("198.51.100.142"), "zen.dnsbl.test"), a("127.0.0.10")},
          {blocklistQueryName(ip("198.51.100.143"), "zen.dnsbl.test"), a("127.255.255.254")},
          {blocklistQueryName(ip("198.51.100.144"), "zen.dnsbl.test"), a("10.0.0.1")},
          {blocklistQueryName(ip("2001:db8:141::141"), "zen.dnsbl.test"), a("127.0.0.3")},
          {"mx.listed.test.dbl.dnsbl.test", a("127.0.1.2")},
      },
      {"slow.dnsbl.test"});
  auto resolver = mxh::dns::Resolver::create(server.config());
  BOOST_REQUIRE(resolver.ok());
  const auto lists = selectBlocklists({"zen.dnsbl.test", "slow.dnsbl.test", "dbl.dnsbl.test"}, true, std::nullopt);
  BOOST_REQUIRE(lists.ok());

  const std::vector<IpAddress> ips = {ip("198.51.100.141"), ip("198.51.100.142"), ip("198.51.100.143"),
                                      ip("198.51.100.144"), ip("198.51.100.146"), ip("2001:db8:141::141"),
                                      ip("198.51.100.141")};
  const auto started = std::chrono::steady_clock::now();
  const auto results = mxh::checks::checkBlocklists(*resolver, ips, {"mx.listed.test", "MX1.bl.test.", "."}, *lists,
                                                    mxh::Deadline::after(std::chrono::seconds(20)), mxh::CancelToken());
  // All at once: the silent list costs one query timeout, not one per address.
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));

  BOOST_REQUIRE(results.byIp.size() == 6U);
  const auto& first = results.byIp.at("198.51.100.141");
  BOOST_REQUIRE(first.size() == 2U);  // zen and slow; dbl is a domain list
  BOOST_TEST(status(first[0]) == "listed");
  BOOST_TEST(first[0].zone == "zen.dnsbl.test");
  BOOST_TEST(status(first[1]) == "unknown");
  BOOST_TEST(contains(first[1].reason, "did not answer in time"));
  BOOST_TEST(results.byIp.at("198.51.100.142")[0].codes.size() == 2U);
  BOOST_TEST(status(results.byIp.at("198.51.100.143")[0]) == "unknown");
  BOOST_TEST(status(results.byIp.at("198.51.100.144")[0]) == "unknown");
  BOOST_TEST(status(results.byIp.at("198.51.100.146")[0]) == "not_listed");
  // IPv6: only the list that answers IPv6 has an entry.
  const auto& v6 = results.byIp.at("2001:db8:141::141");
  BOOST_REQUIRE(v6.size() == 1U);
  BOOST_TEST(v6[0].meanings[0].starts_with("SBL CSS"));

  BOOST_REQUIRE(results.byHost.size() == 2U);  // "." is no host name
  BOOST_TEST(status(results.byHost.at("mx.listed.test")[0]) == "listed");
  BOOST_TEST(status(results.byHost.at("mx1.bl.test")[0]) == "not_listed");
}

BOOST_AUTO_TEST_CASE(no_lists_no_queries) {
  mxh::dns::ResolverConfig config;
  config.forwarders = {"127.0.0.1@9"};
  config.validate = false;
  auto resolver = mxh::dns::Resolver::create(config);
  BOOST_REQUIRE(resolver.ok());
  const auto results = mxh::checks::checkBlocklists(*resolver, {ip("198.51.100.1")}, {"mx.test"}, {},
                                                    mxh::Deadline::after(std::chrono::seconds(5)), mxh::CancelToken());
  BOOST_TEST(results.byIp.at("198.51.100.1").empty());
  BOOST_TEST(results.byHost.at("mx.test").empty());
}

BOOST_AUTO_TEST_SUITE_END()

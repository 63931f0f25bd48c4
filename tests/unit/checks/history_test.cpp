#define BOOST_TEST_MODULE checks_history
#include "checks/report/history.h"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/limits.h"

using mxh::checks::Change;
using mxh::checks::diffEntries;
using mxh::checks::HistoryEntry;
using mxh::checks::HistoryStore;
using mxh::checks::MxSummary;
using mxh::checks::PortSummary;

namespace {

HistoryEntry entry(const std::string& domain, const std::string& at) {
  HistoryEntry e;
  e.domain = domain;
  e.checkedAt = at;
  e.verdict = "healthy";
  e.smtpProbeEnabled = true;
  MxSummary mx{10, "mx1." + domain, {"198.51.100.10"}, {}};
  mx.ports[25] = PortSummary{"ok", "TLSv1.3", "2027-01-01T00:00:00Z", "CN=Test CA"};
  e.mx.push_back(mx);
  return e;
}

std::vector<std::string> kinds(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const Change& c : changes) out.push_back(c.kind);
  std::sort(out.begin(), out.end());
  return out;
}

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("mxh-history-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::remove_all(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(history_test)

BOOST_AUTO_TEST_CASE(entries_survive_a_round_trip) {
  auto e = entry("example.test", "2026-11-26T10:00:00.000Z");
  e.findings.push_back({"mx.single", "info", std::string("mx1.example.test"), std::nullopt});
  const auto back = mxh::checks::entryFromJsonLine(mxh::checks::entryToJsonLine(e));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->domain == "example.test");
  BOOST_TEST(back->mx.at(0).ports.at(25).status == "ok");
  BOOST_TEST(*back->mx.at(0).ports.at(25).certNotAfter == "2027-01-01T00:00:00Z");
  BOOST_TEST(back->findings.at(0).code == "mx.single");
  BOOST_TEST(!mxh::checks::entryFromJsonLine("{not json").has_value());
  BOOST_TEST(!mxh::checks::entryFromJsonLine(R"({"domain":"x"})").has_value());
}

BOOST_AUTO_TEST_CASE(no_change_is_no_change) {
  BOOST_TEST(diffEntries(entry("a.test", "t1"), entry("a.test", "t2")).empty());
}

BOOST_AUTO_TEST_CASE(each_kind_of_change_is_named) {
  const HistoryEntry before = entry("a.test", "t1");
  HistoryEntry after = entry("a.test", "t2");
  after.verdict = "broken";
  after.mx[0].ips.push_back("2001:db8::10");
  after.mx[0].ports[25] = PortSummary{"no_starttls", std::nullopt, std::nullopt, std::nullopt};
  after.mx.push_back(MxSummary{20, "mx2.a.test", {"203.0.113.5"}, {}});
  after.findings.push_back({"smtp.no_starttls", "error", std::string("mx1.a.test"), std::string("198.51.100.10")});
  const auto changes = diffEntries(before, after);
  BOOST_TEST(kinds(changes) == (std::vector<std::string>{"address.added", "finding.new", "mx.added",
                                                         "probe.status_changed", "verdict.changed"}),
             boost::test_tools::per_element());
  for (const Change& c : changes) {
    if (c.kind == "probe.status_changed") {
      BOOST_TEST(*c.port == 25);
      BOOST_TEST(c.message.find("ok to no_starttls") != std::string::npos);
    }
  }
  const auto back = diffEntries(after, before);
  BOOST_TEST(kinds(back) == (std::vector<std::string>{"address.removed", "finding.resolved", "mx.removed",
                                                      "probe.status_changed", "verdict.changed"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(certificate_renewal_and_issuer_change) {
  const HistoryEntry before = entry("a.test", "t1");
  HistoryEntry after = entry("a.test", "t2");
  after.mx[0].ports[25].certNotAfter = "2027-04-01T00:00:00Z";
  after.mx[0].ports[25].certIssuer = "CN=Other CA";
  after.mx[0].ports[25].tlsVersion = "TLSv1.2";
  BOOST_TEST(kinds(diffEntries(before, after)) ==
                 (std::vector<std::string>{"certificate.changed", "certificate.renewed", "tls.version_changed"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_dns_only_check_after_a_probed_one_compares_dns_facts_only) {
  HistoryEntry before = entry("a.test", "t1");
  before.verdict = "broken";
  before.findings.push_back({"smtp.no_starttls", "error", std::string("mx1.a.test"), std::nullopt});
  HistoryEntry after = entry("a.test", "t2");
  after.smtpProbeEnabled = false;
  after.mx[0].ports.clear();
  BOOST_TEST(diffEntries(before, after).empty());
}

BOOST_AUTO_TEST_CASE(a_host_listed_twice_keeps_its_priorities) {
  HistoryEntry before = entry("a.test", "t1");
  before.mx.push_back(before.mx[0]);
  before.mx[1].priority = 20;
  const HistoryEntry after = before;
  BOOST_TEST(diffEntries(before, after).empty());
  HistoryEntry moved = before;
  moved.mx[1].priority = 30;
  const auto changes = diffEntries(before, moved);
  BOOST_REQUIRE_EQUAL(changes.size(), 1U);
  BOOST_TEST(changes[0].message.find("from 10 and 20 to 10 and 30") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_line_cut_short_does_not_swallow_the_next_entry) {
  TempDir dir;
  HistoryStore store(dir.path / "history.jsonl");
  BOOST_REQUIRE(store.append(entry("a.test", "t1")).ok());
  std::ofstream(dir.path / "history.jsonl", std::ios::app) << R"({"domain":"a.test","checked_at":)";  // no newline
  BOOST_REQUIRE(store.append(entry("a.test", "t2")).ok());
  BOOST_TEST(store.entriesFor("a.test")->size() == 2U);
}

BOOST_AUTO_TEST_CASE(unprobed_ports_are_not_compared) {
  const HistoryEntry before = entry("a.test", "t1");
  HistoryEntry after = entry("a.test", "t2");
  after.mx[0].ports.clear();  // e.g. checked with --no-smtp this time
  BOOST_TEST(diffEntries(before, after).empty());
}

BOOST_AUTO_TEST_CASE(the_store_keeps_newest_first_and_skips_damaged_lines) {
  TempDir dir;
  HistoryStore store(dir.path / "mxhealth" / "history.jsonl");
  BOOST_TEST(store.entriesFor("a.test")->empty());
  BOOST_REQUIRE(store.append(entry("a.test", "t1")).ok());
  BOOST_REQUIRE(store.append(entry("b.test", "t2")).ok());
  std::ofstream(dir.path / "mxhealth" / "history.jsonl", std::ios::app) << "garbage line\n{\"half\":\n";
  BOOST_REQUIRE(store.append(entry("a.test", "t3")).ok());
  const auto entries = store.entriesFor("a.test");
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE_EQUAL(entries->size(), 2U);
  BOOST_TEST(entries->at(0).checkedAt == "t3");
  BOOST_TEST(entries->at(1).checkedAt == "t1");
}

BOOST_AUTO_TEST_CASE(the_history_is_the_users_only_whatever_the_umask) {
  // docs/security.md: which domains a person checked is for their eyes only.
  TempDir dir;
  const mode_t before = ::umask(022);
  HistoryStore store(dir.path / "mxhealth" / "history.jsonl");
  const auto modeOf = [](const std::filesystem::path& path) {
    return std::filesystem::status(path).permissions() & std::filesystem::perms::all;
  };
  using std::filesystem::perms;
  BOOST_REQUIRE(store.append(entry("a.test", "t1")).ok());
  BOOST_TEST((modeOf(dir.path / "mxhealth") == perms::owner_all));
  BOOST_TEST((modeOf(dir.path / "mxhealth" / "history.jsonl") == (perms::owner_read | perms::owner_write)));
  // A file left readable by an older version is made private on the next write; so is the
  // file a rewrite (clearing one domain) puts in its place.
  std::filesystem::permissions(dir.path / "mxhealth" / "history.jsonl",
                               perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
  BOOST_REQUIRE(store.append(entry("b.test", "t2")).ok());
  BOOST_TEST((modeOf(dir.path / "mxhealth" / "history.jsonl") == (perms::owner_read | perms::owner_write)));
  BOOST_REQUIRE(store.clear(std::string("a.test")).ok());
  BOOST_TEST((modeOf(dir.path / "mxhealth" / "history.jsonl") == (perms::owner_read | perms::owner_write)));
  ::umask(before);
}

BOOST_AUTO_TEST_CASE(the_store_is_bounded_per_domain) {
  TempDir dir;
  HistoryStore store(dir.path / "history.jsonl");
  for (std::size_t i = 0; i < mxh::limits::kMaxHistoryEntriesPerDomain + 5; ++i) {
    BOOST_REQUIRE(store.append(entry("a.test", "t" + std::to_string(1000 + i))).ok());
  }
  BOOST_REQUIRE(store.append(entry("b.test", "other")).ok());
  const auto entries = store.entriesFor("a.test");
  BOOST_TEST(entries->size() == mxh::limits::kMaxHistoryEntriesPerDomain);
  BOOST_TEST(entries->front().checkedAt == "t" + std::to_string(1000 + mxh::limits::kMaxHistoryEntriesPerDomain + 4));
  BOOST_TEST(store.entriesFor("b.test")->size() == 1U);
}

BOOST_AUTO_TEST_CASE(clearing_forgets_one_domain_or_everything) {
  TempDir dir;
  HistoryStore store(dir.path / "history.jsonl");
  BOOST_TEST(*store.clear(std::nullopt) == 0U);  // nothing there yet
  BOOST_REQUIRE(store.append(entry("a.test", "t1")).ok());
  BOOST_REQUIRE(store.append(entry("b.test", "t2")).ok());
  BOOST_REQUIRE(store.append(entry("a.test", "t3")).ok());
  BOOST_TEST(*store.clear(std::string("a.test")) == 2U);
  BOOST_TEST(store.entriesFor("a.test")->empty());
  BOOST_TEST(store.entriesFor("b.test")->size() == 1U);
  BOOST_TEST(*store.clear(std::string("c.test")) == 0U);
  BOOST_TEST(*store.clear(std::nullopt) == 1U);
  BOOST_TEST(!std::filesystem::exists(dir.path / "history.jsonl"));
}

BOOST_AUTO_TEST_CASE(an_unwritable_store_is_a_warning_not_a_failure) {
  TempDir dir;
  std::filesystem::create_directories(dir.path);
  std::ofstream(dir.path / "file") << "a regular file where a directory should be";
  HistoryStore store(dir.path / "file" / "mxhealth" / "history.jsonl");
  mxh::checks::Report report;
  report.domain = "a.test";
  report.checkedAt = "t1";
  report.verdict = mxh::checks::Verdict::healthy;
  const auto warnings = mxh::checks::recordInHistory(store, report);
  BOOST_TEST(!warnings.empty());
  BOOST_TEST(!report.changesSinceLast.has_value());
}

BOOST_AUTO_TEST_CASE(record_fills_in_changes_from_the_previous_check) {
  TempDir dir;
  HistoryStore store(dir.path / "history.jsonl");
  mxh::checks::Report report;
  report.domain = "a.test";
  report.checkedAt = "2026-11-26T10:00:00.000Z";
  report.verdict = mxh::checks::Verdict::healthy;
  BOOST_TEST(mxh::checks::recordInHistory(store, report).empty());
  BOOST_TEST(!report.changesSinceLast.has_value());
  report.checkedAt = "2026-11-26T11:00:00.000Z";
  report.verdict = mxh::checks::Verdict::broken;
  BOOST_TEST(mxh::checks::recordInHistory(store, report).empty());
  BOOST_REQUIRE(report.changesSinceLast.has_value());
  BOOST_TEST(report.changesSinceLast->previousCheckedAt == "2026-11-26T10:00:00.000Z");
  BOOST_TEST(report.changesSinceLast->changes.at(0).kind == "verdict.changed");
}

BOOST_AUTO_TEST_SUITE_END()

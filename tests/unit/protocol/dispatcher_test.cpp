#define BOOST_TEST_MODULE protocol_dispatcher
#include "protocol/dispatcher.h"

#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "core/limits.h"

using namespace std::chrono_literals;
using mxh::protocol::DispatcherConfig;
using mxh::protocol::Json;

namespace {
// Unit tests keep no history: nothing is written outside the test.
const DispatcherConfig kNoHistory{std::nullopt, mxh::limits::kDefaultCacheTtl};

class Dispatcher : public mxh::protocol::Dispatcher {
 public:
  explicit Dispatcher(mxh::protocol::MessageSink& sink) : mxh::protocol::Dispatcher(sink, kNoHistory) {}
};
}  // namespace
namespace {

class CollectingSink final : public mxh::protocol::MessageSink {
 public:
  void send(const Json& message) override {
    const std::lock_guard lock(mutex_);
    messages_.push_back(message);
    arrived_.notify_all();
  }
  // Waits until a message of `type` for `id` arrives (or the time is up).
  std::optional<Json> waitFor(const Json& id, const std::string& type, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    std::optional<Json> found;
    arrived_.wait_for(lock, limit, [&] {
      for (const Json& m : messages_) {
        if (m["id"] == id && m["type"] == type) found = m;
      }
      return found.has_value();
    });
    return found;
  }
  std::vector<Json> all() {
    const std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Json> messages_;
};

// A UDP port on loopback that never answers: a resolver that has gone silent.
struct SilentResolver {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  unsigned port = 0;
  SilentResolver() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~SilentResolver() { ::close(fd); }
  SilentResolver(const SilentResolver&) = delete;
  SilentResolver& operator=(const SilentResolver&) = delete;
  [[nodiscard]] std::string request(const std::string& id, int timeoutSeconds) const {
    return R"({"id":")" + id +
           R"(","type":"check","params":{"target":"example.test","options":{"resolver":["127.0.0.1@)" +
           std::to_string(port) + R"("],"timeout":)" + std::to_string(timeoutSeconds) + "}}}";
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(dispatcher_test)

BOOST_AUTO_TEST_CASE(hello_names_the_protocol) {
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(R"({"id":1,"type":"hello"})");
  const auto hello = sink.waitFor(1, "hello");
  BOOST_REQUIRE(hello.has_value());
  BOOST_TEST((*hello)["protocol_version"].get<int>() == 1);
  BOOST_TEST((*hello)["ok"].get<bool>());
  BOOST_TEST((*hello)["capabilities"]["messages"].size() == 7U);
}

BOOST_AUTO_TEST_CASE(every_error_is_answered_with_its_code) {
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(R"({"id":"a","type":"frobnicate"})");
  dispatcher.handle(R"({"id":"b","type":"check","params":{"target":"a..b"}})");
  dispatcher.handle(R"({"id":"c","type":"check","params":{"target":"example.test","options":{"ports":[0]}}})");
  dispatcher.handle(R"({"id":"d","type":"check","params":{}})");
  dispatcher.handle(R"({"id":"e","type":"registrable_domain","params":{"host":"co.uk"}})");
  dispatcher.handle(R"({"id":"f","type":"cancel","params":{}})");
  const std::pair<const char*, const char*> expected[] = {{"a", "request.unknown_type"}, {"b", "input.empty_label"},
                                                          {"c", "input.usage"},          {"d", "request.invalid"},
                                                          {"e", "input.public_suffix"},  {"f", "request.invalid"}};
  for (const auto& [id, code] : expected) {
    const auto error = sink.waitFor(id, "error");
    BOOST_REQUIRE_MESSAGE(error.has_value(), id);
    BOOST_TEST((*error)["error"]["code"].get<std::string>() == code, id);
  }
}

BOOST_AUTO_TEST_CASE(registrable_domains_come_from_the_public_suffix_list) {
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(R"({"id":1,"type":"registrable_domain","params":{"host":"mail.google.com"}})");
  dispatcher.handle(R"({"id":2,"type":"registrable_domain","params":{"host":"foo.bar.co.uk"}})");
  BOOST_TEST((*sink.waitFor(1, "registrable_domain"))["domain"].get<std::string>() == "google.com");
  BOOST_TEST((*sink.waitFor(2, "registrable_domain"))["domain"].get<std::string>() == "bar.co.uk");
}

BOOST_AUTO_TEST_CASE(a_check_that_cannot_reach_its_resolver_still_gets_a_result) {
  SilentResolver resolver;
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(resolver.request("slow", 1));
  const auto result = sink.waitFor("slow", "result", 5s);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST((*result)["report"]["verdict"].get<std::string>() == "could_not_check");
}

BOOST_AUTO_TEST_CASE(cancel_stops_a_running_check_quickly_and_unknown_ids_are_not_found) {
  SilentResolver resolver;
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(resolver.request("long", 60));
  dispatcher.handle(resolver.request("long", 60));  // the same id while it runs
  BOOST_TEST((*sink.waitFor("long", "error"))["error"]["code"].get<std::string>() == "request.duplicate_id");
  std::this_thread::sleep_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  dispatcher.handle(R"({"id":"k","type":"cancel","params":{"id":"long"}})");
  BOOST_TEST((*sink.waitFor("k", "cancel"))["found"].get<bool>());
  BOOST_REQUIRE(sink.waitFor("long", "cancelled", 2s).has_value());
  BOOST_TEST((std::chrono::steady_clock::now() - start < 1s));
  dispatcher.handle(R"({"id":"k2","type":"cancel","params":{"id":"nothing"}})");
  BOOST_TEST(!(*sink.waitFor("k2", "cancel"))["found"].get<bool>());
}

BOOST_AUTO_TEST_CASE(history_without_a_store_is_empty_and_bad_domains_are_errors) {
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(R"({"id":1,"type":"history","params":{"domain":"Example.TEST"}})");
  const auto history = sink.waitFor(1, "history");
  BOOST_REQUIRE(history.has_value());
  BOOST_TEST((*history)["domain"].get<std::string>() == "example.test");
  BOOST_TEST((*history)["entries"].empty());
  dispatcher.handle(R"({"id":2,"type":"history","params":{"domain":"a..b"}})");
  BOOST_TEST(sink.waitFor(2, "error").has_value());
}

BOOST_AUTO_TEST_CASE(clear_history_removes_entries_of_a_domain_or_all) {
  const auto dir = std::filesystem::temp_directory_path() / ("mxh-dispatch-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    mxh::checks::HistoryStore seed(dir / "history.jsonl");
    for (const char* domain : {"a.test", "a.test", "b.test"}) {
      mxh::checks::HistoryEntry entry;
      entry.domain = domain;
      entry.checkedAt = "2026-11-26T10:00:00.000Z";
      entry.verdict = "healthy";
      BOOST_REQUIRE(seed.append(entry).ok());
    }
  }
  CollectingSink sink;
  mxh::protocol::Dispatcher dispatcher(sink, DispatcherConfig{dir / "history.jsonl", mxh::limits::kDefaultCacheTtl});
  dispatcher.handle(R"({"id":1,"type":"clear_history","params":{"domain":"A.test"}})");
  const auto one = sink.waitFor(1, "clear_history");
  BOOST_REQUIRE(one.has_value());
  BOOST_TEST((*one)["removed"].get<int>() == 2);
  dispatcher.handle(R"({"id":2,"type":"history","params":{"domain":"b.test"}})");
  BOOST_TEST((*sink.waitFor(2, "history"))["entries"].size() == 1U);
  dispatcher.handle(R"({"id":3,"type":"clear_history","params":{"domain":"a..b"}})");
  BOOST_TEST(sink.waitFor(3, "error").has_value());
  dispatcher.handle(R"({"id":4,"type":"clear_history","params":{}})");
  BOOST_TEST((*sink.waitFor(4, "clear_history"))["removed"].get<int>() == 1);
  BOOST_TEST(!std::filesystem::exists(dir / "history.jsonl"));
  dispatcher.handle(R"({"id":5,"type":"clear_history"})");
  BOOST_TEST((*sink.waitFor(5, "clear_history"))["removed"].get<int>() == 0);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(could_not_check_results_are_not_cached) {
  SilentResolver resolver;
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(resolver.request("first", 1));
  BOOST_REQUIRE(sink.waitFor("first", "result", 5s).has_value());
  dispatcher.handle(resolver.request("second", 1));
  const auto second = sink.waitFor("second", "result", 5s);
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(!(*second)["cached"].get<bool>());
}

BOOST_AUTO_TEST_CASE(shutdown_cancels_everything_promptly) {
  SilentResolver resolver;
  CollectingSink sink;
  Dispatcher dispatcher(sink);
  dispatcher.handle(resolver.request("one", 60));
  dispatcher.handle(resolver.request("two", 60));
  std::this_thread::sleep_for(100ms);
  BOOST_TEST(dispatcher.runningChecks() == 2U);
  const auto start = std::chrono::steady_clock::now();
  dispatcher.shutdown();
  BOOST_TEST((std::chrono::steady_clock::now() - start < 1s));
  BOOST_TEST(sink.waitFor("one", "cancelled", 0ms).has_value());
  BOOST_TEST(sink.waitFor("two", "cancelled", 0ms).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

#include "protocol/dispatcher.h"

#include "checks/engine/run_check.h"
#include "checks/engine/target.h"
#include "checks/options/option_files.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/text.h"
#include "dns/registrable_domain.h"
#include "protocol/framing.h"

namespace mxh::protocol {

Dispatcher::Dispatcher(MessageSink& sink, const DispatcherConfig& config)
    : sink_(sink), service_({config.historyFile, config.cacheTtl}) {}

Dispatcher::~Dispatcher() {
  shutdown();
}

void Dispatcher::handle(std::string_view frame) {
  reapFinished();
  auto parsed = parseRequest(frame);
  if (auto* rejected = std::get_if<RejectedRequest>(&parsed)) {
    sink_.send(errorMessage(rejected->id, rejected->error));
    return;
  }
  const Request& request = std::get<Request>(parsed);
  logLine("request " + request.id.dump() + ": " + request.type);
  if (request.type == "hello") {
    sink_.send(helloMessage(request.id));
  } else if (request.type == "check") {
    startCheck(request);
  } else if (request.type == "cancel") {
    cancelCheck(request);
  } else if (request.type == "history") {
    answerHistory(request);
  } else if (request.type == "clear_history") {
    clearHistory(request);
  } else if (request.type == "validate_options") {
    // The options page asks before it saves: the same checks a check would make first.
    const Json optionsJson = request.params.contains("options") ? request.params["options"] : Json(nullptr);
    if (!optionsJson.is_null() && !optionsJson.is_object()) {
      return sink_.send(errorMessage(request.id, Error{Errc::usage, "\"options\" must be an object"}));
    }
    sink_.send(validateOptionsReply(request.id, checks::allOptionProblems(optionsJson)));
  } else if (request.type == "registrable_domain") {
    auto host = stringParam(request.params, "host");
    if (!host) return sink_.send(errorMessage(request.id, host.error()));
    auto domain = dns::registrableDomain(*host);
    if (!domain) return sink_.send(errorMessage(request.id, domain.error()));
    sink_.send(registrableDomainReply(request.id, *host, domain->unicode));
  } else {
    sink_.send(errorMessage(request.id, Error{Errc::request_unknown_type,
                                              "unknown request type '" + sanitizeForDisplay(request.type, 60) + "'"}));
  }
}

void Dispatcher::startCheck(const Request& request) {
  auto targetText = stringParam(request.params, "target");
  if (!targetText) return sink_.send(errorMessage(request.id, targetText.error()));
  auto target = checks::parseTarget(*targetText);
  if (!target) return sink_.send(errorMessage(request.id, target.error()));
  const Json optionsJson = request.params.contains("options") ? request.params["options"] : Json(nullptr);
  auto options = parseCheckOptions(optionsJson);
  if (!options) return sink_.send(errorMessage(request.id, options.error()));
  auto policy = parseRequestPolicy(optionsJson);
  if (!policy) return sink_.send(errorMessage(request.id, policy.error()));
  const std::string idKey = request.id.dump();
  const std::lock_guard lock(mutex_);
  const std::lock_guard finishing(finishing_);  // a check that is sending its final answer ends first
  // An id names one check at a time, whether it would be answered from the cache or not.
  if (checks_.contains(idKey) && !checks_[idKey]->finished) {
    return sink_.send(
        errorMessage(request.id, Error{Errc::request_duplicate_id, "a check with this id is still running"}));
  }
  const auto busy = static_cast<std::size_t>(
      std::count_if(checks_.begin(), checks_.end(), [](const auto& entry) { return !entry.second->finished; }));
  if (busy >= limits::kMaxRunningChecks) {
    return sink_.send(errorMessage(
        request.id, Error{Errc::request_busy, std::to_string(busy) + " checks are running; try again when one "
                                                                     "has finished"}));
  }
  if (const auto finished = checks_.find(idKey); finished != checks_.end()) {
    finished->second->thread.join();  // it has answered; its id is free again
    checks_.erase(finished);
  }
  auto running = std::make_unique<RunningCheck>();
  RunningCheck* check = running.get();
  const CancelToken token = check->cancel.token();
  check->thread = std::thread([this, check, token, id = request.id, target = std::move(target).value(),
                               options = std::move(options).value(), policy = *policy] {
    const auto started = SteadyClock::now();
    // Nothing may escape a thread: an exception here would end the whole host.
    Result<checks::CheckOutcome> outcome = Error{Errc::internal, "the check failed unexpectedly"};
    try {
      outcome = service_.run(target, options, policy, token, progressObserver(sink_, id));
    } catch (const std::exception& e) {
      outcome = Error{Errc::internal, std::string("the check failed unexpectedly: ") + e.what()};
    }
    logLine("check " + id.dump() + " of " + target.domain.ascii + ": " +
            (outcome ? std::string(checks::verdictName(outcome->report.verdict))
                     : std::string(errcName(outcome.error().code))) +
            (outcome && outcome->cached ? " from the cache" : "") + " in " +
            std::to_string(millisecondsSince(started)) + " ms");
    // The final answer and `finished` together: the extension may reuse the id as soon as the
    // answer reaches it, and a request read in between must not find the check still running.
    const std::lock_guard answering(finishing_);
    // A cancel that arrived while the history was written still wins: it was answered "found".
    if (token.cancelled() || (!outcome && outcome.error().code == Errc::cancelled)) {
      sink_.send(cancelledMessage(id));
    } else if (!outcome) {
      sink_.send(errorMessage(id, outcome.error()));
    } else {
      auto messages = resultMessages(id, outcome->report, limits::kMaxOutboundFrame);
      messages.back()["cached"] = outcome->cached;
      if (outcome->cached) messages.back()["cached_age_ms"] = outcome->cachedAge.count();
      if (!outcome->warnings.empty()) messages.back()["warnings"] = outcome->warnings;
      for (const Json& message : messages) sink_.send(message);
    }
    check->finished = true;
  });
  checks_.emplace(idKey, std::move(running));
}

void Dispatcher::answerHistory(const Request& request) {
  auto domainText = stringParam(request.params, "domain");
  if (!domainText) return sink_.send(errorMessage(request.id, domainText.error()));
  auto target = checks::parseTarget(*domainText);
  if (!target) return sink_.send(errorMessage(request.id, target.error()));
  auto found = service_.history(target->domain.ascii);
  if (!found) return sink_.send(errorMessage(request.id, found.error()));
  Json entries = Json::array();
  for (const checks::HistoryEntry& entry : *found) entries.push_back(checks::entryToJson(entry));
  sink_.send(historyReply(request.id, target->domain.ascii, std::move(entries)));
}

void Dispatcher::clearHistory(const Request& request) {
  // No domain: the whole history. A domain is read like a check target, so that
  // "Bücher.example" clears what a check of it recorded.
  std::optional<std::string> domain;
  if (request.params.contains("domain")) {
    auto domainText = stringParam(request.params, "domain");
    if (!domainText) return sink_.send(errorMessage(request.id, domainText.error()));
    auto target = checks::parseTarget(*domainText);
    if (!target) return sink_.send(errorMessage(request.id, target.error()));
    domain = target->domain.ascii;
  }
  auto cleared = service_.clearHistory(domain);
  if (!cleared) return sink_.send(errorMessage(request.id, cleared.error()));
  sink_.send(clearHistoryReply(request.id, *cleared));
}

void Dispatcher::cancelCheck(const Request& request) {
  if (!request.params.contains("id") ||
      !(request.params["id"].is_string() || request.params["id"].is_number_integer())) {
    return sink_.send(errorMessage(request.id, Error{Errc::request_invalid, "cancel needs the \"id\" of a check"}));
  }
  bool found = false;
  {
    const std::lock_guard lock(mutex_);
    const auto running = checks_.find(request.params["id"].dump());
    if (running != checks_.end() && !running->second->finished) {
      running->second->cancel.cancel();
      found = true;
    }
  }
  sink_.send(cancelReply(request.id, found));
}

void Dispatcher::reapFinished() {
  std::vector<std::unique_ptr<RunningCheck>> done;
  {
    const std::lock_guard lock(mutex_);
    for (auto it = checks_.begin(); it != checks_.end();) {
      if (it->second->finished) {
        done.push_back(std::move(it->second));
        it = checks_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& check : done) check->thread.join();
}

void Dispatcher::shutdown() {
  std::map<std::string, std::unique_ptr<RunningCheck>> all;
  {
    const std::lock_guard lock(mutex_);
    for (auto& [key, check] : checks_) check->cancel.cancel();
    all.swap(checks_);
  }
  for (auto& [key, check] : all) check->thread.join();
}

std::size_t Dispatcher::runningChecks() {
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(checks_.begin(), checks_.end(), [](const auto& entry) { return !entry.second->finished; }));
}

}  // namespace mxh::protocol

#include "protocol/dispatcher.h"

#include "checks/mx_check.h"
#include "checks/target.h"
#include "core/log.h"
#include "core/text.h"
#include "dns/registrable_domain.h"
#include "protocol/framing.h"

namespace mxh::protocol {

namespace {

// The request's options decide the result: the cache key holds all of them (in a canonical,
// key-sorted form) except those that only steer the cache and the history.
std::string cacheKey(const std::string& domain, const Json& options) {
  nlohmann::json canonical = options.is_object() ? nlohmann::json::parse(options.dump()) : nlohmann::json::object();
  canonical.erase("fresh");
  canonical.erase("history");
  return domain + "|" + canonical.dump();
}

bool flag(const Json& options, const char* name, bool fallback) {
  return options.is_object() && options.contains(name) && options[name].is_boolean() ? options[name].get<bool>()
                                                                                     : fallback;
}

}  // namespace

Dispatcher::Dispatcher(MessageSink& sink, const DispatcherConfig& config) : sink_(sink), cache_(config.cacheTtl) {
  if (config.historyFile) history_ = std::make_unique<checks::HistoryStore>(*config.historyFile);
}

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
    auto options = parseCheckOptions(optionsJson);
    if (!options) return sink_.send(errorMessage(request.id, options.error()));
    sink_.send(validateOptionsReply(request.id, checks::checkOptionFiles(*options)));
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
  const std::string key = cacheKey(target->domain.ascii, optionsJson);
  const bool keepHistory = flag(optionsJson, "history", true);
  const std::string idKey = request.id.dump();
  const std::lock_guard lock(mutex_);
  // An id names one check at a time, whether it would be answered from the cache or not.
  if (checks_.contains(idKey) && !checks_[idKey]->finished) {
    return sink_.send(
        errorMessage(request.id, Error{Errc::request_duplicate_id, "a check with this id is still running"}));
  }
  if (!flag(optionsJson, "fresh", false)) {
    if (auto hit = cache_.find(key)) {
      if (!keepHistory) hit->report.changesSinceLast.reset();  // asked for no history: none shown
      auto messages = resultMessages(request.id, hit->report, kMaxOutboundFrame);
      messages.back()["cached"] = true;
      messages.back()["cached_age_ms"] = hit->age.count();
      for (const Json& message : messages) sink_.send(message);
      return;
    }
  }

  const auto busy = static_cast<std::size_t>(
      std::count_if(checks_.begin(), checks_.end(), [](const auto& entry) { return !entry.second->finished; }));
  if (busy >= kMaxRunningChecks) {
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
  check->thread = std::thread([this, check, token, key, keepHistory, id = request.id,
                               target = std::move(target).value(), options = std::move(options).value()] {
    checks::CheckObserver observer;
    observer.onDns = [&](const checks::Report& dnsStage) { sink_.send(dnsProgress(id, dnsStage)); };
    observer.onProbe = [&](const std::string& host, const smtp::ProbeResult& probe) {
      sink_.send(probeProgress(id, host, probe));
    };
    observer.onSide = [&](const checks::Report& sideStage) { sink_.send(sideProgress(id, sideStage)); };
    const auto started = SteadyClock::now();
    // Nothing may escape a thread: an exception here would end the whole host.
    Result<checks::Report> report = Error{Errc::internal, "the check failed unexpectedly"};
    try {
      report = checks::runCheck(target, options, token, observer);
    } catch (const std::exception& e) {
      report = Error{Errc::internal, std::string("the check failed unexpectedly: ") + e.what()};
    }
    logLine("check " + id.dump() + " of " + target.domain.ascii + ": " +
            (report ? std::string(checks::verdictName(report->verdict)) : std::string(errcName(report.error().code))) +
            " in " + std::to_string(millisecondsSince(started)) + " ms");
    if (token.cancelled() || (!report && report.error().code == Errc::cancelled)) {
      sink_.send(cancelledMessage(id));
    } else if (!report) {
      sink_.send(errorMessage(id, report.error()));
    } else {
      std::vector<std::string> warnings;
      if (keepHistory && history_) warnings = checks::recordInHistory(*history_, *report);
      // A cancel that arrived while the history was written still wins: it was answered "found".
      if (token.cancelled()) {
        sink_.send(cancelledMessage(id));
        check->finished = true;
        return;
      }
      // A check that could not be done is worth repeating at once, not remembering.
      if (report->verdict != checks::Verdict::could_not_check) cache_.store(key, *report);
      auto messages = resultMessages(id, *report, kMaxOutboundFrame);
      messages.back()["cached"] = false;
      if (!warnings.empty()) messages.back()["warnings"] = warnings;
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
  Json entries = Json::array();
  if (history_) {
    auto found = history_->entriesFor(target->domain.ascii);
    if (!found) return sink_.send(errorMessage(request.id, found.error()));
    for (const checks::HistoryEntry& entry : *found) entries.push_back(Json::parse(checks::entryToJsonLine(entry)));
  }
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
  std::size_t removed = 0;
  if (history_) {
    auto cleared = history_->clear(domain);
    if (!cleared) return sink_.send(errorMessage(request.id, cleared.error()));
    removed = *cleared;
  }
  sink_.send(clearHistoryReply(request.id, removed));
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

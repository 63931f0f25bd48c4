#include "protocol/dispatcher.h"

#include "checks/mx_check.h"
#include "checks/target.h"
#include "core/text.h"
#include "dns/registrable_domain.h"
#include "protocol/framing.h"

namespace mxh::protocol {

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
  if (request.type == "hello") {
    sink_.send(helloMessage(request.id));
  } else if (request.type == "check") {
    startCheck(request);
  } else if (request.type == "cancel") {
    cancelCheck(request);
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
  auto options = parseCheckOptions(request.params.contains("options") ? request.params["options"] : Json(nullptr));
  if (!options) return sink_.send(errorMessage(request.id, options.error()));

  const std::string key = request.id.dump();
  const std::lock_guard lock(mutex_);
  if (checks_.contains(key)) {
    return sink_.send(
        errorMessage(request.id, Error{Errc::request_duplicate_id, "a check with this id is still running"}));
  }
  auto running = std::make_unique<RunningCheck>();
  RunningCheck* check = running.get();
  const CancelToken token = check->cancel.token();
  check->thread = std::thread(
      [this, check, token, id = request.id, target = std::move(target).value(), options = std::move(options).value()] {
        checks::CheckObserver observer;
        observer.onDns = [&](const checks::Report& dnsStage) { sink_.send(dnsProgress(id, dnsStage)); };
        observer.onProbe = [&](const std::string& host, const smtp::ProbeResult& probe) {
          sink_.send(probeProgress(id, host, probe));
        };
        auto report = checks::runCheck(target, options, token, observer);
        if (token.cancelled() || (!report && report.error().code == Errc::cancelled)) {
          sink_.send(cancelledMessage(id));
        } else if (!report) {
          sink_.send(errorMessage(id, report.error()));
        } else {
          for (const Json& message : resultMessages(id, *report, kMaxOutboundFrame)) sink_.send(message);
        }
        check->finished = true;
      });
  checks_.emplace(key, std::move(running));
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

#include "checks/smtp_tls/smtp_probing.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "core/limits.h"

namespace mxh::checks {
namespace {

struct Job {
  std::string host;
  smtp::ProbeRequest request;
  smtp::ProbeResult* result;  // where the answer goes (owned by the ProbesByHost being filled)
  bool started = false;
};

// When a running probe counts as stalled (limits::kProbeStallDivisor): after a fifth of the
// longest phase it may have to wait through.
std::chrono::milliseconds stallAfter(const smtp::ProbeTimeouts& timeouts) {
  const auto longest = std::max({timeouts.connect, timeouts.greeting, timeouts.reply, timeouts.tls});
  return longest / limits::kProbeStallDivisor;
}

// Runs jobs on up to kMaxParallelProbes threads; a job starts only while fewer than
// kMaxConnectionsPerAddress jobs for its address are running and not yet stalled.
class ProbePool {
 public:
  ProbePool(std::vector<Job>& jobs, const tls::TlsClientContext& tls, std::chrono::milliseconds stallAfter,
            Deadline deadline, const CancelToken& cancel, const ProbeListener& onProbe)
      : jobs_(jobs), tls_(tls), stallAfter_(stallAfter), deadline_(deadline), cancel_(cancel), onProbe_(onProbe) {}

  void run() {
    const std::size_t threads = std::min(limits::kMaxParallelProbes, jobs_.size());
    std::vector<std::thread> workers;
    workers.reserve(threads);
    try {
      for (std::size_t i = 0; i < threads; ++i) workers.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      // Out of threads: the workers that started take every job (each takes the next one).
    }
    if (workers.empty()) work();
    for (std::thread& worker : workers) worker.join();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      // Once the check is cancelled or out of time, nothing new is started: an unstarted probe
      // stays "skipped" rather than turning into a timeout blamed on the server.
      if (cancel_.cancelled() || deadline_.expired()) {
        for (Job& pending : jobs_) {
          if (pending.started) continue;
          pending.started = true;
          --remaining_;
          pending.result->error = cancel_.cancelled() ? "not probed: the check was cancelled"
                                                      : "not probed: the check's time limit ran out first";
        }
      }
      const auto now = SteadyClock::now();
      Job* job = nextRunnable(now);
      if (job == nullptr) {
        if (remaining_ == 0) return;
        // Wake when a job finishes, or when the next running one stalls and frees its place.
        if (const auto stall = nextStall(now)) {
          changed_.wait_until(lock, std::min(*stall, deadline_.when()));
        } else {
          changed_.wait(lock);
        }
        continue;
      }
      job->started = true;
      --remaining_;
      const std::string key = job->request.address.toString();
      const auto started = running_[key].insert(now);
      lock.unlock();
      *job->result = smtp::runProbe(job->request, tls_, deadline_, cancel_);
      if (onProbe_ && !cancel_.cancelled()) onProbe_(job->host, *job->result);
      lock.lock();
      running_[key].erase(started);
      changed_.notify_all();
    }
  }

  // Running probes of an address that have not stalled yet.
  std::size_t activeAt(const std::string& address, SteadyClock::time_point now) {
    const auto& starts = running_[address];
    return static_cast<std::size_t>(std::count_if(
        starts.begin(), starts.end(), [&](SteadyClock::time_point start) { return now - start < stallAfter_; }));
  }

  Job* nextRunnable(SteadyClock::time_point now) {
    for (Job& job : jobs_) {
      if (!job.started && activeAt(job.request.address.toString(), now) < limits::kMaxConnectionsPerAddress) {
        return &job;
      }
    }
    return nullptr;
  }

  // The earliest time a running probe that still counts will stall.
  std::optional<SteadyClock::time_point> nextStall(SteadyClock::time_point now) const {
    std::optional<SteadyClock::time_point> earliest;
    for (const auto& [address, starts] : running_) {
      for (const SteadyClock::time_point start : starts) {
        const auto stall = start + stallAfter_;
        if (stall > now && (!earliest || stall < *earliest)) earliest = stall;
      }
    }
    return earliest;
  }

  std::vector<Job>& jobs_;
  const tls::TlsClientContext& tls_;
  std::chrono::milliseconds stallAfter_;
  Deadline deadline_;
  const CancelToken& cancel_;
  const ProbeListener& onProbe_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::multiset<SteadyClock::time_point>> running_;  // start times by address
  std::size_t remaining_ = jobs_.size();
};

int rank(const smtp::ProbeResult& probe) {
  if (probe.status == smtp::ProbeStatus::ok) return 3;
  if (probe.tlsNegotiated) return 2;
  if (probe.tcpConnected) return 1;
  return 0;
}

}  // namespace

ProbesByHost probeMxHosts(const MxFacts& facts, const CheckOptions& options, const ContactPolicy& contact,
                          const tls::TlsClientContext& tls, Deadline deadline, const CancelToken& cancel,
                          const ProbeListener& onProbe, const TlsaByHost& tlsa) {
  ProbesByHost probes;
  const std::string ehlo = options.ehloName.empty() ? smtp::defaultEhloName() : options.ehloName;
  for (const auto& [name, host] : facts.hosts) {
    auto& list = probes[name];
    for (const dns::IpAddress& address : host.addresses) {
      for (const std::uint16_t port : options.ports) {
        smtp::ProbeResult skipped;
        skipped.ip = address.toString();
        skipped.port = port;
        skipped.kind = smtp::probeKindForPort(port);
        skipped.status = smtp::ProbeStatus::skipped;
        skipped.error = contact.refusal(address);
        list.push_back(std::move(skipped));
      }
    }
  }
  // Jobs point into the lists, which no longer change size.
  std::vector<Job> jobs;
  for (const auto& [name, host] : facts.hosts) {
    auto& list = probes[name];
    const auto records = tlsa.find(name);
    std::size_t index = 0;
    for (const dns::IpAddress& address : host.addresses) {
      for (const std::uint16_t port : options.ports) {
        smtp::ProbeResult& slot = list[index++];
        if (slot.error) continue;  // skipped on purpose
        smtp::ProbeRequest request{address, port, slot.kind, name, ehlo, options.probeTimeouts, {}};
        if (port == 25 && records != tlsa.end()) request.tlsa = records->second;
        jobs.push_back({name, std::move(request), &slot});
      }
    }
  }
  if (!jobs.empty()) ProbePool(jobs, tls, stallAfter(options.probeTimeouts), deadline, cancel, onProbe).run();
  return probes;
}

std::optional<smtp::ProbeResult> representativeProbe(const std::vector<smtp::ProbeResult>& probes) {
  const smtp::ProbeResult* best = nullptr;
  for (const smtp::ProbeResult& probe : probes) {
    if (probe.port == 25 && probe.tcpConnected && probe.status != smtp::ProbeStatus::skipped &&
        (best == nullptr || best->port != 25 || rank(probe) > rank(*best))) {
      best = &probe;
    }
  }
  if (best != nullptr) return *best;
  for (const smtp::ProbeResult& probe : probes) {
    if (probe.status == smtp::ProbeStatus::skipped) continue;
    if (best == nullptr || rank(probe) > rank(*best)) best = &probe;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace mxh::checks

#include "checks/smtp_tls/smtp_probing.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
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

// Runs jobs on up to kMaxParallelProbes threads; a job starts only while fewer than
// kMaxConnectionsPerAddress jobs for its address are running.
class ProbePool {
 public:
  ProbePool(std::vector<Job>& jobs, const tls::TlsClientContext& tls, Deadline deadline, const CancelToken& cancel,
            const ProbeListener& onProbe)
      : jobs_(jobs), tls_(tls), deadline_(deadline), cancel_(cancel), onProbe_(onProbe) {}

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
      Job* job = nextRunnable();
      if (job == nullptr) {
        if (remaining_ == 0) return;
        changed_.wait(lock);
        continue;
      }
      job->started = true;
      --remaining_;
      const std::string key = job->request.address.toString();
      ++running_[key];
      lock.unlock();
      *job->result = smtp::runProbe(job->request, tls_, deadline_, cancel_);
      if (onProbe_ && !cancel_.cancelled()) onProbe_(job->host, *job->result);
      lock.lock();
      --running_[key];
      changed_.notify_all();
    }
  }

  Job* nextRunnable() {
    for (Job& job : jobs_) {
      if (!job.started && running_[job.request.address.toString()] < limits::kMaxConnectionsPerAddress) return &job;
    }
    return nullptr;
  }

  std::vector<Job>& jobs_;
  const tls::TlsClientContext& tls_;
  Deadline deadline_;
  const CancelToken& cancel_;
  const ProbeListener& onProbe_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::size_t> running_;
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
  if (!jobs.empty()) ProbePool(jobs, tls, deadline, cancel, onProbe).run();
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

#include "dns/resolver.h"

#include <poll.h>
#include <unbound.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>

#include "core/text.h"
#include "dns/ip_address.h"
#include "dns/wire.h"

namespace mxh::dns {

namespace {

struct UbCtxDeleter {
  void operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); }
};
using UbCtx = std::unique_ptr<ub_ctx, UbCtxDeleter>;

struct UbResultDeleter {
  void operator()(ub_result* result) const { ub_resolve_free(result); }
};
using UbResult = std::unique_ptr<ub_result, UbResultDeleter>;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

constexpr int kClassIn = 1;
constexpr int kRcodeServfail = 2;
constexpr int kRcodeNxdomain = 3;
constexpr int kRcodeRefused = 5;
constexpr std::size_t kFlagsByte = 2;  // the header's third octet: QR, opcode, AA, TC, RD
constexpr std::uint8_t kTruncatedFlag = 0x02;

// The TC bit of the answer libunbound kept. Set on its final answer (it retries over TCP), it
// means the answer did not fit even there (over 64 KB, or a server that always sets TC).
bool truncated(const ub_result& result) {
  const auto* packet = static_cast<const std::uint8_t*>(result.answer_packet);
  return packet != nullptr && result.answer_len > static_cast<int>(kFlagsByte) &&
         (packet[kFlagsByte] & kTruncatedFlag) != 0;
}

// Where Debian (dns-root-data) and unbound-anchor keep the root zone's trust anchor.
constexpr const char* kSystemRootKeys[] = {"/usr/share/dns/root.key", "/var/lib/unbound/root.key"};

// libunbound answers these zones itself (RFC 6761/6303 and AS112 names: test., the reverse zones
// of private and documentation ranges, …). When we forward, the forwarder must answer them.
// onion., invalid. and localhost. stay local: they are never in the DNS (RFC 7686, RFC 6761).
std::vector<std::string> builtinLocalZones() {
  std::vector<std::string> zones = {"test.",
                                    "home.arpa.",
                                    "resolver.arpa.",
                                    "service.arpa.",
                                    "0.in-addr.arpa.",
                                    "10.in-addr.arpa.",
                                    "127.in-addr.arpa.",
                                    "254.169.in-addr.arpa.",
                                    "168.192.in-addr.arpa.",
                                    "2.0.192.in-addr.arpa.",
                                    "100.51.198.in-addr.arpa.",
                                    "113.0.203.in-addr.arpa.",
                                    "255.255.255.255.in-addr.arpa.",
                                    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
                                    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
                                    "8.b.d.0.1.0.0.2.ip6.arpa.",
                                    "d.f.ip6.arpa.",
                                    "8.e.f.ip6.arpa.",
                                    "9.e.f.ip6.arpa.",
                                    "a.e.f.ip6.arpa.",
                                    "b.e.f.ip6.arpa."};
  for (int octet = 16; octet <= 31; ++octet) zones.push_back(std::to_string(octet) + ".172.in-addr.arpa.");
  for (int octet = 64; octet <= 127; ++octet) zones.push_back(std::to_string(octet) + ".100.in-addr.arpa.");
  return zones;
}

bool readable(const std::string& path) {
  return std::ifstream(path).good();
}

// The owner names of the DS/DNSKEY records in a trust anchor file ("." for the root key): the
// zones under which "not secure" means provably unsigned rather than "never validated".
std::vector<std::string> anchorZones(const std::string& path) {
  std::vector<std::string> zones;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream words(line);
    std::string owner;
    std::string word;
    if (!(words >> owner) || owner.starts_with(";") || owner.starts_with("$")) continue;
    while (words >> word) {
      if (word == "DS" || word == "DNSKEY") {
        zones.push_back(toLowerAscii(owner));
        break;
      }
    }
  }
  return zones;
}

bool isUnder(std::string_view name, std::string_view zone) {
  if (zone.size() > 1 && zone.back() == '.') zone.remove_suffix(1);
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  if (zone == ".") return true;
  if (sameName(name, zone)) return true;
  return name.size() > zone.size() && name[name.size() - zone.size() - 1] == '.' &&
         equalsIgnoreCaseAscii(name.substr(name.size() - zone.size()), zone);
}

std::string queryLabel(const Query& query) {
  return sanitizeForDisplay(query.name, limits::kMaxDomainLength + 8) + " " + std::string(rrTypeName(query.type));
}

}  // namespace

struct Resolver::Impl {
  // What a libunbound callback carries: which Impl, which query. Owned by `tags` until the
  // callback runs or ub_cancel succeeds, so a late answer never touches freed memory.
  struct Tag {
    Impl* impl;
    std::uint64_t serial;
  };
  struct Slot {
    std::optional<Result<Answer>> result;
    int asyncId = 0;
    std::uint64_t serial = 0;
  };

  // Declared before ctx so that they outlive it: ub_ctx_delete may still write to the log.
  File logSink;
  std::unordered_map<std::uint64_t, std::unique_ptr<Tag>> tags;
  std::unordered_map<std::uint64_t, Slot*> active;
  std::uint64_t nextSerial = 1;
  ResolverInfo info;
  std::vector<std::string> anchors;  // zones covered by the trust anchor
  std::chrono::milliseconds queryTimeout{};
  UbCtx ctx;

  // Called by libunbound (C) from inside ub_process: nothing may propagate out of it.
  static void onResult(void* data, int err, ub_result* raw) noexcept {
    const UbResult owned(raw);
    auto* tag = static_cast<Tag*>(data);
    Impl* impl = tag->impl;
    const std::uint64_t serial = tag->serial;
    impl->tags.erase(serial);  // `tag` is gone from here on
    const auto slot = impl->active.find(serial);
    if (slot == impl->active.end()) return;  // abandoned after a timeout or cancel
    try {
      slot->second->result = impl->convert(err, owned.get());
    } catch (...) {
      slot->second->result = Error{Errc::internal, "out of memory while reading a DNS answer"};
    }
    impl->active.erase(slot);
  }

  [[nodiscard]] bool coveredByAnchor(std::string_view name) const {
    return std::any_of(anchors.begin(), anchors.end(), [&](const std::string& zone) { return isUnder(name, zone); });
  }

  Result<Answer> convert(int err, const ub_result* result) const {
    if (err != 0 || result == nullptr) {
      return Error{Errc::dns_resolver, std::string("the resolver library failed: ") + ub_strerror(err)};
    }
    const std::string name = result->qname != nullptr ? result->qname : "?";
    const std::string label = sanitizeForDisplay(name, limits::kMaxDomainLength + 2) + " " +
                              std::string(rrTypeName(static_cast<RrType>(result->qtype)));
    Answer answer;
    if (result->bogus != 0) {
      answer.dnssec = DnssecState::bogus;
      answer.whyBogus = sanitizeForDisplay(result->why_bogus != nullptr ? result->why_bogus : "validation failed",
                                           limits::kMaxReasonLength);
    } else if (result->rcode == kRcodeServfail) {
      return Error{Errc::dns_servfail, "the resolver answered SERVFAIL for " + label +
                                           " (it could not get an answer from the domain's name servers)"};
    } else if (result->rcode == kRcodeRefused) {
      return Error{Errc::dns_refused, "the resolver refused to answer " + label};
    } else if (result->rcode != 0 && result->rcode != kRcodeNxdomain) {
      return Error{Errc::dns_rcode,
                   "the resolver answered " + label + " with error code " + std::to_string(result->rcode)};
    } else if (result->secure != 0) {
      answer.dnssec = DnssecState::secure;
    } else {
      // Not secure and not bogus: provably unsigned only where a trust anchor reaches.
      answer.dnssec = info.dnssecValidation && coveredByAnchor(name) ? DnssecState::insecure : DnssecState::unvalidated;
    }
    if (result->havedata == 0 && truncated(*result)) {
      // No records and TC: the records were there but did not arrive, never "none exist".
      return Error{Errc::dns_truncated, "the answer to " + label + " was too large to be received whole"};
    }
    if (result->havedata != 0) {
      answer.outcome = Outcome::data;
    } else if (result->nxdomain != 0) {
      answer.outcome = Outcome::nxdomain;
    } else {
      answer.outcome = Outcome::nodata;
    }
    for (int i = 0; result->data != nullptr && result->data[i] != nullptr; ++i) {
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(result->data[i]);
      answer.rdata.emplace_back(bytes, bytes + std::max(result->len[i], 0));
    }
    if (result->canonname != nullptr) {
      answer.canonicalName = toLowerAscii(result->canonname);
      if (answer.canonicalName.size() > 1 && answer.canonicalName.back() == '.') answer.canonicalName.pop_back();
    }
    answer.ttl = result->ttl > 0 ? static_cast<std::uint32_t>(result->ttl) : 0U;
    return answer;
  }
};

Resolver::Resolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Resolver::Resolver(Resolver&&) noexcept = default;
Resolver& Resolver::operator=(Resolver&&) noexcept = default;
Resolver::~Resolver() = default;

const ResolverInfo& Resolver::info() const {
  return impl_->info;
}

Result<Resolver> Resolver::create(const ResolverConfig& config) {
  auto impl = std::make_unique<Impl>();
  impl->queryTimeout = config.queryTimeout;
  impl->ctx.reset(ub_ctx_create());
  ub_ctx* ctx = impl->ctx.get();
  if (ctx == nullptr) return Error{Errc::internal, "could not create a DNS resolver context"};
  auto fail = [](const std::string& what, int rc) { return Error{Errc::dns_config, what + ": " + ub_strerror(rc)}; };

  // Results arrive through a thread of libunbound's own, never a forked process.
  if (int rc = ub_ctx_async(ctx, 1); rc != 0) return fail("cannot set up asynchronous DNS", rc);
  // libunbound logs failures ("connection refused", …) on stderr; we report them as values.
  if (std::getenv("MXHEALTH_DNS_DEBUG") != nullptr) {
    ub_ctx_debuglevel(ctx, 3);
  } else {
    impl->logSink.reset(std::fopen("/dev/null", "w"));
    if (impl->logSink) ub_ctx_debugout(ctx, impl->logSink.get());
  }
  // Source ports: a random block (limits::kDnsSourcePorts says why), above the privileged ones.
  {
    constexpr int kFirstPort = 1024;
    std::random_device random;
    std::uniform_int_distribution<int> start(kFirstPort, 65535 - limits::kDnsSourcePorts + 1);
    const int first = start(random);
    const std::string block = std::to_string(first) + "-" + std::to_string(first + limits::kDnsSourcePorts - 1);
    if (int rc = ub_ctx_set_option(ctx, "outgoing-port-avoid:", "0-65535"); rc != 0) {
      return fail("cannot choose the source ports", rc);
    }
    if (int rc = ub_ctx_set_option(ctx, "outgoing-port-permit:", block.c_str()); rc != 0) {
      return fail("cannot choose the source ports", rc);
    }
  }
  // The DNS Flag Day 2020 size: avoids fragmented UDP answers.
  if (int rc = ub_ctx_set_option(ctx, "edns-buffer-size:", "1232"); rc != 0) {
    return fail("cannot set the EDNS buffer size", rc);
  }

  std::vector<std::string> servers;
  if (config.forwarders.empty()) {
    impl->info.mode = "system";
    std::ifstream file(config.resolvConfPath);
    if (!file) {
      return Error{Errc::dns_config, "cannot read " + config.resolvConfPath + "; give a resolver with --resolver"};
    }
    std::stringstream text;
    text << file.rdbuf();
    servers = nameserversFromResolvConf(text.str());
    if (servers.empty()) {
      return Error{Errc::dns_config, "no nameserver in " + config.resolvConfPath + "; give a resolver with --resolver"};
    }
  } else {
    impl->info.mode = "forward";
    for (const std::string& given : config.forwarders) {
      auto forwarder = parseForwarder(given);
      if (!forwarder) return forwarder.error();
      servers.push_back(std::move(forwarder).value());
    }
  }
  for (const std::string& server : servers) {
    if (int rc = ub_ctx_set_fwd(ctx, server.c_str()); rc != 0) return fail("cannot use resolver " + server, rc);
  }
  impl->info.servers = servers;

  if (config.validate) {
    if (config.trustAnchorFile) {
      if (!readable(*config.trustAnchorFile)) {
        return Error{Errc::dns_config, "cannot read the trust anchor file " + *config.trustAnchorFile};
      }
      impl->info.trustAnchor = *config.trustAnchorFile;
    } else {
      for (const char* path : kSystemRootKeys) {
        if (readable(path)) {
          impl->info.trustAnchor = path;
          impl->info.systemTrustAnchor = true;
          break;
        }
      }
    }
    if (impl->info.trustAnchor) {
      if (int rc = ub_ctx_add_ta_file(ctx, impl->info.trustAnchor->c_str()); rc != 0) {
        return fail("cannot use the trust anchor file " + *impl->info.trustAnchor, rc);
      }
      impl->info.dnssecValidation = true;
      impl->anchors = anchorZones(*impl->info.trustAnchor);
      impl->info.anchorZones = impl->anchors;
    }
  }

  // Order matters: removing a zone finalizes the context, so every option above comes first.
  for (const std::string& zone : builtinLocalZones()) {
    if (int rc = ub_ctx_zone_remove(ctx, zone.c_str()); rc != 0) {
      const std::string hint =
          impl->info.trustAnchor ? " (is " + *impl->info.trustAnchor + " a valid trust anchor file?)" : "";
      return fail("cannot set up the resolver" + hint, rc);
    }
  }
  return Resolver(std::move(impl));
}

std::vector<Result<Answer>> Resolver::resolveAll(std::span<const Query> queries, Deadline deadline,
                                                 const CancelToken& cancel) {
  Impl& impl = *impl_;
  std::vector<Impl::Slot> slots(queries.size());
  // Whatever way this function is left, no callback may find a slot of this batch afterwards.
  struct BatchGuard {
    Impl& impl;
    std::vector<Impl::Slot>& slots;

    ~BatchGuard() {
      for (const Impl::Slot& slot : slots) {
        if (impl.active.erase(slot.serial) > 0 && ub_cancel(impl.ctx.get(), slot.asyncId) == 0) {
          impl.tags.erase(slot.serial);
        }
      }
    }
  } guard{impl, slots};
  const Deadline queryDeadline = deadline.capped(impl.queryTimeout);

  for (std::size_t i = 0; i < queries.size(); ++i) {
    Impl::Slot& slot = slots[i];
    slot.serial = impl.nextSerial++;
    auto tag = std::make_unique<Impl::Tag>(Impl::Tag{&impl, slot.serial});
    impl.active.emplace(slot.serial, &slot);
    const int rc = ub_resolve_async(impl.ctx.get(), queries[i].name.c_str(), static_cast<int>(queries[i].type),
                                    kClassIn, tag.get(), &Impl::onResult, &slot.asyncId);
    if (rc != 0) {
      impl.active.erase(slot.serial);
      slot.result = Error{Errc::dns_resolver, "cannot ask for " + queryLabel(queries[i]) + ": " + ub_strerror(rc)};
      continue;
    }
    impl.tags.emplace(slot.serial, std::move(tag));
  }

  auto unanswered = [&] {
    return std::count_if(slots.begin(), slots.end(), [](const Impl::Slot& s) { return !s.result.has_value(); });
  };
  while (unanswered() > 0) {
    const bool cancelled = cancel.cancelled();
    if (cancelled || queryDeadline.expired()) {
      const auto seconds = std::chrono::duration_cast<std::chrono::duration<double>>(impl.queryTimeout).count();
      for (std::size_t i = 0; i < slots.size(); ++i) {
        Impl::Slot& slot = slots[i];
        if (slot.result) continue;
        impl.active.erase(slot.serial);
        // On success the callback will never run; otherwise it finds no active slot and discards.
        if (ub_cancel(impl.ctx.get(), slot.asyncId) == 0) impl.tags.erase(slot.serial);
        if (cancelled) {
          slot.result = Error{Errc::cancelled, "the check was cancelled"};
        } else {
          std::ostringstream message;
          message << "no answer for " << queryLabel(queries[i]) << " in time (the resolver did not respond";
          if (!deadline.expired()) message << " within " << seconds << " s";
          message << ")";
          slot.result = Error{Errc::dns_timeout, message.str()};
        }
      }
      break;
    }
    const auto wait = std::min(queryDeadline.remaining(), limits::kCancelPollInterval);
    pollfd readable{ub_fd(impl.ctx.get()), POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(wait.count())) > 0) ub_process(impl.ctx.get());
  }

  std::vector<Result<Answer>> results;
  results.reserve(slots.size());
  for (Impl::Slot& slot : slots) results.push_back(std::move(*slot.result));
  return results;
}

Result<Answer> Resolver::resolve(const Query& query, Deadline deadline, const CancelToken& cancel) {
  auto results = resolveAll(std::span<const Query>(&query, 1), deadline, cancel);
  return std::move(results.front());
}

}  // namespace mxh::dns

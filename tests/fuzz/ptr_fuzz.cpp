// Fuzz target: PTR RDATA (RFC 1035 §3.3.12) and whole PTR answers from a hostile DNS server.
// The input is decoded as one PTR RDATA, then read as an answer: a control octet (outcome,
// DNSSEC state, address family, forward answers), then records, each a length octet and data.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/reputation/reverse_dns.h"
#include "core/limits.h"
#include "dns/wire.h"
#include "fuzz_input.h"

namespace {

using mxh::checks::PtrStatus;

constexpr std::size_t kMaxRecords = 40;  // above the reader's own cap
const std::vector<std::string> kAccepted = {"mail.example.com", "MX.Example.NET."};

// Control octet: bits 0-1 outcome (0, 1: data; 2: NODATA or NXDOMAIN; 3: a failed lookup),
// bits 2-3 DNSSEC state, bit 4 IPv6, bits 5-7 how many forward answers confirmPtr gets.
mxh::Result<mxh::dns::Answer> fabricateAnswer(std::span<const std::uint8_t> bytes) {
  const std::uint8_t control = bytes.empty() ? 0 : bytes[0];
  if ((control & 3U) == 3U) return mxh::Error{mxh::Errc::dns_servfail, "SERVFAIL"};
  return mxh::fuzz::answerFromBytes(bytes, kMaxRecords);
}

bool hasUpper(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// A host name in wire format, as a zone would hold it.
std::vector<std::uint8_t> encodeName(std::string_view name) {
  std::vector<std::uint8_t> wire;
  while (!name.empty()) {
    const std::size_t dot = std::min(name.find('.'), name.size());
    wire.push_back(static_cast<std::uint8_t>(dot));
    wire.insert(wire.end(), name.begin(), name.begin() + static_cast<std::ptrdiff_t>(dot));
    name.remove_prefix(std::min(dot + 1, name.size()));
  }
  wire.push_back(0);
  return wire;
}

void checkDecodePtr(std::span<const std::uint8_t> bytes) {
  const auto name = mxh::dns::decodePtr(bytes);
  if (!name) return;
  // The whole RDATA is one name, lower case, no trailing dot ("." alone is the root).
  if (name->empty() || bytes.size() > 255 || hasUpper(*name)) std::abort();
  if ((*name == ".") != (bytes.size() == 1 && bytes[0] == 0)) std::abort();
  if (*name != "." && name->back() == '.') std::abort();
  // A host name decodes from exactly the lower-cased wire form.
  if (mxh::dns::isHostName(*name)) {
    std::vector<std::uint8_t> lower(bytes.begin(), bytes.end());
    for (auto& byte : lower) {
      if (byte >= 'A' && byte <= 'Z') byte = static_cast<std::uint8_t>(byte - 'A' + 'a');
    }
    if (encodeName(*name) != lower) std::abort();
  }
}

void checkFindings(const mxh::checks::PtrReport& report, const mxh::dns::IpAddress& address) {
  (void)mxh::checks::toJson(report).dump();  // throws on text that is not valid UTF-8
  for (const auto& finding : mxh::checks::ptrFindings("mail.example.com", address.toString(), report)) {
    if (finding.code.empty() || finding.message.empty()) std::abort();
    (void)nlohmann::ordered_json(finding.message).dump();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  checkDecodePtr(bytes);

  const auto answer = fabricateAnswer(bytes);
  if (answer) {
    for (const auto& rdata : answer->rdata) checkDecodePtr(rdata);
  }

  // Round 1: the names, capped, those of the MX host first.
  auto report = mxh::checks::readPtrAnswer(answer, kAccepted);
  const auto isAccepted = [](const std::string& name) {
    return std::any_of(kAccepted.begin(), kAccepted.end(),
                       [&](const std::string& accepted) { return mxh::dns::sameName(name, accepted); });
  };
  if (report.names.size() > mxh::limits::kMaxPtrNamesPerAddress) std::abort();
  for (std::size_t i = 0; i < report.names.size(); ++i) {
    const std::string& name = report.names[i];
    if (name.empty() || name.size() > mxh::limits::kMaxDomainLength + 2) std::abort();
    if (std::count(report.names.begin(), report.names.end(), name) != 1) std::abort();
    if (i > 0 && isAccepted(name) && !isAccepted(report.names[i - 1])) std::abort();
  }
  if (report.names.empty()) {
    if (report.status != PtrStatus::none && report.status != PtrStatus::unknown) std::abort();
    if ((report.status == PtrStatus::unknown) != report.error.has_value()) std::abort();
  } else if (report.status != PtrStatus::unconfirmed || report.error || !report.matchesMx) {
    std::abort();
  }

  // Round 2: forward answers for some of the names.
  const std::uint8_t control = bytes.empty() ? 0 : bytes[0];
  static constexpr std::array<std::uint8_t, 4> kV4 = {192, 0, 2, 25};
  static constexpr std::array<std::uint8_t, 16> kV6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25};
  const auto address = (control & 0x10U) != 0 ? mxh::dns::IpAddress::fromV6(kV6) : mxh::dns::IpAddress::fromV4(kV4);
  std::vector<std::optional<mxh::Result<mxh::dns::Answer>>> forward;
  const std::size_t forwardCount = control >> 5U;
  for (std::size_t i = 0; i < forwardCount; ++i) {
    const std::uint8_t kind = size > 1 ? bytes[1 + i % (size - 1)] : 0;
    switch (kind & 3U) {
      case 0: forward.emplace_back(std::nullopt); break;
      case 1: forward.emplace_back(mxh::Error{mxh::Errc::dns_timeout, "timeout"}); break;
      default: {
        mxh::dns::Answer a;
        a.outcome = mxh::dns::Outcome::data;
        a.dnssec = (kind & 4U) != 0 ? mxh::dns::DnssecState::bogus : mxh::dns::DnssecState::secure;
        if ((kind & 3U) == 2U) {
          a.rdata.emplace_back(address.bytes().begin(), address.bytes().end());
        } else if (answer && !answer->rdata.empty()) {
          a.rdata.push_back(answer->rdata[i % answer->rdata.size()]);
        }
        forward.emplace_back(std::move(a));
      }
    }
  }
  const auto names = report.names;
  mxh::checks::confirmPtr(report, address, kAccepted, forward);
  if (report.names != names) std::abort();
  switch (report.status) {
    case PtrStatus::ok:
      if (report.forwardConfirmed != true || report.matchesMx != true) std::abort();
      break;
    case PtrStatus::mismatch:
      if (report.forwardConfirmed != true) std::abort();
      break;
    case PtrStatus::unconfirmed:
      if (!names.empty() && report.forwardConfirmed != false) std::abort();
      break;
    case PtrStatus::unknown:
      if (!report.error) std::abort();
      break;
    case PtrStatus::none:
      if (!names.empty()) std::abort();
      break;
  }
  checkFindings(report, address);
  return 0;
}

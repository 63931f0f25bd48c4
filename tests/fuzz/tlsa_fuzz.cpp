// Fuzz target: TLSA RDATA (RFC 6698) from a hostile DNS server: parsed, judged usable for SMTP
// (full certificates and keys go through OpenSSL's DER parsers) and shown as hex.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "core/limits.h"
#include "tls/dane.h"

namespace {

bool isLowerHex(const std::string& text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

unsigned nibble(char c) {
  return c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>(c - 'a' + 10);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);

  // toHex on anything: two lower-case digits per octet, in order.
  const std::string hex = mxh::tls::toHex(bytes);
  if (hex.size() != 2 * size || !isLowerHex(hex)) std::abort();
  for (std::size_t i = 0; i < size; ++i) {
    if (nibble(hex[2 * i]) != bytes[i] >> 4U || nibble(hex[2 * i + 1]) != (bytes[i] & 0x0fU)) std::abort();
  }

  const auto record = mxh::tls::parseTlsaRdata(bytes);
  const bool fits = size >= 3 && size - 3 <= mxh::limits::kMaxTlsaDataLength;
  if (record.ok() != fits) std::abort();
  if (!record) return 0;
  if (record->usage != bytes[0] || record->selector != bytes[1] || record->matchingType != bytes[2]) std::abort();
  if (record->data.size() != size - 3 || !std::equal(record->data.begin(), record->data.end(), bytes.begin() + 3)) {
    std::abort();
  }

  if (mxh::tls::usableForSmtp(*record)) {
    // RFC 7672 §3.1: DANE-TA or DANE-EE, Cert or SPKI, Full / SHA2-256 / SHA2-512 of the right length.
    if (record->usage != mxh::tls::kDaneTa && record->usage != mxh::tls::kDaneEe) std::abort();
    if (record->selector != mxh::tls::kSelectorCert && record->selector != mxh::tls::kSelectorSpki) std::abort();
    switch (record->matchingType) {
      case mxh::tls::kMatchFull:
        if (record->data.empty()) std::abort();
        break;
      case mxh::tls::kMatchSha256:
        if (record->data.size() != 32) std::abort();
        break;
      case mxh::tls::kMatchSha512:
        if (record->data.size() != 64) std::abort();
        break;
      default: std::abort();
    }
  }

  const std::string dataHex = mxh::tls::toHex(record->data);
  if (dataHex.size() != 2 * record->data.size() || dataHex != hex.substr(6)) std::abort();

  // The presentation form: "U S M " then the data's hex, cut (with "…") at the limit.
  const std::size_t limit = size % 80;
  const std::string text = mxh::tls::tlsaToText(*record, limit);
  const std::string prefix = std::to_string(record->usage) + " " + std::to_string(record->selector) + " " +
                             std::to_string(record->matchingType) + " ";
  if (text.rfind(prefix, 0) != 0) std::abort();
  const std::string shown = text.substr(prefix.size());
  if (dataHex.size() <= limit) {
    if (shown != dataHex) std::abort();
  } else if (shown != dataHex.substr(0, limit) + "\u2026") {
    std::abort();
  }
  return 0;
}

#include "tls/dane.h"

#include <limits>
#include <memory>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/limits.h"
#include "tls/openssl_handles.h"

namespace mxh::tls {
namespace {

constexpr std::size_t kSha256Length = 32;
constexpr std::size_t kSha512Length = 64;

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

Error malformed(const std::string& what) {
  return Error{Errc::dns_malformed, "malformed TLSA record: " + what};
}

// Whether `der` is exactly one DER certificate (selector 0) or SubjectPublicKeyInfo (selector 1).
bool parsesAsDer(std::uint8_t selector, const std::vector<std::uint8_t>& der) {
  if (der.empty() || der.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) return false;
  const unsigned char* cursor = der.data();
  const auto length = static_cast<long>(der.size());
  if (selector == kSelectorCert) {
    const X509Ptr cert(d2i_X509(nullptr, &cursor, length));
    return cert && cursor == der.data() + der.size();
  }
  const std::unique_ptr<EVP_PKEY, EvpPkeyFree> key(d2i_PUBKEY(nullptr, &cursor, length));
  return key && cursor == der.data() + der.size();
}

}  // namespace

Result<TlsaRecord> parseTlsaRdata(std::span<const std::uint8_t> rdata) {
  // RFC 6698 §2.1: three one-octet fields, then the association data (at least one octet,
  // §2.1.4 does not allow it empty; an empty one is kept and judged unusable).
  if (rdata.size() < 3) return malformed("shorter than 3 octets");
  if (rdata.size() - 3 > limits::kMaxTlsaDataLength) {
    return malformed("association data longer than " + std::to_string(limits::kMaxTlsaDataLength) + " octets");
  }
  TlsaRecord record;
  record.usage = rdata[0];
  record.selector = rdata[1];
  record.matchingType = rdata[2];
  record.data.assign(rdata.begin() + 3, rdata.end());
  return record;
}

bool usableForSmtp(const TlsaRecord& record) {
  if (record.usage != kDaneTa && record.usage != kDaneEe) return false;
  if (record.selector != kSelectorCert && record.selector != kSelectorSpki) return false;
  switch (record.matchingType) {
    case kMatchFull: return parsesAsDer(record.selector, record.data);
    case kMatchSha256: return record.data.size() == kSha256Length;
    case kMatchSha512: return record.data.size() == kSha512Length;
    default: return false;
  }
}

std::string toHex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t byte : bytes) {
    out += kDigits[byte >> 4U];
    out += kDigits[byte & 0x0fU];
  }
  return out;
}

std::string tlsaToText(const TlsaRecord& record, std::size_t maxDataHex) {
  std::string hex = toHex(record.data);
  if (hex.size() > maxDataHex) {
    hex.resize(maxDataHex);
    hex += "…";
  }
  return std::to_string(record.usage) + " " + std::to_string(record.selector) + " " +
         std::to_string(record.matchingType) + " " + hex;
}

}  // namespace mxh::tls

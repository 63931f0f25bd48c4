// DANE TLSA records (RFC 6698) as SMTP uses them (RFC 7672): decoding the wire form, which
// records an SMTP sender may use, and what OpenSSL's DANE verification said about a server.
// Pure functions and values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/result.h"

namespace mxh::tls {

// RFC 6698 §2.1 / RFC 7218 names of the fields' values.
enum TlsaUsage : std::uint8_t { kPkixTa = 0, kPkixEe = 1, kDaneTa = 2, kDaneEe = 3 };
enum TlsaSelector : std::uint8_t { kSelectorCert = 0, kSelectorSpki = 1 };
enum TlsaMatching : std::uint8_t { kMatchFull = 0, kMatchSha256 = 1, kMatchSha512 = 2 };

struct TlsaRecord {
  std::uint8_t usage = 0;
  std::uint8_t selector = 0;
  std::uint8_t matchingType = 0;
  std::vector<std::uint8_t> data;  // certificate association data, binary

  bool operator==(const TlsaRecord&) const = default;
};

// One TLSA RDATA (usage, selector, matching type, data). Errors (dns.resolver) for records
// shorter than 3 octets or with more than limits::kMaxTlsaDataLength octets of data; a record with no
// data parses, and usableForSmtp judges it unusable.
Result<TlsaRecord> parseTlsaRdata(std::span<const std::uint8_t> rdata);

// Whether an SMTP sender uses the record for DANE (RFC 7672 §3.1): usage DANE-TA(2) or DANE-EE(3),
// selector Cert(0) or SPKI(1), matching type Full(0), SHA2-256(1) or SHA2-512(2), and data of the
// right form (a digest of the digest's length; a full certificate or public key that parses).
// PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP (RFC 7672 §3.1.3).
bool usableForSmtp(const TlsaRecord& record);

// Lower-case hex of the bytes, e.g. "0a1b".
std::string toHex(std::span<const std::uint8_t> bytes);
// "3 1 1 <hex>", the presentation form (the data cut to `maxDataHex` hex digits, then "…").
std::string tlsaToText(const TlsaRecord& record, std::size_t maxDataHex = 64);

// The TLSA records that apply to one TLS connection, and the TLSA base domain (RFC 7671 §7:
// the MX host name), which is also the name that DANE-TA(2) chains are checked against.
struct DaneInput {
  std::string baseDomain;
  std::vector<TlsaRecord> records;  // records failing usableForSmtp are left out of the check
};

// What OpenSSL's DANE verification said about the chain the server presented.
struct DaneOutcome {
  bool verified = false;              // a usable TLSA record authenticated the chain
  std::optional<TlsaRecord> matched;  // the record that did (when verified)
  std::optional<int> matchDepth;      // 0: the server certificate; more: an issuer in the chain
  std::optional<std::string> error;   // why not (when not verified), e.g. "no matching DANE TLSA records"
};

}  // namespace mxh::tls

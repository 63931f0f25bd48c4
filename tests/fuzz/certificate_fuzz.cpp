// Fuzz target: a certificate a hostile mail server sends, as DER. What mxhealth reads from it
// (subject, issuer, subjectAltNames, dates, key) reaches the report, the terminal and the popup:
// every string must be printable, valid UTF-8 and bounded, whatever the certificate holds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>
#include <openssl/x509.h>

#include "core/limits.h"
#include "core/text.h"
#include "tls/certificate.h"

namespace {

// 2026-12-05: a fixed "now", so a run is reproducible.
constexpr std::time_t kNow = 1796428800;

void mustBeShowable(const std::string& text, std::size_t maxLength) {
  const mxh::UnsafeBytes unsafe = mxh::findUnsafeBytes(text);
  if (unsafe.nul || unsafe.escapeSequence || unsafe.control || unsafe.invalidUtf8) std::abort();
  // Escapes (\xNN) and a closing "…" may make the shown text longer than what was kept.
  if (text.size() > 4 * maxLength + 8) std::abort();
  (void)nlohmann::json(text).dump();  // throws, and so aborts, on invalid UTF-8
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const unsigned char* cursor = data;
  X509* parsed = d2i_X509(nullptr, &cursor, static_cast<long>(size));
  if (parsed == nullptr) return 0;
  const mxh::tls::CertificateInfo info = mxh::tls::describeCertificate(*parsed, kNow);
  mustBeShowable(info.subject, mxh::limits::kMaxNameText);
  mustBeShowable(info.issuer, mxh::limits::kMaxNameText);
  if (info.sans.size() > mxh::limits::kMaxSans) std::abort();
  for (const std::string& san : info.sans) mustBeShowable(san, mxh::limits::kMaxDomainLength + 2);
  mustBeShowable(info.notBefore, 32);
  mustBeShowable(info.notAfter, 32);
  mustBeShowable(info.keyType, 64);
  mustBeShowable(info.signatureAlgorithm, 128);
  (void)mxh::tls::certificateMatchesHost(*parsed, "mx.example.test");
  (void)mxh::tls::certificateMatchesHost(*parsed, "");
  X509_free(parsed);
  return 0;
}

// What a TLS peer certificate says, in the terms a person checks: who it is for, who issued
// it, when it expires, its key and signature algorithm.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include <openssl/x509.h>

namespace mxh::tls {

struct CertificateInfo {
  std::string subject;            // RFC 2253 form, sanitized
  std::vector<std::string> sans;  // DNS names and IP addresses of the subjectAltName
  std::string issuer;
  std::string notBefore;  // RFC 3339 UTC
  std::string notAfter;
  long long daysLeft = 0;  // whole days until notAfter; negative once expired
  std::string keyType;     // "RSA", "EC", "ED25519", …
  int keyBits = 0;
  std::string signatureAlgorithm;  // e.g. "sha256WithRSAEncryption"
};

// `now` is a parameter so tests can look at a certificate from another day.
CertificateInfo describeCertificate(const X509& certificate, std::time_t now);

// Whether the certificate is valid for `host` (subjectAltName DNS names, RFC 6125 wildcards).
bool certificateMatchesHost(const X509& certificate, const std::string& host);

}  // namespace mxh::tls

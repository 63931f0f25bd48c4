#include "tls/certificate.h"

#include <arpa/inet.h>

#include <array>
#include <cstdio>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "core/limits.h"
#include "core/text.h"
#include "tls/openssl_handles.h"

namespace mxh::tls {
namespace {

std::string nameToString(const X509_NAME* name) {
  if (name == nullptr) return {};
  const BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) return {};
  return sanitizeForDisplay(std::string_view(data, static_cast<std::size_t>(length)), limits::kMaxNameText);
}

std::string timeToRfc3339(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return "1970-01-01T00:00:00Z";
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text.data();
}

std::vector<std::string> subjectAltNames(const X509& certificate) {
  std::vector<std::string> sans;
  const GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(&certificate, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return sans;
  const int count = sk_GENERAL_NAME_num(names.get());
  for (int i = 0; i < count && sans.size() < limits::kMaxSans; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      sans.push_back(sanitizeForDisplay(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                                         static_cast<std::size_t>(ASN1_STRING_length(dns))),
                                        limits::kMaxDomainLength + 2));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      std::array<char, 64> text{};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if ((ASN1_STRING_length(ip) == 4 || ASN1_STRING_length(ip) == 16) &&
          inet_ntop(family, ASN1_STRING_get0_data(ip), text.data(), static_cast<socklen_t>(text.size()))) {
        sans.emplace_back(text.data());
      }
    }
  }
  return sans;
}

}  // namespace

CertificateInfo describeCertificate(const X509& certificate, std::time_t now) {
  CertificateInfo info;
  info.subject = nameToString(X509_get_subject_name(&certificate));
  info.issuer = nameToString(X509_get_issuer_name(&certificate));
  info.sans = subjectAltNames(certificate);
  info.notBefore = timeToRfc3339(X509_get0_notBefore(&certificate));
  info.notAfter = timeToRfc3339(X509_get0_notAfter(&certificate));

  // Whole days left, rounded down, so a certificate expiring in 3 hours has 0 days left and one
  // that expired 3 hours ago has -1.
  ASN1_TIME* nowAsn1 = ASN1_TIME_set(nullptr, now);
  int days = 0;
  int seconds = 0;
  if (nowAsn1 != nullptr && ASN1_TIME_diff(&days, &seconds, nowAsn1, X509_get0_notAfter(&certificate)) == 1) {
    info.daysLeft = days - ((days <= 0 && seconds < 0) ? 1 : 0);
  }
  ASN1_TIME_free(nowAsn1);

  if (const EVP_PKEY* key = X509_get0_pubkey(&certificate); key != nullptr) {
    switch (EVP_PKEY_get_base_id(key)) {
      case EVP_PKEY_RSA: info.keyType = "RSA"; break;
      case EVP_PKEY_EC: info.keyType = "EC"; break;
      case EVP_PKEY_ED25519: info.keyType = "ED25519"; break;
      case EVP_PKEY_ED448: info.keyType = "ED448"; break;
      case EVP_PKEY_DSA: info.keyType = "DSA"; break;
      default: {
        const char* name = EVP_PKEY_get0_type_name(key);
        info.keyType = name != nullptr ? sanitizeForDisplay(name, 40) : "unknown";
      }
    }
    info.keyBits = EVP_PKEY_get_bits(key);
  }
  const int signatureNid = X509_get_signature_nid(&certificate);
  const char* signature = OBJ_nid2ln(signatureNid);
  info.signatureAlgorithm = signature != nullptr ? signature : "unknown";
  return info;
}

bool certificateMatchesHost(const X509& certificate, const std::string& host) {
  return X509_check_host(const_cast<X509*>(&certificate), host.c_str(), host.size(),
                         X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
}

}  // namespace mxh::tls

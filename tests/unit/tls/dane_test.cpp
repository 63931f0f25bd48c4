#define BOOST_TEST_MODULE tls_dane
#include "tls/dane.h"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "test_pki.h"
#include "tls/tls_client.h"

using mxh::tls::DaneInput;
using mxh::tls::DaneOutcome;
using mxh::tls::TlsaRecord;
using mxh::tls::usableForSmtp;
using namespace mxh::testing;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes rdata(std::uint8_t usage, std::uint8_t selector, std::uint8_t matching, const Bytes& data) {
  Bytes out(3 + data.size());
  out[0] = usage;
  out[1] = selector;
  out[2] = matching;
  std::copy(data.begin(), data.end(), out.begin() + 3);
  return out;
}

struct HandshakeResult {
  mxh::tls::TlsInfo info;
  std::optional<DaneOutcome> dane;
};

// One real TLS handshake: the client side is mxhealth's, the server presents `pki`'s chain.
HandshakeResult handshake(const TestPki& pki, const std::optional<std::string>& caFile,
                          const std::optional<DaneInput>& dane, const std::string& serverName = "mx.dane.test") {
  auto client = mxh::tls::TlsClientContext::create(caFile);
  BOOST_REQUIRE(client.ok());
  const auto server = serverContext(pki);
  const auto [clientFd, serverFd] = socketPair();
  std::optional<mxh::Result<mxh::tls::TlsSession>> session;
  {
    TlsServerThread peer(server.get(), serverFd);
    session.emplace(mxh::tls::TlsSession::handshake(
        *client, clientFd, serverName, mxh::Deadline::after(std::chrono::seconds(10)), mxh::CancelToken(), dane));
    if (session->ok()) (*session)->close();
    ::close(clientFd);  // the server thread reads until the client is gone
  }
  BOOST_REQUIRE_MESSAGE(session->ok(), (session->ok() ? "" : session->error().message));
  return {(*session)->info(), (*session)->dane()};
}

TlsaRecord eeSpki(const TestPki& pki) {
  return {3, 1, 1, sha256(spkiDer(pki.server.get()))};
}
TlsaRecord taCert(const TestPki& pki) {
  return {2, 0, 1, sha256(certDer(pki.ca.get()))};
}
TlsaRecord wrongEe() {
  return {3, 1, 1, Bytes(32, 0xab)};
}

DaneInput daneFor(std::vector<TlsaRecord> records) {
  return {"mx.dane.test", std::move(records)};
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(IgnoreSigpipe);

BOOST_AUTO_TEST_SUITE(dane_test)

BOOST_AUTO_TEST_CASE(tlsa_rdata_is_decoded) {
  const Bytes digest(32, 0x5a);
  auto record = mxh::tls::parseTlsaRdata(rdata(3, 1, 1, digest));
  BOOST_REQUIRE(record.ok());
  BOOST_TEST(record->usage == 3);
  BOOST_TEST(record->selector == 1);
  BOOST_TEST(record->matchingType == 1);
  BOOST_TEST(record->data == digest);
}

BOOST_AUTO_TEST_CASE(malformed_tlsa_rdata_is_an_error) {
  BOOST_TEST(!mxh::tls::parseTlsaRdata(Bytes{}).ok());
  BOOST_TEST(!mxh::tls::parseTlsaRdata(Bytes{3, 1}).ok());
  BOOST_TEST((mxh::tls::parseTlsaRdata(Bytes{3, 1}).error().code == mxh::Errc::dns_malformed));
  // Over the data cap: refused before it is copied.
  BOOST_TEST(!mxh::tls::parseTlsaRdata(rdata(3, 0, 0, Bytes(mxh::limits::kMaxTlsaDataLength + 1, 1))).ok());
  BOOST_TEST(mxh::tls::parseTlsaRdata(rdata(3, 0, 0, Bytes(mxh::limits::kMaxTlsaDataLength, 1))).ok());
  // No data at all: decodable, but no use to anyone.
  auto empty = mxh::tls::parseTlsaRdata(Bytes{3, 1, 1});
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->data.empty());
  BOOST_TEST(!usableForSmtp(*empty));
}

BOOST_AUTO_TEST_CASE(only_dane_usages_with_known_parameters_are_usable) {
  const Bytes d256(32, 1);
  const Bytes d512(64, 1);
  BOOST_TEST(usableForSmtp({3, 1, 1, d256}));
  BOOST_TEST(usableForSmtp({3, 0, 1, d256}));
  BOOST_TEST(usableForSmtp({2, 0, 1, d256}));
  BOOST_TEST(usableForSmtp({2, 1, 2, d512}));
  BOOST_TEST(!usableForSmtp({0, 0, 1, d256}));          // PKIX-TA: not for SMTP (RFC 7672 §3.1.3)
  BOOST_TEST(!usableForSmtp({1, 1, 1, d256}));          // PKIX-EE
  BOOST_TEST(!usableForSmtp({4, 1, 1, d256}));          // unknown usage
  BOOST_TEST(!usableForSmtp({3, 2, 1, d256}));          // unknown selector
  BOOST_TEST(!usableForSmtp({3, 1, 3, d256}));          // unknown matching type
  BOOST_TEST(!usableForSmtp({3, 1, 1, Bytes(31, 1)}));  // wrong digest length
  BOOST_TEST(!usableForSmtp({3, 1, 2, d256}));
}

BOOST_AUTO_TEST_CASE(full_data_must_parse_as_certificate_or_key) {
  const TestPki pki;
  const Bytes cert = certDer(pki.server.get());
  const Bytes spki = spkiDer(pki.server.get());
  BOOST_TEST(usableForSmtp({3, 0, 0, cert}));
  BOOST_TEST(usableForSmtp({3, 1, 0, spki}));
  BOOST_TEST(!usableForSmtp({3, 0, 0, spki}));  // a key where a certificate belongs
  BOOST_TEST(!usableForSmtp({3, 1, 0, Bytes{0x30, 0x03, 0x02, 0x01}}));
  Bytes trailing = cert;
  trailing.push_back(0);
  BOOST_TEST(!usableForSmtp({3, 0, 0, trailing}));
}

BOOST_AUTO_TEST_CASE(records_render_as_hex) {
  BOOST_TEST(mxh::tls::toHex(Bytes{0x00, 0x0f, 0xa0, 0xff}) == "000fa0ff");
  BOOST_TEST(mxh::tls::toHex(Bytes{}).empty());
  BOOST_TEST(mxh::tls::tlsaToText({3, 1, 1, Bytes{0xde, 0xad}}) == "3 1 1 dead");
  BOOST_TEST(mxh::tls::tlsaToText({3, 1, 1, Bytes(40, 0x11)}, 8) == "3 1 1 11111111…");
}

BOOST_AUTO_TEST_CASE(dane_ee_record_that_matches_verifies) {
  const TestPki pki;
  const TlsaRecord record = eeSpki(pki);
  const auto result = handshake(pki, std::nullopt, daneFor({wrongEe(), record}));
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(result.dane->verified);
  BOOST_REQUIRE(result.dane->matched.has_value());
  BOOST_TEST((*result.dane->matched == record));
  BOOST_TEST((result.dane->matchDepth == 0));
  BOOST_TEST(!result.dane->error.has_value());
}

BOOST_AUTO_TEST_CASE(dane_ee_record_that_does_not_match_fails_without_failing_the_handshake) {
  const TestPki pki;
  const auto result = handshake(pki, std::nullopt, daneFor({wrongEe()}));
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(!result.dane->verified);
  BOOST_TEST(!result.dane->matched.has_value());
  BOOST_REQUIRE(result.dane->error.has_value());
  BOOST_TEST(result.dane->error->find("DANE TLSA") != std::string::npos, *result.dane->error);
  BOOST_TEST(!result.info.version.empty());  // the session is up all the same
}

BOOST_AUTO_TEST_CASE(dane_ta_record_for_the_issuing_ca_verifies) {
  const TestPki pki;
  const TlsaRecord record = taCert(pki);
  const auto result = handshake(pki, std::nullopt, daneFor({record}));
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(result.dane->verified, result.dane->error.value_or(""));
  BOOST_REQUIRE(result.dane->matched.has_value());
  BOOST_TEST((*result.dane->matched == record));
  BOOST_TEST((result.dane->matchDepth == 1));
}

// RFC 7672 §3.1.2: with DANE-TA(2) the server certificate must still name the TLSA base domain.
BOOST_AUTO_TEST_CASE(dane_ta_checks_the_name) {
  const TestPki pki({"other.dane.test"});
  const auto result = handshake(pki, std::nullopt, daneFor({taCert(pki)}));
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(!result.dane->verified);
  BOOST_TEST(result.dane->error.value_or("").find("hostname") != std::string::npos, result.dane->error.value_or(""));
}

// RFC 7672 §3.1.1: DANE-EE(3) ignores the names and the validity dates of the certificate.
BOOST_AUTO_TEST_CASE(dane_ee_ignores_names_and_expiry) {
  const TestPki pki({"other.dane.test"}, -3600);  // expired an hour ago
  const auto result = handshake(pki, std::nullopt, daneFor({eeSpki(pki)}));
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(result.dane->verified, result.dane->error.value_or(""));
  BOOST_TEST(!result.info.hostnameMatch);
  BOOST_TEST(!result.info.chainVerified);
}

BOOST_AUTO_TEST_CASE(unusable_records_are_reported_not_checked) {
  const TestPki pki;
  const auto result = handshake(pki, std::nullopt, daneFor({{1, 0, 1, sha256(certDer(pki.server.get()))}}));
  BOOST_REQUIRE(result.dane.has_value());
  BOOST_TEST(!result.dane->verified);
  BOOST_TEST(result.dane->error.value_or("").find("usable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_dane_input_no_dane_outcome) {
  const TestPki pki;
  const auto result = handshake(pki, std::nullopt, std::nullopt);
  BOOST_TEST(!result.dane.has_value());
}

// DANE on the session changes what OpenSSL's own verification means; the PKIX fields must not
// notice: chain_verified, verify_error and hostname_match are the same with DANE off, with a
// matching record and with a mismatching one, for a trusted and an untrusted chain, with the
// right and the wrong name.
BOOST_AUTO_TEST_CASE(pkix_results_are_the_same_with_dane_on) {
  for (const char* name : {"mx.dane.test", "other.dane.test"}) {
    const TestPki pki({name});
    const TempPemFile caFile(pki.ca.get());
    for (const bool trusted : {true, false}) {
      const std::optional<std::string> ca = trusted ? std::optional(caFile.path()) : std::nullopt;
      const auto plain = handshake(pki, ca, std::nullopt);
      BOOST_TEST(plain.info.chainVerified == trusted);
      BOOST_TEST(plain.info.hostnameMatch == (std::string(name) == "mx.dane.test"));
      BOOST_TEST(plain.info.verifyError.has_value() == !trusted);
      for (const auto& records : {std::vector<TlsaRecord>{eeSpki(pki)}, std::vector<TlsaRecord>{wrongEe()},
                                  std::vector<TlsaRecord>{taCert(pki)}}) {
        const auto withDane = handshake(pki, ca, daneFor(records));
        BOOST_REQUIRE(withDane.dane.has_value());
        BOOST_TEST(withDane.info.chainVerified == plain.info.chainVerified);
        BOOST_TEST((withDane.info.verifyError == plain.info.verifyError));
        BOOST_TEST(withDane.info.hostnameMatch == plain.info.hostnameMatch);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

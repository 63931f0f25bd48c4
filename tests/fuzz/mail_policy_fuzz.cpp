// Fuzz target: SPF, DMARC and TLS-RPT records as a hostile DNS server hands them to us. The input
// is "SPF text \0 DMARC text \0 TLS-RPT text \0 TXT RDATA": each text goes to its parser and, as
// a TXT answer, to its reader; the RDATA (which may hold NULs) to decodeTxt and all three readers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/policy/mail_policy.h"
#include "core/limits.h"
#include "core/text.h"
#include "dns/wire.h"
#include "fuzz_input.h"

namespace {

using mxh::checks::PolicyStatus;

std::span<const std::uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Text as TXT RDATA: character-strings of at most 255 octets.
std::vector<std::uint8_t> encodeTxt(std::string_view text) {
  std::vector<std::uint8_t> rdata;
  do {
    const std::size_t length = std::min<std::size_t>(text.size(), 255);
    rdata.push_back(static_cast<std::uint8_t>(length));
    rdata.insert(rdata.end(), text.begin(), text.begin() + static_cast<std::ptrdiff_t>(length));
    text.remove_prefix(length);
  } while (!text.empty());
  return rdata;
}

mxh::Result<mxh::dns::Answer> txtAnswer(std::vector<std::vector<std::uint8_t>> rdata, std::size_t flavour) {
  mxh::dns::Answer answer;
  answer.outcome = mxh::dns::Outcome::data;
  answer.rdata = std::move(rdata);
  answer.dnssec = static_cast<mxh::dns::DnssecState>(flavour % 4);
  if (answer.dnssec == mxh::dns::DnssecState::bogus) answer.whyBogus = "signature expired";
  return answer;
}

// Whatever we put in a report or a finding must survive JSON serialization (valid UTF-8).
void mustSerialize(const nlohmann::ordered_json& json) {
  (void)json.dump();
}

void checkFindings(const std::vector<mxh::checks::Finding>& findings) {
  for (const auto& finding : findings) {
    if (finding.code.empty() || finding.message.empty()) std::abort();
    mustSerialize(nlohmann::ordered_json(finding.message));
  }
}

template <typename Report>
void checkCommon(const Report& report) {
  if (report.status == PolicyStatus::ok && (!report.record || report.error)) std::abort();
  if ((report.status == PolicyStatus::invalid || report.status == PolicyStatus::multiple) && !report.error) {
    std::abort();
  }
  if (report.record && report.record->size() > mxh::limits::kMaxRecordDisplay) std::abort();
  if (report.bogus && report.status != PolicyStatus::unknown) std::abort();
  mustSerialize(mxh::checks::toJson(report));
}

void checkRua(const std::vector<std::string>& rua) {
  if (rua.size() > mxh::limits::kMaxReportUris) std::abort();
  for (const std::string& uri : rua) {
    if (uri.empty() || uri.size() > mxh::limits::kMaxUriDisplay) std::abort();
  }
}

void readAll(const mxh::Result<mxh::dns::Answer>& spfAnswer, const mxh::Result<mxh::dns::Answer>& dmarcAnswer,
             const mxh::Result<mxh::dns::Answer>& tlsRptAnswer) {
  const std::string domain = "example.com";
  mxh::checks::MailPolicyReport report;
  report.spf = mxh::checks::readSpf(spfAnswer, domain);
  report.dmarc = mxh::checks::readDmarc(dmarcAnswer, domain);
  report.tlsRpt = mxh::checks::readTlsRpt(tlsRptAnswer, domain);

  checkCommon(report.spf);
  if (report.spf.status == PolicyStatus::multiple && report.spf.records.size() < 2) std::abort();
  if (report.spf.status != PolicyStatus::ok && (report.spf.all || report.spf.redirect)) std::abort();
  checkCommon(report.dmarc);
  if (report.dmarc.status == PolicyStatus::ok && !report.dmarc.policy) std::abort();
  checkRua(report.dmarc.rua);
  checkCommon(report.tlsRpt);
  if (report.tlsRpt.status == PolicyStatus::ok && report.tlsRpt.rua.empty()) std::abort();
  checkRua(report.tlsRpt.rua);
  checkFindings(mxh::checks::mailPolicyFindings(domain, report));
}

bool isPolicyValue(std::string_view value) {
  return value == "none" || value == "quarantine" || value == "reject";
}

void parseAll(std::string_view spfText, std::string_view dmarcText, std::string_view tlsRptText) {
  if (const auto spf = mxh::checks::parseSpf(spfText); spf) {
    if (!mxh::checks::isSpfRecord(spfText)) std::abort();
    if (spf->all && *spf->all != "+all" && *spf->all != "-all" && *spf->all != "~all" && *spf->all != "?all") {
      std::abort();
    }
    if (spf->redirect && spf->redirect->empty()) std::abort();
  } else if (spf.error().message.empty()) {
    std::abort();
  }

  if (const auto dmarc = mxh::checks::parseDmarc(dmarcText); dmarc) {
    if (!isPolicyValue(dmarc->policy)) std::abort();
    if (dmarc->subdomainPolicy && !isPolicyValue(*dmarc->subdomainPolicy)) std::abort();
    if (dmarc->pct && (*dmarc->pct < 0 || *dmarc->pct > 100)) std::abort();
    for (const std::string& uri : dmarc->rua) {
      if (uri.empty() || uri.front() == ' ' || uri.back() == ' ') std::abort();
    }
  }

  if (const auto tlsRpt = mxh::checks::parseTlsRpt(tlsRptText); tlsRpt) {
    if (!mxh::checks::isTlsRptRecord(tlsRptText) || tlsRpt->rua.empty()) std::abort();
    for (const std::string& uri : tlsRpt->rua) {
      const std::string lower = mxh::toLowerAscii(uri);
      const bool mailto = lower.starts_with("mailto:") && lower.size() > 7 && lower.find('@') != std::string::npos;
      const bool https = lower.starts_with("https://") && lower.size() > 8;
      if (!mailto && !https) std::abort();
    }
  }
}

// decodeTxt against a straightforward reading of RFC 1035 §3.3.14.
void checkDecodeTxt(std::span<const std::uint8_t> rdata) {
  std::string expected;
  bool valid = true;
  for (std::size_t at = 0; at < rdata.size();) {
    const std::size_t length = rdata[at];
    if (at + 1 + length > rdata.size()) {
      valid = false;
      break;
    }
    expected.append(reinterpret_cast<const char*>(rdata.data()) + at + 1, length);
    at += 1 + length;
  }
  const auto text = mxh::dns::decodeTxt(rdata, mxh::limits::kMaxTxtLength);
  if (text.ok() != valid) std::abort();
  if (!text) return;
  // The start of the text, at most the cap, and the length of the whole.
  if (text->length != expected.size() || text->text != expected.substr(0, mxh::limits::kMaxTxtLength)) std::abort();
  if (text->complete() != (expected.size() <= mxh::limits::kMaxTxtLength)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parts = mxh::fuzz::splitParts(input, 3);
  const std::string_view spfText = parts[0];
  const std::string_view dmarcText = parts[1];
  const std::string_view tlsRptText = parts[2];
  const std::span<const std::uint8_t> rdata = bytesOf(parts[3]);

  // The parsers on their own parts, then on the decoded RDATA.
  parseAll(spfText, dmarcText, tlsRptText);
  checkDecodeTxt(rdata);
  if (const auto text = mxh::dns::decodeTxt(rdata, mxh::limits::kMaxTxtLength); text) {
    parseAll(text->text, text->text, text->text);
  }

  // The readers, as checkMailPolicies drives them: each text as its own TXT answer, then the raw
  // RDATA as every name's answer.
  readAll(txtAnswer({encodeTxt(spfText)}, size), txtAnswer({encodeTxt(dmarcText)}, size),
          txtAnswer({encodeTxt(tlsRptText)}, size));
  const auto raw = txtAnswer({std::vector<std::uint8_t>(rdata.begin(), rdata.end())}, size / 4);
  readAll(raw, raw, raw);
  return 0;
}

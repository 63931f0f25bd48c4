#define BOOST_TEST_MODULE checks_report
#include "checks/report/report.h"

#include <boost/test/unit_test.hpp>

using mxh::checks::Assessment;
using mxh::checks::Dimension;
using mxh::checks::dimensionOf;
using mxh::checks::DimensionStatus;
using mxh::checks::Severity;
using mxh::checks::Verdict;
using mxh::checks::verdictFor;

namespace {
Assessment allOk() {
  Assessment a;
  for (auto& d : a.dimensions) d.status = DimensionStatus::ok;
  a.headline.kind = "healthy";
  return a;
}
Assessment with(Dimension dimension, DimensionStatus status) {
  Assessment a = allOk();
  a.of(dimension).status = status;
  return a;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(report_test)

BOOST_AUTO_TEST_CASE(an_error_in_what_senders_meet_is_broken) {
  BOOST_TEST((verdictFor(allOk(), false) == Verdict::healthy));
  for (const Dimension d :
       {Dimension::delivery, Dimension::encryption, Dimension::authentication, Dimension::dns_integrity}) {
    BOOST_TEST((verdictFor(with(d, DimensionStatus::error), false) == Verdict::broken));
    BOOST_TEST((verdictFor(with(d, DimensionStatus::warning), false) == Verdict::needs_attention));
  }
}

BOOST_AUTO_TEST_CASE(reputation_and_sender_policies_need_attention_at_most) {
  // A blocklisted MX address hurts mail sent from it; SPF and DMARC concern mail sent in the
  // domain's name: neither stops mail from arriving.
  BOOST_TEST((verdictFor(with(Dimension::reputation, DimensionStatus::error), false) == Verdict::needs_attention));
  BOOST_TEST((verdictFor(with(Dimension::sender_policies, DimensionStatus::error), false) == Verdict::needs_attention));
}

BOOST_AUTO_TEST_CASE(unknown_delivery_needs_attention_other_unknowns_do_not) {
  BOOST_TEST((verdictFor(with(Dimension::delivery, DimensionStatus::unknown), false) == Verdict::needs_attention));
  BOOST_TEST((verdictFor(with(Dimension::reputation, DimensionStatus::unknown), false) == Verdict::healthy));
  BOOST_TEST((verdictFor(with(Dimension::dns_integrity, DimensionStatus::not_applicable), false) == Verdict::healthy));
}

BOOST_AUTO_TEST_CASE(could_not_check_wins) {
  BOOST_TEST((verdictFor(with(Dimension::delivery, DimensionStatus::error), true) == Verdict::could_not_check));
  Assessment a = allOk();
  a.headline.kind = "could_not_check";
  BOOST_TEST((verdictFor(a, false) == Verdict::could_not_check));
}

BOOST_AUTO_TEST_CASE(every_finding_code_has_its_dimension) {
  BOOST_TEST((dimensionOf("mx.null") == Dimension::delivery));
  BOOST_TEST((dimensionOf("smtp.connect_timeout") == Dimension::delivery));
  BOOST_TEST((dimensionOf("smtp.no_starttls") == Dimension::encryption));
  BOOST_TEST((dimensionOf("tls.old_version") == Dimension::encryption));
  BOOST_TEST((dimensionOf("tls.cert_expired") == Dimension::authentication));
  BOOST_TEST((dimensionOf("mta_sts.unreachable") == Dimension::authentication));
  BOOST_TEST((dimensionOf("dane.mismatch") == Dimension::authentication));
  BOOST_TEST((dimensionOf("spf.none") == Dimension::sender_policies));
  BOOST_TEST((dimensionOf("dnsbl.listed") == Dimension::reputation));
  BOOST_TEST((dimensionOf("ptr.mismatch") == Dimension::reputation));
  BOOST_TEST((dimensionOf("dnssec.bogus") == Dimension::dns_integrity));
  BOOST_TEST((dimensionOf("network.port25_blocked") == Dimension::network));
}

BOOST_AUTO_TEST_CASE(names_are_the_documented_ones) {
  BOOST_TEST(mxh::checks::verdictName(Verdict::needs_attention) == "needs_attention");
  BOOST_TEST(mxh::checks::severityName(Severity::warning) == "warning");
  BOOST_TEST(mxh::checks::dimensionName(Dimension::dns_integrity) == "dns_integrity");
  BOOST_TEST(mxh::checks::dimensionStatusName(DimensionStatus::not_applicable) == "not_applicable");
}

BOOST_AUTO_TEST_SUITE_END()

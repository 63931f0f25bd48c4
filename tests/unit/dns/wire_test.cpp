#define BOOST_TEST_MODULE dns_wire
#include "dns/wire.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using Bytes = std::vector<std::uint8_t>;

namespace {

// A name in uncompressed wire format.
Bytes wireName(const std::string& name) {
  Bytes wire;
  std::size_t at = 0;
  while (at < name.size()) {
    const std::size_t dot = std::min(name.find('.', at), name.size());
    wire.push_back(static_cast<std::uint8_t>(dot - at));
    wire.insert(wire.end(), name.begin() + static_cast<std::ptrdiff_t>(at),
                name.begin() + static_cast<std::ptrdiff_t>(dot));
    at = dot + 1;
  }
  wire.push_back(0);
  return wire;
}

// TXT RDATA of the given character-strings.
Bytes txtRdata(const std::vector<std::string>& strings) {
  Bytes rdata;
  for (const std::string& text : strings) {
    rdata.push_back(static_cast<std::uint8_t>(text.size()));
    rdata.insert(rdata.end(), text.begin(), text.end());
  }
  return rdata;
}

mxh::dns::IpAddress ip(const char* text) {
  return *mxh::dns::IpAddress::parse(text);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_test)

BOOST_AUTO_TEST_CASE(mx_with_preference_and_name) {
  const Bytes rdata = {0, 10, 3, 'M', 'x', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0};
  const auto mx = mxh::dns::decodeMx(rdata);
  BOOST_REQUIRE(mx.ok());
  BOOST_TEST(mx->preference == 10);
  BOOST_TEST(mx->exchange == "mx1.example.test");
}

BOOST_AUTO_TEST_CASE(null_mx_is_the_root) {
  const auto mx = mxh::dns::decodeMx(Bytes{0, 0, 0});
  BOOST_REQUIRE(mx.ok());
  BOOST_TEST(mx->preference == 0);
  BOOST_TEST(mx->exchange == ".");
}

BOOST_AUTO_TEST_CASE(odd_bytes_in_labels_are_escaped) {
  const Bytes rdata = {0, 5, 3, 'a', ' ', 0xff, 4, 't', 'e', 's', 't', 0};
  BOOST_TEST(mxh::dns::decodeMx(rdata)->exchange == "a\\032\\255.test");
}

BOOST_AUTO_TEST_CASE(malformed_records_are_errors) {
  BOOST_TEST(!mxh::dns::decodeMx(Bytes{}).ok());
  BOOST_TEST(!mxh::dns::decodeMx(Bytes{0, 10}).ok());
  BOOST_TEST(!mxh::dns::decodeMx(Bytes{0, 10, 5, 'a', 'b', 0}).ok());  // label past the end
  BOOST_TEST(!mxh::dns::decodeMx(Bytes{0, 10, 0xc0, 0x0c}).ok());      // compression pointer
  BOOST_TEST(!mxh::dns::decodeMx(Bytes{0, 10, 1, 'a', 0, 'x'}).ok());  // trailing bytes
  BOOST_TEST(!mxh::dns::decodeMx(Bytes{0, 10, 1, 'a'}).ok());          // no terminating root
  BOOST_TEST(!mxh::dns::decodeA(Bytes{1, 2, 3}).ok());
  BOOST_TEST(!mxh::dns::decodeAaaa(Bytes(15, 0)).ok());
}

BOOST_AUTO_TEST_CASE(names_longer_than_255_octets_are_refused) {
  Bytes rdata = {0, 1};
  for (int i = 0; i < 5; ++i) {
    rdata.push_back(63);
    rdata.insert(rdata.end(), 63, 'a');
  }
  rdata.push_back(0);
  BOOST_TEST(!mxh::dns::decodeMx(rdata).ok());
}

BOOST_AUTO_TEST_CASE(addresses) {
  BOOST_TEST(mxh::dns::decodeA(Bytes{198, 51, 100, 10})->toString() == "198.51.100.10");
  Bytes v6(16, 0);
  v6[0] = 0x20;
  v6[1] = 0x01;
  v6[2] = 0x0d;
  v6[3] = 0xb8;
  v6[15] = 1;
  BOOST_TEST(mxh::dns::decodeAaaa(v6)->toString() == "2001:db8::1");
}

BOOST_AUTO_TEST_CASE(decoded_names_report_their_wire_length) {
  const Bytes wire = {2, 'm', 'x', 4, 't', 'e', 's', 't', 0, 0xff};
  const auto name = mxh::dns::decodeName(wire);
  BOOST_REQUIRE(name.ok());
  BOOST_TEST(name->name == "mx.test");
  BOOST_TEST(name->wireLength == 9U);
}

BOOST_AUTO_TEST_CASE(host_names_are_ldh) {
  BOOST_TEST(mxh::dns::isHostName("mx1.example.test"));
  BOOST_TEST(mxh::dns::isHostName("198.51.100.40"));  // syntactically a name; mx.ip_literal catches it
  BOOST_TEST(!mxh::dns::isHostName("_mx.example.test"));
  BOOST_TEST(!mxh::dns::isHostName("a\\032b.test"));
  BOOST_TEST(!mxh::dns::isHostName("-mx.test"));
  BOOST_TEST(!mxh::dns::isHostName("mx..test"));
  BOOST_TEST(!mxh::dns::isHostName("."));
}

BOOST_AUTO_TEST_CASE(names_compare_like_the_dns) {
  BOOST_TEST(mxh::dns::sameName("MX.Example.test.", "mx.example.test"));
  BOOST_TEST(!mxh::dns::sameName("mx.example.test", "mx2.example.test"));
}

BOOST_AUTO_TEST_CASE(reverse_names_for_ipv4_and_ipv6) {
  BOOST_TEST(mxh::dns::reverseName(ip("198.51.100.25")) == "25.100.51.198.in-addr.arpa");
  BOOST_TEST(mxh::dns::reverseName(ip("10.0.0.255")) == "255.0.0.10.in-addr.arpa");
  // RFC 3596 §2.5: least significant nibble first.
  BOOST_TEST(mxh::dns::reverseName(ip("2001:db8::567:89ab")) ==
             "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  BOOST_TEST(mxh::dns::reverseName(ip("2001:db8:26::25")) ==
             "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.2.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  BOOST_TEST(mxh::dns::reversedAddressLabels(ip("203.0.113.7")) == "7.113.0.203");
}

BOOST_AUTO_TEST_CASE(ptr_rdata_is_decoded_strictly) {
  BOOST_TEST(*mxh::dns::decodePtr(wireName("MX1.Smtp.Test")) == "mx1.smtp.test");
  auto trailing = wireName("mx1.smtp.test");
  trailing.push_back(7);
  BOOST_TEST((mxh::dns::decodePtr(trailing).error().code == mxh::Errc::dns_malformed));
  const Bytes compressed = {3, 'm', 'x', '1', 0xc0, 0x0c};
  BOOST_TEST(!mxh::dns::decodePtr(compressed).ok());
  const Bytes truncated = {5, 'm', 'x'};
  BOOST_TEST(!mxh::dns::decodePtr(truncated).ok());
}

BOOST_AUTO_TEST_CASE(txt_strings_are_joined_without_spaces) {
  const auto text = mxh::dns::decodeTxt(txtRdata({"v=spf1 include:_spf.exa", "mple.com -all"}), 100);
  BOOST_TEST_REQUIRE(text.ok());
  BOOST_TEST(text->text == "v=spf1 include:_spf.example.com -all");
  BOOST_TEST(text->complete());
  BOOST_TEST(mxh::dns::decodeTxt(txtRdata({""}), 100)->text == "");
  BOOST_TEST(mxh::dns::decodeTxt(Bytes{}, 100)->complete());
}

BOOST_AUTO_TEST_CASE(a_txt_string_running_past_the_end_is_malformed) {
  BOOST_TEST((mxh::dns::decodeTxt(Bytes{5, 'a', 'b'}, 100).error().code == mxh::Errc::dns_malformed));
}

BOOST_AUTO_TEST_CASE(a_txt_record_over_the_cap_keeps_its_start_and_its_length) {
  const auto text = mxh::dns::decodeTxt(txtRdata({"v=spf1 ", std::string(255, 'x'), std::string(200, 'y')}), 10);
  BOOST_TEST_REQUIRE(text.ok());
  BOOST_TEST(text->text == "v=spf1 xxx");
  BOOST_TEST(text->length == 462U);
  BOOST_TEST(!text->complete());
}

BOOST_AUTO_TEST_SUITE_END()

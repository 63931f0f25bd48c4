// IP addresses as DNS hands them to us, and whether each is public: the special-purpose ranges
// of RFC 6890 and its successors, which mxhealth reports and does not contact by default.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mxh::dns {

class IpAddress {
 public:
  enum class Family : std::uint8_t { v4, v6 };

  static IpAddress fromV4(std::span<const std::uint8_t, 4> bytes);
  static IpAddress fromV6(std::span<const std::uint8_t, 16> bytes);
  // Text in standard notation ("198.51.100.1", "2001:db8::1"); nullopt when it is not an address.
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] Family family() const { return family_; }
  [[nodiscard]] int version() const { return family_ == Family::v4 ? 4 : 6; }
  // Network-order bytes: 4 for IPv4, 16 for IPv6.
  [[nodiscard]] std::span<const std::uint8_t> bytes() const {
    return {bytes_.data(), family_ == Family::v4 ? 4U : 16U};
  }
  // Canonical text (RFC 5952 for IPv6).
  [[nodiscard]] std::string toString() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

// Where an address belongs. `name` and `reference` are empty for ordinary public unicast.
struct AddressScope {
  bool isPublic = true;
  std::string_view name;       // e.g. "private network (RFC 1918)"
  std::string_view reference;  // e.g. "RFC 1918"
};

AddressScope classifyAddress(const IpAddress& address);

}  // namespace mxh::dns

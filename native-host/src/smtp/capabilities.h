// What a server's EHLO reply says it can do (RFC 5321 §4.1.1.1 and the extension RFCs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smtp/reply.h"

namespace mxh::smtp {

struct Capabilities {
  std::vector<std::string> keywords;  // every line after the greeting line, verbatim (sanitized)
  std::optional<std::uint64_t> size;  // SIZE limit in bytes (RFC 1870); 0 means "no limit given"
  std::vector<std::string> auth;      // AUTH mechanisms (RFC 4954)
  bool starttls = false;              // RFC 3207
  bool pipelining = false;            // RFC 2920
  bool eightBitMime = false;          // RFC 6152
  bool smtpUtf8 = false;              // RFC 6531
  bool chunking = false;              // RFC 3030
  bool dsn = false;                   // RFC 3461
  bool enhancedStatusCodes = false;   // RFC 2034
  bool requireTls = false;            // RFC 8689
};

// From a 250 reply to EHLO: the first line is the server's name, the rest are keywords.
Capabilities parseCapabilities(const Reply& ehloReply);

}  // namespace mxh::smtp

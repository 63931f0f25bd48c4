#include "smtp/capabilities.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "core/limits.h"
#include "core/text.h"

namespace mxh::smtp {

Capabilities parseCapabilities(const Reply& ehloReply) {
  Capabilities caps;
  for (std::size_t i = 1; i < ehloReply.lines.size(); ++i) {
    const std::string& line = ehloReply.lines[i];
    if (line.empty()) continue;
    caps.keywords.push_back(sanitizeForDisplay(line, limits::kMaxKeywordText));
    std::istringstream words(line);
    std::string keyword;
    words >> keyword;
    keyword = toLowerAscii(keyword);
    if (keyword == "starttls") {
      caps.starttls = true;
    } else if (keyword == "pipelining") {
      caps.pipelining = true;
    } else if (keyword == "8bitmime") {
      caps.eightBitMime = true;
    } else if (keyword == "smtputf8") {
      caps.smtpUtf8 = true;
    } else if (keyword == "chunking") {
      caps.chunking = true;
    } else if (keyword == "dsn") {
      caps.dsn = true;
    } else if (keyword == "enhancedstatuscodes") {
      caps.enhancedStatusCodes = true;
    } else if (keyword == "requiretls") {
      caps.requireTls = true;
    } else if (keyword == "size") {
      std::string number;
      std::uint64_t value = 0;
      if (!(words >> number)) {
        caps.size = 0;
      } else if (const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
                 ec == std::errc() && end == number.data() + number.size()) {
        caps.size = value;
      }
    } else if (keyword == "auth" || keyword == "auth=login") {
      std::string mechanism;
      while (words >> mechanism && caps.auth.size() < 32) {
        mechanism = sanitizeForDisplay(mechanism, 40);
        for (char& c : mechanism) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        if (std::find(caps.auth.begin(), caps.auth.end(), mechanism) == caps.auth.end()) {
          caps.auth.push_back(mechanism);
        }
      }
    }
  }
  return caps;
}

}  // namespace mxh::smtp

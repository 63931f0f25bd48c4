// SMTP replies (RFC 5321 §4.2) read from hostile bytes: lines are capped before they are kept,
// a reply has a bounded number of lines, and anything that is not a reply is an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text.h"

namespace mxh::smtp {

struct Reply {
  int code = 0;  // 200..599
  std::vector<std::string>
      lines;  // the text after "NNN-" / "NNN ", sanitized
              // The whole reply as it was sent (sanitized), lines joined by "\n": "220-mx.example\n220 ready".
  // At most `maxLength` bytes, cut at a line boundary (with "…" when lines were left out).
  [[nodiscard]] std::string text(std::size_t maxLength = 4096) const;
  // What the sanitizing of the lines had to escape: bytes no SMTP server should send.
  UnsafeBytes unsafe = {};
};

// Collects bytes until a whole reply has arrived.
class ReplyParser {
 public:
  // Takes complete lines from the front of `buffer`. Returns the reply once its last line is
  // in, nullopt while more bytes are needed, or smtp.protocol when the bytes are not a reply
  // (or exceed the limits). Bytes after the reply stay in `buffer`.
  Result<std::optional<Reply>> consume(std::string& buffer);

 private:
  Reply reply_;
};

}  // namespace mxh::smtp

#include "smtp/reply.h"

#include "core/limits.h"
#include "core/text.h"

namespace mxh::smtp {
namespace {

Error notSmtp(std::string_view line) {
  return Error{Errc::smtp_protocol, "the server's answer is not SMTP: '" + sanitizeForDisplay(line, 60) + "'"};
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string Reply::text(std::size_t maxLength) const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool last = i + 1 == lines.size();
    std::string line = std::to_string(code) + (last ? " " : "-") + lines[i];
    if (line.back() == ' ') line.pop_back();
    if (out.size() + line.size() + 1 > maxLength) {
      out += "\u2026";
      break;
    }
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

Result<std::optional<Reply>> ReplyParser::consume(std::string& buffer) {
  while (true) {
    const auto newline = buffer.find('\n');
    if (newline == std::string::npos) {
      if (buffer.size() > limits::kMaxReplyLineLength) {
        return Error{Errc::smtp_protocol,
                     "the server sent a line longer than " + std::to_string(limits::kMaxReplyLineLength) + " bytes"};
      }
      return std::optional<Reply>{};
    }
    std::string_view line(buffer.data(), newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits::kMaxReplyLineLength) {
      return Error{Errc::smtp_protocol,
                   "the server sent a line longer than " + std::to_string(limits::kMaxReplyLineLength) + " bytes"};
    }
    // "NNN", "NNN text", "NNN-text" (RFC 5321 §4.2.1).
    if (line.size() < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      return notSmtp(line);
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 200 || code > 599) return notSmtp(line);
    if (!reply_.lines.empty() && code != reply_.code) {
      return Error{Errc::smtp_protocol, "the server mixed reply codes " + std::to_string(reply_.code) + " and " +
                                            std::to_string(code) + " in one reply"};
    }
    if (reply_.lines.size() >= limits::kMaxReplyLines) {
      return Error{Errc::smtp_protocol,
                   "the server sent a reply of more than " + std::to_string(limits::kMaxReplyLines) + " lines"};
    }
    reply_.code = code;
    const bool last = line.size() == 3 || line[3] == ' ';
    const std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
    reply_.unsafe.merge(findUnsafeBytes(text));
    reply_.lines.push_back(sanitizeForDisplay(text, limits::kMaxKeywordText * 4));
    buffer.erase(0, newline + 1);
    if (last) {
      Reply done = std::move(reply_);
      reply_ = Reply{};
      return std::optional<Reply>(std::move(done));
    }
  }
}

}  // namespace mxh::smtp

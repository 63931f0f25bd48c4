// Every size cap and time limit of the host in one place, with the hard caps that no request
// or command-line option can exceed. Server and browser bytes are hostile: caps apply first.
#pragma once

#include <chrono>
#include <cstddef>

namespace mxh::limits {

using namespace std::chrono_literals;

// Names (RFC 1035 §2.3.4): 253 characters of text, 63 per label.
inline constexpr std::size_t kMaxDomainLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;
// What we accept as user input at all (a URL may be long); longer input is refused unread.
inline constexpr std::size_t kMaxInputLength = 2048;

// More MX records than any sane domain has; the rest are reported, not checked.
inline constexpr std::size_t kMaxMxRecords = 32;
// Addresses kept per host and address family.
inline constexpr std::size_t kMaxAddressesPerFamily = 16;
// The longest text we keep from a DNS error reason (why_bogus) or similar server text.
inline constexpr std::size_t kMaxReasonLength = 512;
// Items named in one finding's message ("… and 3 more" for the rest).
inline constexpr std::size_t kMaxListedInMessage = 4;

// The whole check (--timeout): default and hard cap.
inline constexpr std::chrono::milliseconds kDefaultCheckTimeout = 30s;
inline constexpr std::chrono::milliseconds kMinCheckTimeout = 1s;
inline constexpr std::chrono::milliseconds kMaxCheckTimeout = 300s;
// One DNS query (it may need several round trips inside the resolver).
inline constexpr std::chrono::milliseconds kDnsQueryTimeout = 10s;
// SMTP probe phases (RFC 5321 §4.5.3.2 suggests minutes; a probe needs an answer in seconds).
// Some servers delay their greeting on purpose (postscreen, tarpits), hence the long default.
inline constexpr std::chrono::milliseconds kDefaultConnectTimeout = 5s;
inline constexpr std::chrono::milliseconds kDefaultGreetingTimeout = 20s;
inline constexpr std::chrono::milliseconds kDefaultReplyTimeout = 10s;
inline constexpr std::chrono::milliseconds kDefaultTlsTimeout = 10s;
inline constexpr std::chrono::milliseconds kMaxPhaseTimeout = 120s;
// QUIT is a courtesy: wait for its reply only briefly.
inline constexpr std::chrono::milliseconds kQuitTimeout = 2s;

// SMTP replies from hostile servers. RFC 5321 §4.5.3.1.5 limits a reply line to 512 octets;
// we allow more, and stop reading well before a server can make us allocate much.
inline constexpr std::size_t kMaxReplyLineLength = 2048;
inline constexpr std::size_t kMaxReplyLines = 100;
// Text kept from a greeting or one EHLO keyword line for the report.
inline constexpr std::size_t kMaxGreetingText = 1024;
inline constexpr std::size_t kMaxKeywordText = 200;
// Bytes read from a socket at a time.
inline constexpr std::size_t kReadChunk = 4096;

// Probes of one check: in parallel, but gently with each server.
inline constexpr std::size_t kMaxParallelProbes = 16;
inline constexpr std::size_t kMaxConnectionsPerAddress = 2;

// How often a waiting loop looks at its cancellation token.
inline constexpr std::chrono::milliseconds kCancelPollInterval = 50ms;

}  // namespace mxh::limits

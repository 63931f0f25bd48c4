// Every size cap and time limit of the host in one place, with the hard caps that no request
// or command-line option can exceed. Server and browser bytes are hostile: caps apply first.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

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
// UDP source ports a resolver context may use: a block of this many at a random place, drawn
// anew for every context (every check). libunbound keeps arrays of every permitted port, per
// address family, in each context: all 64,512 cost about 0.75 MB per check, a block of 4,096
// next to nothing. An off-path spoofer still faces a 16-bit query id, a port within the block
// and a block it does not know.
inline constexpr int kDnsSourcePorts = 4096;
// SMTP probe phases (RFC 5321 §4.5.3.2 suggests minutes; a probe needs an answer in seconds).
// Some servers delay their greeting on purpose (postscreen, tarpits), hence the long default.
inline constexpr std::chrono::milliseconds kDefaultConnectTimeout = 5s;
inline constexpr std::chrono::milliseconds kDefaultGreetingTimeout = 20s;
inline constexpr std::chrono::milliseconds kDefaultReplyTimeout = 10s;
inline constexpr std::chrono::milliseconds kDefaultTlsTimeout = 10s;
inline constexpr std::chrono::milliseconds kMinPhaseTimeout = 1s;
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
// A probe still running after this share of the longest phase timeout has stalled (a tarpit, a
// black hole): it stops counting against kMaxConnectionsPerAddress, so the address's other ports
// start then instead of after a whole phase timeout, and a stalling MX costs at most about 1.2 x
// its slowest phase timeout (20 s greeting: the third port starts after 4 s, all end by 24 s).
inline constexpr int kProbeStallDivisor = 5;

// Check options (the option table, checks/options/option_table.cpp, is their one user): how
// many of each list a check takes, and the longest strings.
inline constexpr std::size_t kMaxPorts = 8;
inline constexpr std::size_t kMaxResolvers = 8;
inline constexpr std::size_t kMaxBlocklists = 32;
// A blocklist zone leaves room in a 253-character query name for the reversed IPv6 address.
inline constexpr std::size_t kMaxBlocklistZoneLength = 200;
inline constexpr std::size_t kMaxDqsKeyLength = 64;
inline constexpr std::size_t kMaxPathLength = kMaxInputLength;

// How often a waiting loop looks at its cancellation token.
inline constexpr std::chrono::milliseconds kCancelPollInterval = 50ms;

// ---- checks/engine/result_cache: recent results, so a popup reopened within minutes answers at once

inline constexpr std::chrono::milliseconds kDefaultCacheTtl = std::chrono::minutes(5);
inline constexpr std::size_t kMaxCachedResults = 256;

// ---- checks/policy/mail_policy

// TXT records of one kind (SPF, DMARC, ...) kept from one answer; more are counted, not kept.
inline constexpr std::size_t kMaxTxtRecords = 64;
// The decoded text of one TXT record kept: a longer record is too long to read (its size is
// reported), which no sender policy comes near (RFC 7208 §3.4 asks SPF to fit in 450 octets).
inline constexpr std::size_t kMaxTxtLength = 8192;
// A record's text as the report shows it (sanitized, cut with "…").
inline constexpr std::size_t kMaxRecordDisplay = 2048;
// Reporting URIs (DMARC rua, TLS-RPT rua) kept, and the length of each.
inline constexpr std::size_t kMaxReportUris = 16;
inline constexpr std::size_t kMaxUriDisplay = 256;

// ---- checks/policy/mta_sts

// A name as a finding shows it (a domain name is at most 253 characters).
inline constexpr std::size_t kMaxNameDisplay = 260;
// A value quoted in an error message or a finding ('…'): enough to recognise it.
inline constexpr std::size_t kMaxQuotedDisplay = 80;
// A file path or a line read from a file, and a server's reply or error text, inside a message
// of ours: capped, control characters escaped.
inline constexpr std::size_t kMaxPathDisplay = 200;
inline constexpr std::size_t kMaxServerTextDisplay = 200;

// A policy body larger than this is refused (RFC 8461 §3.3: 64 KiB).
inline constexpr std::size_t kMaxPolicyBytes = 64 * 1024;
// The policy text as the report shows it, and the mx patterns kept.
inline constexpr std::size_t kMaxPolicyDisplay = 4096;
inline constexpr std::size_t kMaxPolicyMxPatterns = 64;
// Addresses of the policy host tried, one after another, while connections fail.
inline constexpr std::size_t kMaxPolicyAddresses = 4;
// max_age (RFC 8461 §3.2): at most a year.
inline constexpr std::uint32_t kMaxPolicyMaxAge = 31557600;

// ---- checks/report/history

// Entries kept in the history file, and per domain; the oldest go first.
inline constexpr std::size_t kMaxHistoryEntries = 2000;
inline constexpr std::size_t kMaxHistoryEntriesPerDomain = 50;
// A larger file is not read whole: it is the sign of something else writing there.
inline constexpr std::uintmax_t kMaxHistoryFileBytes = 16U * 1024U * 1024U;

// ---- checks/reputation/dnsbl

// Queries of one check (addresses x IP lists + host names x domain lists); the rest are unknown.
inline constexpr std::size_t kMaxBlocklistQueries = 1024;
// A records read from one answer.
inline constexpr std::size_t kMaxBlocklistCodes = 16;
// The blocklist config file is read whole up to this size; a larger file is refused.
inline constexpr std::size_t kMaxBlocklistConfigBytes = 64 * 1024;

// ---- checks/reputation/reverse_dns

// PTR records read from one answer before the names are capped: more is hostile or broken.
inline constexpr std::size_t kMaxPtrRecordsRead = 32;

// PTR names kept per address (sorted, those naming the MX host first); each is looked up.
inline constexpr std::size_t kMaxPtrNamesPerAddress = 4;
// Addresses whose reverse DNS one check looks up; the rest are reported as not checked.
inline constexpr std::size_t kMaxPtrAddresses = 64;
// Forward lookups (A or AAAA of a PTR name) of one check, over all addresses.
inline constexpr std::size_t kMaxPtrForwardLookups = 128;

// ---- cli/doctor

// A host manifest is a few hundred bytes; anything much larger is not one.
inline constexpr std::uintmax_t kMaxManifestBytes = std::uintmax_t{64} * 1024;

// ---- core/log

// One line of the host's log (stderr): longer lines are cut.
inline constexpr std::size_t kMaxLogLine = 2000;

// ---- http/https_get

// Error text kept from the library.
inline constexpr std::size_t kMaxErrorText = 300;
// The whole request (connect, handshake, request, response) unless the caller gives less.
inline constexpr std::chrono::milliseconds kDefaultHttpsTimeout = 10s;
// Bytes of body kept by default; a longer body is cut there and marked truncated.
inline constexpr std::size_t kDefaultMaxBodyBytes = 64 * 1024;
// Longest header values kept from a response (Content-Type, Location).
inline constexpr std::size_t kMaxHeaderValueKept = 256;

// ---- protocol/dispatcher

// Checks at once per host process: each takes up to kMaxParallelProbes connections and threads.
inline constexpr std::size_t kMaxRunningChecks = 8;

// ---- protocol/framing

// Chrome and Firefox cap messages to the host at 4 GB and 4 GiB; we take 1 MiB, far above any
// request the extension sends, so an absurd length is a broken stream, not a big message.
inline constexpr std::uint32_t kMaxInboundFrame = 1024 * 1024;
// Chrome refuses messages from the host above 1 MB.
inline constexpr std::size_t kMaxOutboundFrame = 1000 * 1000;

// ---- protocol/messages

// A request id string.
inline constexpr std::size_t kMaxIdLength = 128;
// No request needs more than a few levels of nesting.
inline constexpr int kMaxJsonDepth = 16;

// ---- tls/certificate

// A certificate name (subject, issuer, each SAN) as the report shows it, and the SANs kept.
inline constexpr std::size_t kMaxNameText = 512;
inline constexpr std::size_t kMaxSans = 100;

// ---- tls/dane

// Certificate association data longer than this is refused (a full certificate is a few KB;
// RDATA may be up to 64 KB).
inline constexpr std::size_t kMaxTlsaDataLength = 8192;
// TLSA records kept per RRset; more are counted, not used.
inline constexpr std::size_t kMaxTlsaRecords = 32;

}  // namespace mxh::limits

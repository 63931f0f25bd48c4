#!/usr/bin/python3
"""A scriptable hostile authoritative DNS server for the mxhealth tests (issue 12).

Every scenario of the table SCENARIOS below is one zone, NAME.hostile.test, whose answers
are broken, oversized or malicious in one particular way: 2,000 MX records, a pointer loop
in a compressed name, an RDLENGTH that lies, a 65,000-byte SPF record, an answer that
drips in one byte at a time, ... Packets are built by hand (nothing here would let a
library "fix" them). Only the Python standard library is used.

    hostdns.py ADDRESS --ready FILE [--port 53] [--log FILE]
        serves every scenario on UDP and TCP port 53 of ADDRESS until SIGTERM; writes FILE
        (our PID) once both listeners are bound
    hostdns.py --list
        prints "NAME<TAB>WHAT" for every scenario

mxhealth uses libunbound as a stub resolver that forwards every query to `--resolver
ADDRESS`, so the tests give it this server as its only resolver (inside the world's
network namespace; tests/integration/test_hostile_dns.py). Like tests/integration/bigdns.py
the server answers only its own zone: every name outside hostile.test is REFUSED, also the
root's DNSKEY, so mxhealth finds no validated root key and checks without DNSSEC (the
report's resolver note says so). A name under hostile.test that no scenario serves is
NXDOMAIN; a name of a scenario without data of the asked type is NODATA (with the SOA).

EDNS: a query with an OPT record gets an OPT record back (UDP payload size 1232). A UDP
answer longer than the client's size (512 without EDNS) is sent with TC set and no records,
as real servers do, so the client retries over TCP; the scenarios that are about
truncation say what they do instead.

The optional log has one line per query, tab-separated:

    TIME<TAB>PROTO<TAB>PEER<TAB>QNAME<TAB>QTYPE<TAB>WHAT-WAS-DONE
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import os
import signal
import struct
import sys
from typing import Callable

ZONE = ("hostile", "test")

TYPE_A, TYPE_NS, TYPE_CNAME, TYPE_SOA, TYPE_MX, TYPE_TXT, TYPE_AAAA, TYPE_OPT = \
    1, 2, 5, 6, 15, 16, 28, 41
TYPE_NAMES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA",
              43: "DS", 48: "DNSKEY", 52: "TLSA"}
RCODE_NOERROR, RCODE_FORMERR, RCODE_NXDOMAIN, RCODE_REFUSED = 0, 1, 3, 5
FLAG_QR, FLAG_AA, FLAG_TC, FLAG_RD = 0x8000, 0x0400, 0x0200, 0x0100

EDNS_PAYLOAD = 1232          # what we advertise and the most we send over UDP
PLAIN_UDP_LIMIT = 512        # RFC 1035 §4.2.1, for a query without EDNS
QNAME_POINTER = b"\xc0\x0c"  # the question's name, at offset 12 of every message we send
TCP_IDLE_S = 30.0            # a TCP client that sends nothing for this long is dropped
DRIP_INTERVAL_S = 0.5        # "drip": one byte of the answer this often
DRIP_MAX_S = 120.0           # ... and never longer than this (a server must end some day)
SILENT_HOLD_S = 60.0         # "silent": how long a TCP connection is held without an answer


# --------------------------------------------------------------------------
# Wire format helpers
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Query:
    qid: int
    rd: bool
    labels: tuple[str, ...]      # lower case, the root is ()
    qtype: int
    question: bytes              # the question section as the client sent it
    edns: bool
    udp_size: int

    @property
    def qname(self) -> str:
        return ".".join(self.labels) or "."


def parse_query(data: bytes) -> Query | None:
    """A query we can answer, or None (not a query, no single question, compression)."""
    if len(data) < 12:
        return None
    qid, flags, qdcount, _, _, arcount = struct.unpack("!HHHHHH", data[:12])
    if flags & FLAG_QR or qdcount != 1:
        return None
    pos, labels = 12, []
    while True:
        if pos >= len(data):
            return None
        length = data[pos]
        pos += 1
        if length == 0:
            break
        if length & 0xC0 or pos + length > len(data):
            return None
        labels.append(data[pos:pos + length].decode("latin-1").lower())
        pos += length
    if pos + 4 > len(data):
        return None
    qtype, _qclass = struct.unpack("!HH", data[pos:pos + 4])
    question = data[12:pos + 4]
    edns, udp_size = False, PLAIN_UDP_LIMIT
    # The only additional record a resolver sends is its OPT (root owner, type 41).
    rest = data[pos + 4:]
    if arcount and len(rest) >= 11 and rest[0] == 0 and struct.unpack("!H", rest[1:3])[0] == TYPE_OPT:
        edns = True
        udp_size = max(PLAIN_UDP_LIMIT, struct.unpack("!H", rest[3:5])[0])
    return Query(qid, bool(flags & FLAG_RD), tuple(labels), qtype, question, edns, udp_size)


def encode_name(*labels: str | bytes) -> bytes:
    """An uncompressed name; labels may be bytes (any octets at all)."""
    out = b""
    for label in labels:
        raw = label if isinstance(label, bytes) else label.encode("ascii")
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def rr(owner: bytes, rtype: int, rdata: bytes, ttl: int = 300, rdlength: int | None = None) -> bytes:
    """One resource record; `rdlength` lies about the RDATA's length when given."""
    length = len(rdata) if rdlength is None else rdlength
    return owner + struct.pack("!HHIH", rtype, 1, ttl, length) + rdata


def mx_rdata(preference: int, exchange: bytes) -> bytes:
    return struct.pack("!H", preference) + exchange


def txt_rdata(text: bytes) -> bytes:
    """TXT RDATA: the text in character-strings of at most 255 octets."""
    chunks = [text[i:i + 255] for i in range(0, len(text), 255)] or [b""]
    return b"".join(bytes([len(c)]) + c for c in chunks)


def opt_record() -> bytes:
    return b"\0" + struct.pack("!HHIH", TYPE_OPT, EDNS_PAYLOAD, 0, 0)


def message(q: Query, *, rcode: int = RCODE_NOERROR, answers: list[bytes] = (),
            authority: list[bytes] = (), tc: bool = False, ancount: int | None = None,
            question: bytes | None = None) -> bytes:
    """A complete answer to `q`: header, the question (or another one), the records, and
    the OPT record when the query had one. `ancount` lies about the number of answers."""
    # REFUSED is no authoritative answer
    flags = (FLAG_QR | (FLAG_AA if rcode != RCODE_REFUSED else 0) | (FLAG_RD if q.rd else 0)
             | (FLAG_TC if tc else 0) | rcode)
    header = struct.pack("!HHHHHH", q.qid, flags, 1,
                         len(answers) if ancount is None else ancount,
                         len(authority), 1 if q.edns else 0)
    return (header + (q.question if question is None else question)
            + b"".join(answers) + b"".join(authority) + (opt_record() if q.edns else b""))


def truncated(q: Query) -> bytes:
    """What a server sends over UDP when the answer does not fit: TC, no records."""
    return message(q, tc=True)


def fit(q: Query, answer: bytes, tcp: bool) -> bytes:
    """The answer as it may go out: over UDP, TC instead of an answer that is too long."""
    if not tcp and len(answer) > (min(q.udp_size, EDNS_PAYLOAD) if q.edns else PLAIN_UDP_LIMIT):
        return truncated(q)
    return answer


def zone_labels(scenario: str) -> tuple[str, ...]:
    return (scenario,) + ZONE


def soa_record(scenario: str) -> bytes:
    apex = encode_name(*zone_labels(scenario))
    rdata = (encode_name("ns", *zone_labels(scenario)) + encode_name("hostmaster", *zone_labels(scenario))
             + struct.pack("!IIIII", 1, 3600, 600, 86400, 60))
    return rr(apex, TYPE_SOA, rdata, ttl=60)


# --------------------------------------------------------------------------
# Zone data of the well-behaved parts of a scenario
# --------------------------------------------------------------------------

# node (labels below the scenario's apex, () = the apex) -> type -> list of RDATA
ZoneData = dict[tuple[str, ...], dict[int, list[bytes]]]


def mx_host(scenario: str, *labels: str) -> bytes:
    return encode_name(*labels, *zone_labels(scenario))


def zone_answer(q: Query, scenario: str, node: tuple[str, ...], data: ZoneData, tcp: bool) -> bytes:
    """An ordinary authoritative answer from `data`; a CNAME answers every type."""
    records = data.get(node)
    if records is None:
        return fit(q, message(q, rcode=RCODE_NXDOMAIN, authority=[soa_record(scenario)]), tcp)
    if TYPE_CNAME in records and q.qtype != TYPE_CNAME:
        rtype, rdatas = TYPE_CNAME, records[TYPE_CNAME]
    else:
        rtype, rdatas = q.qtype, records.get(q.qtype, [])
    if not rdatas:
        return fit(q, message(q, authority=[soa_record(scenario)]), tcp)
    return fit(q, message(q, answers=[rr(QNAME_POINTER, rtype, r) for r in rdatas]), tcp)


# --------------------------------------------------------------------------
# The scenarios
# --------------------------------------------------------------------------

class Drip:
    """Send this answer over TCP one byte every DRIP_INTERVAL_S (and TC over UDP)."""

    def __init__(self, answer: bytes):
        self.answer = answer


class Silence:
    """Never answer."""


Reply = bytes | Drip | Silence
Responder = Callable[[Query, str, tuple[str, ...], bool], Reply]


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str          # the zone is NAME.hostile.test
    what: str          # one line for --list and the tests' ids
    respond: Responder  # (query, scenario name, node below the apex, over TCP?) -> reply


MANY_MX = 2000
MANY_ADDRESSES = 500
HUGE_SPF_BYTES = 65_000
HUGE_DMARC_BYTES = 10_000
MANY_TXT = 1000


def manymx_host_label(i: int) -> str:
    # 15 characters, so that with a compression pointer to the question each record is 32
    # octets and the 2,000 of them make a ~64 KB answer that still fits one TCP message
    return f"mx{i:04d}-exchange"


def respond_manymx(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if node == () and q.qtype == TYPE_MX:
        answers = [rr(QNAME_POINTER, TYPE_MX,
                      mx_rdata(10 + i, bytes([15]) + manymx_host_label(i).encode() + QNAME_POINTER))
                   for i in range(MANY_MX)]
        return fit(q, message(q, answers=answers), tcp)
    if len(node) == 1 and node[0].startswith("mx") and node[0].endswith("-exchange"):
        number = node[0][2:6]
        if number.isdigit() and int(number) < MANY_MX:
            i = int(number)
            data: ZoneData = {node: {TYPE_A: [bytes([198, 51, 100, 1 + i % 200])]}}
            return zone_answer(q, scenario, node, data, tcp)
    return zone_answer(q, scenario, node, {(): {}}, tcp)


def respond_manyaddr(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    data: ZoneData = {
        (): {TYPE_MX: [mx_rdata(10, mx_host(scenario, "mx"))]},
        ("mx",): {
            # 198.18.0.0/15 (benchmarking) and 2001:db8::/32: never contacted (--no-smtp)
            TYPE_A: [bytes([198, 18, i // 256, i % 256]) for i in range(MANY_ADDRESSES)],
            TYPE_AAAA: [bytes.fromhex("20010db8") + bytes(10) + struct.pack("!H", i + 1)
                        for i in range(MANY_ADDRESSES)],
        },
    }
    return zone_answer(q, scenario, node, data, tcp)


def respond_tc(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    # TC over TCP is nonsense: there is nowhere else to get the rest from
    return truncated(q)


def respond_tccut(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if not tcp:
        return truncated(q)
    records = [rr(QNAME_POINTER, TYPE_MX, mx_rdata(10 + i, mx_host(scenario, f"mx{i}"))) for i in range(3)]
    # the header announces three records; the message (and its TCP length) ends inside the second
    body = message(q, answers=records)
    return body[:len(body) - len(records[2]) - len(records[1]) // 2 - (11 if q.edns else 0)]


def respond_loop(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if node == () and q.qtype == TYPE_MX:
        # the exchange name starts after the header, the question, the owner (a pointer, 2
        # octets), type/class/TTL/RDLENGTH (10) and the preference (2): it points to itself
        start = 12 + len(q.question) + 2 + 10 + 2
        rdata = mx_rdata(10, struct.pack("!H", 0xC000 | start))
        return message(q, answers=[rr(QNAME_POINTER, TYPE_MX, rdata)])
    return zone_answer(q, scenario, node, {(): {}}, tcp)


def respond_pastend(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if node == () and q.qtype == TYPE_MX:
        # a compression pointer to offset 0x3FFF, far past the end of the message
        return message(q, answers=[rr(QNAME_POINTER, TYPE_MX, mx_rdata(10, b"\x02mx\xff\xff"))])
    return zone_answer(q, scenario, node, {(): {}}, tcp)


def respond_overlong(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if node == () and q.qtype == TYPE_MX:
        # RDLENGTH 1,000 for 8 octets of RDATA: the record runs past the end of the message
        rdata = mx_rdata(10, mx_host(scenario, "mx")[:6])
        body = message(q, answers=[rr(QNAME_POINTER, TYPE_MX, rdata, rdlength=1000)])
        return body[:len(body) - (11 if q.edns else 0)]  # no OPT after it: it would be "inside" the RDATA
    return zone_answer(q, scenario, node, {(): {}, ("mx",): {TYPE_A: [bytes([198, 51, 100, 81])]}}, tcp)


def respond_badrdata(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if node == () and q.qtype == TYPE_MX:
        good = mx_rdata(20, mx_host(scenario, "mx2"))
        lying = mx_rdata(10, mx_host(scenario, "mx1"))
        # RDLENGTH 3 for a 29-octet MX: the rest of the name is read as the next record
        return message(q, answers=[rr(QNAME_POINTER, TYPE_MX, lying, rdlength=3),
                                   rr(QNAME_POINTER, TYPE_MX, good)])
    data: ZoneData = {(): {}, ("mx1",): {TYPE_A: [bytes([198, 51, 100, 82])]},
                      ("mx2",): {TYPE_A: [bytes([198, 51, 100, 83])]}}
    return zone_answer(q, scenario, node, data, tcp)


def huge_spf() -> bytes:
    """A syntactically valid SPF record of about HUGE_SPF_BYTES octets, ending in -all."""
    terms, i = [b"v=spf1"], 0
    size = 6
    while size < HUGE_SPF_BYTES - 40:
        term = f"ip4:198.51.{100 + i // 256 % 2}.{i % 256}".encode()
        terms.append(term)
        size += 1 + len(term)
        i += 1
    terms.append(b"-all")
    return b" ".join(terms)


def huge_dmarc() -> bytes:
    """A valid DMARC record of about HUGE_DMARC_BYTES octets (a very long rua list)."""
    uris, size, i = [], 0, 0
    while size < HUGE_DMARC_BYTES:
        uri = f"mailto:dmarc-report-{i:04d}@hugetxt.hostile.test"
        uris.append(uri)
        size += len(uri) + 1
        i += 1
    return ("v=DMARC1; p=reject; rua=" + ",".join(uris)).encode()


HUGE_SPF = huge_spf()
HUGE_DMARC = huge_dmarc()


def respond_hugetxt(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    data: ZoneData = {
        (): {TYPE_MX: [mx_rdata(10, mx_host(scenario, "mx"))], TYPE_TXT: [txt_rdata(HUGE_SPF)]},
        ("mx",): {TYPE_A: [bytes([198, 51, 100, 84])]},
        ("_dmarc",): {TYPE_TXT: [txt_rdata(HUGE_DMARC)]},
    }
    return zone_answer(q, scenario, node, data, tcp)


def respond_manytxt(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    # many verification tokens, as big domains publish them, and the SPF record last (resolvers
    # may rotate the records, so which one comes first varies from answer to answer)
    texts = [f"site-verification={i:04d}-{'x' * 24}".encode() for i in range(MANY_TXT - 1)]
    texts.append(b"v=spf1 mx -all")
    data: ZoneData = {
        (): {TYPE_MX: [mx_rdata(10, mx_host(scenario, "mx"))], TYPE_TXT: [txt_rdata(t) for t in texts]},
        ("mx",): {TYPE_A: [bytes([198, 51, 100, 85])]},
        ("_dmarc",): {TYPE_TXT: [txt_rdata(b"v=DMARC1; p=reject;")]},
    }
    return zone_answer(q, scenario, node, data, tcp)


# An MX target whose labels carry what a terminal, a log or an SMTP line must never see
BADNAME_LABEL = b"ok\r\nRCPT TO:<x@example>\x00\x1b[31m.red space"


def respond_badname(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if node == () and q.qtype == TYPE_MX:
        return fit(q, message(q, answers=[rr(QNAME_POINTER, TYPE_MX,
                                             mx_rdata(10, encode_name(BADNAME_LABEL, *zone_labels(scenario))))]),
                   tcp)
    if len(node) == 1 and q.qtype == TYPE_A:
        # whatever the client made of the label, its address lookup gets an answer
        return fit(q, message(q, answers=[rr(QNAME_POINTER, TYPE_A, bytes([198, 51, 100, 86]))]), tcp)
    return zone_answer(q, scenario, node, {(): {}, node: {}}, tcp)


def respond_badaddr(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    data: ZoneData = {
        (): {TYPE_MX: [mx_rdata(10, mx_host(scenario, "mx"))]},
        # an A record of 3 octets and an AAAA record of 5
        ("mx",): {TYPE_A: [bytes([198, 51, 100])], TYPE_AAAA: [bytes.fromhex("20010db800")]},
    }
    return zone_answer(q, scenario, node, data, tcp)


def respond_wrongq(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    # an answer to another question: a spoofing attempt as a resolver sees it
    other = encode_name("elsewhere", *zone_labels(scenario)) + struct.pack("!HH", q.qtype, 1)
    return message(q, question=other, answers=[rr(QNAME_POINTER, TYPE_MX, mx_rdata(10, mx_host(scenario, "mx")))])


def respond_silent(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    return Silence()


def respond_drip(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    if not tcp:
        return truncated(q)
    data: ZoneData = {(): {TYPE_MX: [mx_rdata(10, mx_host(scenario, "mx"))]},
                      ("mx",): {TYPE_A: [bytes([198, 51, 100, 87])]}}
    return Drip(zone_answer(q, scenario, node, data, tcp))


def respond_cnameloop(q: Query, scenario: str, node: tuple[str, ...], tcp: bool) -> Reply:
    data: ZoneData = {
        (): {TYPE_MX: [mx_rdata(10, mx_host(scenario, "mx"))]},
        ("mx",): {TYPE_CNAME: [mx_host(scenario, "alias")]},
        ("alias",): {TYPE_CNAME: [mx_host(scenario, "mx")]},
    }
    return zone_answer(q, scenario, node, data, tcp)


SCENARIOS = [
    Scenario("manymx", f"{MANY_MX} MX records (~64 KB over TCP, TC over UDP), each host with one A record",
             respond_manymx),
    Scenario("manyaddr", f"one MX host with {MANY_ADDRESSES} A and {MANY_ADDRESSES} AAAA records",
             respond_manyaddr),
    Scenario("tc", "every answer has TC set and no records, over UDP and over TCP", respond_tc),
    Scenario("tccut", "TC over UDP; over TCP the header announces 3 MX records and the message ends "
             "inside the second", respond_tccut),
    Scenario("loop", "the MX exchange name is a compression pointer to itself", respond_loop),
    Scenario("pastend", "the MX exchange name ends in a compression pointer past the end of the message",
             respond_pastend),
    Scenario("overlong", "the MX record's RDLENGTH (1,000) runs past the end of the message",
             respond_overlong),
    Scenario("badrdata", "the first MX record's RDLENGTH says 3 octets for a 29-octet record", respond_badrdata),
    Scenario("hugetxt", f"a valid SPF record of {len(HUGE_SPF):,} octets in 255-octet strings, and a "
             f"valid DMARC record of {len(HUGE_DMARC):,} octets at _dmarc", respond_hugetxt),
    Scenario("manytxt", f"{MANY_TXT} TXT records at the domain, the SPF record last", respond_manytxt),
    Scenario("badname", "the MX exchange's label holds CR LF, an SMTP command, NUL, ESC, a dot and a space",
             respond_badname),
    Scenario("badaddr", "the MX host's A record is 3 octets, its AAAA record 5", respond_badaddr),
    Scenario("wrongq", "every answer carries the question of another name", respond_wrongq),
    Scenario("silent", "never answers, over UDP or TCP", respond_silent),
    Scenario("drip", f"TC over UDP; over TCP the answer comes one byte every {DRIP_INTERVAL_S} s",
             respond_drip),
    Scenario("cnameloop", "the MX host is an alias (CNAME) of an alias of itself", respond_cnameloop),
]
BY_NAME = {s.name: s for s in SCENARIOS}


def respond(q: Query, tcp: bool) -> tuple[Reply | None, str]:
    """The reply to a query (None: none at all) and a word for the log."""
    if q.labels[-len(ZONE):] != ZONE or len(q.labels) < len(ZONE):
        return message(q, rcode=RCODE_REFUSED), "refused"
    if len(q.labels) == len(ZONE):
        return fit(q, message(q), tcp), "apex"
    scenario = BY_NAME.get(q.labels[-len(ZONE) - 1])
    if scenario is None:
        return fit(q, message(q, rcode=RCODE_NXDOMAIN), tcp), "nxdomain"
    node = q.labels[:-len(ZONE) - 1]
    return scenario.respond(q, scenario.name, node, tcp), scenario.name


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

class Log:
    def __init__(self, path: str | None):
        self.file = open(path, "a", encoding="utf-8", buffering=1) if path else None

    def write(self, proto: str, peer, qname: str, qtype: str, action: str) -> None:
        if self.file is None:
            return
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        peer_text = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        # names may hold any octet (badname): the log shows them escaped
        clean = "".join(c if 0x20 < ord(c) < 0x7F and c != "\\" else f"\\x{ord(c):02x}" for c in qname[:300])
        self.file.write(f"{now}\t{proto}\t{peer_text}\t{clean}\t{qtype}\t{action}\n")


class Server:
    def __init__(self, log: Log):
        self.log = log
        self.tasks: set[asyncio.Task] = set()

    def answer(self, proto: str, peer, data: bytes) -> Reply | None:
        q = parse_query(data)
        if q is None:
            self.log.write(proto, peer, "-", "-", "unparsable")
            return None
        try:
            reply, what = respond(q, proto == "tcp")
        except Exception as exc:  # noqa: BLE001 -- a bug here must not stop the server
            self.log.write(proto, peer, q.qname, "-", f"error {type(exc).__name__}: {exc}")
            return None
        kind = "silence" if isinstance(reply, Silence) else "drip" if isinstance(reply, Drip) else \
            f"{len(reply)} octets"
        self.log.write(proto, peer, q.qname, TYPE_NAMES.get(q.qtype, str(q.qtype)), f"{what} {kind}")
        return reply

    async def tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE_S)
                    data = await asyncio.wait_for(reader.readexactly(struct.unpack("!H", head)[0]), TCP_IDLE_S)
                except (asyncio.IncompleteReadError, asyncio.TimeoutError):
                    return
                reply = self.answer("tcp", peer, data)
                if reply is None:
                    continue
                if isinstance(reply, Silence):
                    # hold the connection open, say nothing, until the client gives up
                    try:
                        await asyncio.wait_for(reader.read(), SILENT_HOLD_S)
                    except asyncio.TimeoutError:
                        pass
                    return
                if isinstance(reply, Drip):
                    await self.drip(writer, struct.pack("!H", len(reply.answer)) + reply.answer)
                    return
                # the TCP length is the real length, also of a cut message
                writer.write(struct.pack("!H", len(reply)) + reply)
                await writer.drain()
        except OSError:
            return
        finally:
            writer.close()

    @staticmethod
    async def drip(writer: asyncio.StreamWriter, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + DRIP_MAX_S
        for i in range(len(data)):
            if writer.is_closing() or loop.time() > until:
                return
            writer.write(data[i:i + 1])
            await writer.drain()
            await asyncio.sleep(DRIP_INTERVAL_S)

    async def serve(self, address: str, port: int, ready_file: str) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        server = self

        class Udp(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                self.transport = transport

            def datagram_received(self, data, addr):
                reply = server.answer("udp", addr, data)
                if isinstance(reply, bytes):
                    self.transport.sendto(reply, addr)

        udp, _ = await loop.create_datagram_endpoint(Udp, local_addr=(address, port))

        async def on_tcp(reader, writer):
            task = asyncio.current_task()
            self.tasks.add(task)
            try:
                await self.tcp_client(reader, writer)
            finally:
                self.tasks.discard(task)

        tcp = await asyncio.start_server(on_tcp, host=address, port=port, reuse_address=True)
        with open(ready_file + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(ready_file + ".tmp", ready_file)
        self.log.write("-", "-", "-", "-", f"listening on {address}:{port} udp+tcp, pid {os.getpid()}")
        await stop.wait()
        udp.close()
        tcp.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.log.write("-", "-", "-", "-", "stopped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", nargs="?", help="address to listen on (UDP and TCP)")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--ready", help="written (our PID) once both listeners are bound")
    parser.add_argument("--log", help="one line per query")
    parser.add_argument("--list", action="store_true", help="print the scenarios and exit")
    args = parser.parse_args()
    if args.list:
        for scenario in SCENARIOS:
            print(f"{scenario.name}\t{scenario.what}")
        return 0
    if not args.address or not args.ready:
        parser.error("ADDRESS and --ready are required")
    asyncio.run(Server(Log(args.log)).serve(args.address, args.port, args.ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())

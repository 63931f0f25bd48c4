#!/usr/bin/python3
"""A tiny authoritative DNS server (UDP, standard library only) for one zone, big.test,
whose report is too big for one native messaging message.

    bigdns.py ADDRESS --ready FILE [--hosts N] [--addresses M]

big.test has N MX records (mx0.big.test ... priority 10 + i); each mxI.big.test has M A
records 127.1.I.1 ... 127.1.I.M and no AAAA. Every 127/8 address is on the loopback
interface, and nothing listens on them, so every SMTP probe is refused at once. With the
defaults, 32 hosts x 8 addresses, and 8 ports, the report has 2048 probes, about 1.5 MB: the
native host must split it (result_part). Names outside big.test are answered REFUSED, other names in it
NOERROR without data. Runs until SIGTERM; the integration tests start it inside the
world's network namespace, on an address of its own.
"""

from __future__ import annotations

import argparse
import pathlib
import signal
import socket
import struct
import sys

ZONE = ("big", "test")
TYPE_A, TYPE_MX, TYPE_SOA, TYPE_OPT = 1, 15, 6, 41


def encode_name(labels) -> bytes:
    return b"".join(bytes([len(label)]) + label.encode("ascii") for label in labels) + b"\0"


def parse_name(data: bytes, offset: int) -> tuple[list[str], int]:
    labels = []
    while True:
        length = data[offset]
        if length == 0:
            return labels, offset + 1
        if length >= 0xC0:
            raise ValueError("compression in a query")
        labels.append(data[offset + 1:offset + 1 + length].decode("ascii").lower())
        offset += 1 + length


def rr(owner: bytes, rtype: int, rdata: bytes, ttl: int = 60) -> bytes:
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer(query: bytes, hosts: int, addresses: int) -> bytes | None:
    if len(query) < 12:
        return None
    qid, flags, qdcount, _, _, arcount = struct.unpack("!HHHHHH", query[:12])
    if flags & 0x8000 or qdcount != 1:
        return None
    labels, end = parse_name(query, 12)
    qtype, qclass = struct.unpack("!HH", query[end:end + 4])
    question = query[12:end + 4]
    edns = arcount > 0  # the only additional record a resolver sends is OPT
    rd = flags & 0x0100
    answers: list[bytes] = []
    rcode = 0
    owner = b"\xc0\x0c"  # the name of the question
    name = tuple(labels)
    if name[-2:] != ZONE:
        rcode = 5  # REFUSED
    elif name == ZONE and qtype == TYPE_MX:
        for i in range(hosts):
            answers.append(rr(owner, TYPE_MX, struct.pack("!H", 10 + i)
                              + encode_name((f"mx{i}",) + ZONE)))
    elif len(name) == 3 and name[0].startswith("mx") and name[0][2:].isdigit() \
            and int(name[0][2:]) < hosts and qtype == TYPE_A:
        i = int(name[0][2:])
        for j in range(1, addresses + 1):
            answers.append(rr(owner, TYPE_A, bytes([127, 1, i, j])))
    elif name == ZONE and qtype == TYPE_SOA:
        answers.append(rr(owner, TYPE_SOA, encode_name(("ns",) + ZONE)
                          + encode_name(("hostmaster",) + ZONE)
                          + struct.pack("!IIIII", 1, 3600, 600, 86400, 60)))
    out_flags = 0x8000 | 0x0400 | rd | rcode  # QR, AA
    header = struct.pack("!HHHHHH", qid, out_flags, 1, len(answers), 0, 1 if edns else 0)
    opt = (b"\0" + struct.pack("!HHIH", TYPE_OPT, 1232, 0, 0)) if edns else b""
    message = header + question + b"".join(answers) + opt
    if len(message) > (1232 if edns else 512):
        header = struct.pack("!HHHHHH", qid, out_flags | 0x0200, 1, 0, 0, 1 if edns else 0)
        message = header + question + opt
    return message


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--addresses", type=int, default=8)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.address, args.port))
    pathlib.Path(args.ready).write_text("ready\n")
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            reply = answer(data, args.hosts, args.addresses)
        except (ValueError, IndexError, struct.error, UnicodeDecodeError):
            reply = None
        if reply:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    sys.exit(main())

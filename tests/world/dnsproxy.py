#!/usr/bin/python3
"""A tiny DNS proxy for the mxhealth test world: forwards, or drops on purpose.

It listens on UDP and TCP port 53 of one address (127.0.0.2 in the world) and
relays every query, byte for byte, to the world's NSD (127.0.0.1:53) and the
answer back -- except queries whose QNAME is at or under one of the --drop
names (slow.dnsbl.test in the world): those get no answer at all, so a client
sees a timeout.  UDP queries go upstream over UDP (a truncated answer is relayed
as it is, the client retries over TCP), TCP queries over TCP.  Only the Python
standard library is used.

    dnsproxy.py --listen 127.0.0.2 --upstream 127.0.0.1 --drop slow.dnsbl.test \\
                --log FILE --ready FILE

serves until SIGTERM; writes the --ready file once both listeners are bound.
The log has one line per query, tab-separated:

    TIME<TAB>PROTO<TAB>PEER<TAB>QNAME<TAB>QTYPE<TAB>ACTION

ACTION is "forward", "drop", "noanswer" (NSD did not answer in time) or
"error ..." (and "formerr" for a query the proxy cannot parse; it is still
forwarded).  QNAME is as the client wrote it (libunbound may vary the case).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import signal
import socket
import struct
import sys

UPSTREAM_PORT = 53
UPSTREAM_TIMEOUT_S = 5.0       # how long to wait for NSD (it answers in well under 1 ms)
TCP_IDLE_TIMEOUT_S = 20.0      # a TCP client that sends nothing for this long is dropped
MAX_MESSAGE = 65535

QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA",
          33: "SRV", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3", 52: "TLSA",
          255: "ANY"}


def parse_question(msg: bytes) -> tuple[str, str] | None:
    """The first question's name (dotted, no trailing dot; "." for the root) and type."""
    if len(msg) < 12 or struct.unpack("!H", msg[4:6])[0] < 1:
        return None
    pos, labels = 12, []
    while True:
        if pos >= len(msg):
            return None
        n = msg[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0 or pos + n > len(msg):   # no compression in a question
            return None
        labels.append(msg[pos:pos + n].decode("latin-1"))
        pos += n
    if pos + 4 > len(msg):
        return None
    qtype = struct.unpack("!H", msg[pos:pos + 2])[0]
    return (".".join(labels) or "."), QTYPES.get(qtype, f"TYPE{qtype}")


def is_under(name: str, zone: str) -> bool:
    name, zone = name.lower().rstrip("."), zone.lower().rstrip(".")
    return name == zone or name.endswith("." + zone)


class Log:
    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8", buffering=1)

    @staticmethod
    def clean(text: str) -> str:
        return "".join(ch if 0x20 < ord(ch) < 0x7F and ch != "\\" else f"\\x{ord(ch):02x}"
                       for ch in text[:300])

    def write(self, proto: str, peer, qname: str, qtype: str, action: str) -> None:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        peer_text = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.file.write(f"{now}\t{proto}\t{peer_text}\t{self.clean(qname)}\t{qtype}\t{action}\n")


class Proxy:
    def __init__(self, upstream: str, drops: list[str], log: Log):
        self.upstream = upstream
        self.drops = drops
        self.log = log
        self.tasks: set[asyncio.Task] = set()

    def decide(self, proto: str, peer, msg: bytes) -> bool:
        """Logs the query; True if it is to be forwarded."""
        q = parse_question(msg)
        if q is None:
            self.log.write(proto, peer, "-", "-", "formerr")
            return True
        qname, qtype = q
        if any(is_under(qname, d) for d in self.drops):
            self.log.write(proto, peer, qname, qtype, "drop")
            return False
        self.log.write(proto, peer, qname, qtype, "forward")
        return True

    def spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # --- UDP ------------------------------------------------------------------
    async def udp_exchange(self, msg: bytes) -> bytes | None:
        loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in self.upstream else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, (self.upstream, UPSTREAM_PORT))
            await loop.sock_sendall(sock, msg)
            return await asyncio.wait_for(loop.sock_recv(sock, MAX_MESSAGE), UPSTREAM_TIMEOUT_S)
        except asyncio.TimeoutError:
            return None
        finally:
            sock.close()

    async def udp_query(self, transport, msg: bytes, peer) -> None:
        try:
            answer = await self.udp_exchange(msg)
        except OSError as exc:
            self.log.write("udp", peer, "-", "-", f"error {exc}")
            return
        if answer is None:
            self.log.write("udp", peer, "-", "-", "noanswer")
            return
        if not transport.is_closing():
            transport.sendto(answer, peer)

    # --- TCP ------------------------------------------------------------------
    async def tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        up_reader = up_writer = None
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE_TIMEOUT_S)
                except (asyncio.IncompleteReadError, asyncio.TimeoutError):
                    return
                msg = await asyncio.wait_for(reader.readexactly(struct.unpack("!H", head)[0]),
                                             TCP_IDLE_TIMEOUT_S)
                if not self.decide("tcp", peer, msg):
                    continue          # no answer: the client times out (or sends more)
                if up_writer is None:
                    up_reader, up_writer = await asyncio.wait_for(
                        asyncio.open_connection(self.upstream, UPSTREAM_PORT), UPSTREAM_TIMEOUT_S)
                up_writer.write(head + msg)
                await up_writer.drain()
                rhead = await asyncio.wait_for(up_reader.readexactly(2), UPSTREAM_TIMEOUT_S)
                answer = await asyncio.wait_for(
                    up_reader.readexactly(struct.unpack("!H", rhead)[0]), UPSTREAM_TIMEOUT_S)
                writer.write(rhead + answer)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as exc:
            self.log.write("tcp", peer, "-", "-", f"error {type(exc).__name__}: {exc}")
        finally:
            if up_writer is not None:
                up_writer.close()
            writer.close()

    async def serve(self, listen: str, ready_file: str) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        proxy = self

        class Udp(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                self.transport = transport

            def datagram_received(self, data, addr):
                if proxy.decide("udp", addr, data):
                    proxy.spawn(proxy.udp_query(self.transport, data, addr))

        udp, _ = await loop.create_datagram_endpoint(Udp, local_addr=(listen, 53))

        async def on_tcp(reader, writer):
            task = asyncio.current_task()
            self.tasks.add(task)
            try:
                await self.tcp_client(reader, writer)
            finally:
                self.tasks.discard(task)

        tcp = await asyncio.start_server(on_tcp, host=listen, port=53, reuse_address=True)
        with open(ready_file + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(ready_file + ".tmp", ready_file)
        self.log.write("-", "-", "-", "-", f"listening on {listen}:53 udp+tcp, pid {os.getpid()}, "
                       f"upstream {self.upstream}:53, dropping {','.join(self.drops) or '-'}")
        await stop.wait()
        udp.close()
        tcp.close()
        for t in list(self.tasks):
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.log.write("-", "-", "-", "-", "stopped")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", required=True, help="address to listen on (port 53, UDP and TCP)")
    ap.add_argument("--upstream", required=True, help="address of the real server (port 53)")
    ap.add_argument("--drop", action="append", default=[],
                    help="never answer queries at or under this name (repeatable)")
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", required=True)
    args = ap.parse_args()
    proxy = Proxy(args.upstream, args.drop, Log(args.log))
    asyncio.run(proxy.serve(args.listen, args.ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())

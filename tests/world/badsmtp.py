#!/usr/bin/python3
"""A scriptable, misbehaving SMTP server for the mxhealth test world.

Each scenario of the table below listens on port 25 of its own address, so
every scenario is its own MX host (mx.NAME.bad.test, or the scenario's own
host name, e.g. mx.daneexpired.test) of its own domain (NAME.bad.test, or the
host name without "mx."; see zones/test.zone).  Only the Python standard
library is used.

    badsmtp.py --list
        prints "NAME ADDRESS CERT HOST" for every scenario (world.sh reads it to
        add the addresses to the namespace's lo and to make the certificates)
    badsmtp.py --tls-dir DIR --log FILE --ready FILE
        serves every scenario until SIGTERM; DIR holds NAME.crt / NAME.key for
        each certificate kind of the table ("good", "expired", ...), and
        NAME.chain.pem (the certificate, then the test CA's) for the scenarios
        that send the whole chain; writes FILE once every listener is bound

Every line a client sends is logged to the --log file, one line per event:

    TIME<TAB>SCENARIO<TAB>PEER<TAB>KIND<TAB>TEXT

KIND is C (a command line received from the client, also inside TLS),
S (the first line of a reply we sent) or E (an event: connect, tls, close,
error).  The integration tests read the C lines to check that the probe
never sends MAIL, RCPT, AUTH, VRFY, ...

The server never accepts mail: MAIL, RCPT, DATA, AUTH, VRFY, ... are logged
and answered with 502.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import os
import signal
import socket
import ssl
import struct
import sys
import warnings

# --------------------------------------------------------------------------
# The scenario table.  cert: which certificate the server presents after
# STARTTLS ("-" = none, the scenario never gets that far).
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    address: str
    cert: str
    what: str
    host_name: str = ""      # the MX host; "" = mx.NAME.bad.test
    chain: bool = False      # send the CA certificate too (CERT.chain.pem), for DANE-TA
    ports: tuple[int, ...] = (25,)  # every port it listens on behaves the same (plain TCP)

    @property
    def host(self) -> str:
        return self.host_name or f"mx.{self.name}.bad.test"


SCENARIOS = [
    Scenario("greet421", "203.0.113.101", "-", "greeting 421 (try again later), then close"),
    Scenario("greet554", "203.0.113.102", "-", "greeting 554 (no SMTP service), 503 until QUIT"),
    Scenario("slowgreet", "203.0.113.103", "good", "greeting after 3 s, then normal with STARTTLS"),
    Scenario("veryslowgreet", "203.0.113.104", "good", "greeting after 6 s, then normal"),
    Scenario("multiline", "203.0.113.105", "good", "three-line 220- greeting, then normal"),
    Scenario("nostarttls", "203.0.113.106", "-", "EHLO without STARTTLS"),
    Scenario("starttlsfail", "203.0.113.107", "good",
             "advertises STARTTLS, answers 220, then sends garbage instead of TLS"),
    Scenario("injection", "203.0.113.108", "good",
             "answers STARTTLS with '220 go ahead\\r\\n250 injected\\r\\n' in one write, "
             "then TLS works"),
    Scenario("expired", "203.0.113.109", "expired", "certificate expired 10 days ago"),
    Scenario("selfsigned", "203.0.113.110", "selfsigned", "self-signed certificate"),
    Scenario("wrongname", "203.0.113.111", "wrongname",
             "CA-signed certificate for another name (mx.elsewhere.test)"),
    Scenario("tls10", "203.0.113.112", "good", "TLS 1.0 only (OpenSSL security level 0)"),
    Scenario("garbage", "203.0.113.113", "-", "sends non-SMTP bytes instead of a greeting"),
    Scenario("reset", "203.0.113.114", "-", "resets the connection (TCP RST) after EHLO"),
    Scenario("endless250", "203.0.113.115", "-", "answers EHLO with endless 250- lines"),
    Scenario("hugeline", "203.0.113.116", "-", "greeting is one 1 MiB line"),
    Scenario("silent", "203.0.113.117", "-", "accepts the connection and never speaks"),
    Scenario("ehlo5xx", "203.0.113.118", "-", "EHLO -> 502, HELO -> 250, no STARTTLS"),
    Scenario("expiring", "203.0.113.121", "expiring", "CA-signed certificate, 10 days left"),
    Scenario("controlbytes", "203.0.113.126", "good",
             "greeting with NUL, a terminal escape sequence and invalid UTF-8, then normal with STARTTLS"),
    Scenario("tarpit", "203.0.113.127", "-",
             "on ports 25, 587 and 465 alike: drips its greeting one byte a second (a tarpit)",
             ports=(25, 587, 465)),
    # DANE (the senders model): the domain is the host name without "mx."; the TLSA
    # records are in zones/test.zone
    Scenario("daneexpired", "203.0.113.122", "daneexpired",
             "CA-signed certificate for the right name, expired 10 days ago; TLSA 3 1 1 of its key",
             host_name="mx.daneexpired.test"),
    Scenario("danewrongname", "203.0.113.123", "danewrongname",
             "CA-signed certificate for mx.elsewhere.test; TLSA 3 1 1 of its key",
             host_name="mx.danewrongname.test"),
    Scenario("danetawrongname", "203.0.113.124", "danetawrongname",
             "CA-signed certificate for mx.elsewhere.test, sent with the CA certificate; "
             "TLSA 2 1 1 of the CA's key (name mismatch)",
             host_name="mx.danetawrongname.test", chain=True),
    Scenario("danetagood", "203.0.113.125", "danetagood",
             "CA-signed certificate for the right name, sent with the CA certificate; "
             "TLSA 2 1 1 of the CA's key",
             host_name="mx.danetagood.test", chain=True),
]

# What no SMTP server sends (RFC 5321 4.2: reply text is printable ASCII, UTF-8 with SMTPUTF8).
CONTROL_BYTES_GREETING = b"220 %s ESMTP \x00\x1b[31mred\x1b[0m \xff\xfe ready\r\n"
SLOW_GREETING_S = 3.0
VERY_SLOW_GREETING_S = 6.0
IDLE_TIMEOUT_S = 30.0          # a client that says nothing for this long is dropped
MAX_ENDLESS_BYTES = 64 << 20   # endless250 stops after this much (a client that never stops reading)
MAX_ENDLESS_SECONDS = 60.0
HUGE_LINE_BYTES = 1 << 20
TARPIT_BYTE_INTERVAL_S = 1.0

CRLF = b"\r\n"


# --------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------

class Log:
    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8", buffering=1)

    @staticmethod
    def clean(data) -> str:
        if isinstance(data, bytes):
            data = data.decode("latin-1")
        out = []
        for ch in data[:300]:
            o = ord(ch)
            if ch == "\\":
                out.append("\\\\")
            elif 0x20 <= o < 0x7F:
                out.append(ch)
            else:
                out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}")
        if len(data) > 300:
            out.append(f"...(+{len(data) - 300})")
        return "".join(out)

    def write(self, scenario: str, peer: str, kind: str, text) -> None:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.file.write(f"{now}\t{scenario}\t{peer}\t{kind}\t{self.clean(text)}\n")


# --------------------------------------------------------------------------
# One connection
# --------------------------------------------------------------------------

class Closed(Exception):
    """The client went away."""


class Session:
    def __init__(self, server: "Server", sc: Scenario, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter):
        self.server = server
        self.sc = sc
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername") or ("?", 0)
        self.peer = f"[{peer[0]}]:{peer[1]}" if ":" in str(peer[0]) else f"{peer[0]}:{peer[1]}"
        self.tls = False

    def log(self, kind: str, text) -> None:
        self.server.log.write(self.sc.name, self.peer, kind, text)

    async def send_raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def send(self, *lines: str) -> None:
        """One reply; several lines are sent in one write."""
        self.log("S", lines[0] if len(lines) == 1 else f"{lines[0]} (+{len(lines) - 1} lines)")
        await self.send_raw(b"".join(line.encode() + CRLF for line in lines))

    async def reply(self, code: int, lines: list[str]) -> None:
        out = [f"{code}-{text}" for text in lines[:-1]] + [f"{code} {lines[-1]}"]
        await self.send(*out)

    async def readline(self, timeout: float = IDLE_TIMEOUT_S) -> str:
        """One command line (without CRLF); raises Closed at EOF or on idle timeout."""
        try:
            line = await asyncio.wait_for(self.reader.readline(), timeout)
        except asyncio.TimeoutError:
            self.log("E", "idle timeout")
            raise Closed()
        except (ValueError, asyncio.LimitOverrunError):
            self.log("E", "overlong command line")
            raise Closed()
        if not line:
            raise Closed()
        text = line.rstrip(b"\r\n").decode("latin-1")
        self.log("C", text)
        return text

    async def wait_eof(self, timeout: float = IDLE_TIMEOUT_S * 4) -> None:
        """Read and discard (logging lines) until the client closes."""
        try:
            while True:
                await self.readline(timeout)
        except Closed:
            pass

    async def starttls(self, ctx: ssl.SSLContext) -> None:
        await self.writer.start_tls(ctx, ssl_handshake_timeout=15)
        self.tls = True
        obj = self.writer.get_extra_info("ssl_object")
        self.log("E", f"tls {obj.version() if obj else '?'} {obj.cipher()[0] if obj else ''}")

    def reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0)."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.log("E", "reset")
        self.writer.transport.abort()

    # -- the ordinary SMTP dialogue ----------------------------------------

    def ehlo_lines(self) -> list[str]:
        lines = [f"{self.sc.host} greets you", "PIPELINING", "SIZE 10240000", "8BITMIME",
                 "ENHANCEDSTATUSCODES"]
        if not self.tls and self.sc.name != "nostarttls":
            lines.append("STARTTLS")
        return lines

    async def dialogue(self) -> None:
        """Answer EHLO, HELO, STARTTLS, NOOP, RSET and QUIT until QUIT or EOF."""
        while True:
            line = await self.readline()
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                if self.sc.name == "ehlo5xx":
                    await self.send("502 5.5.2 Error: command not recognized")
                    continue
                if self.sc.name == "reset":
                    self.reset()
                    raise Closed()
                if self.sc.name == "endless250":
                    await self.endless()
                    raise Closed()
                await self.reply(250, self.ehlo_lines())
            elif verb == "HELO":
                await self.send(f"250 {self.sc.host}")
            elif verb == "STARTTLS":
                if self.tls or "STARTTLS" not in self.ehlo_lines() or self.sc.name == "ehlo5xx":
                    await self.send("502 5.5.1 STARTTLS not available")
                    continue
                await self.do_starttls()
            elif verb == "QUIT":
                await self.send("221 2.0.0 Bye")
                return
            elif verb in ("NOOP", "RSET"):
                await self.send("250 2.0.0 Ok")
            else:
                # MAIL, RCPT, DATA, AUTH, VRFY, EXPN, ...: logged above, never served
                await self.send("502 5.5.2 Error: command not implemented here")

    async def do_starttls(self) -> None:
        ctx = self.server.contexts[self.sc.name]
        if self.sc.name == "injection":
            # CVE-2011-0411 class: plaintext right behind the 220, in the same segment
            self.log("S", "220 2.0.0 go ahead + injected 250")
            await self.send_raw(b"220 2.0.0 go ahead\r\n250 injected\r\n")
            await self.starttls(ctx)
            return
        await self.send("220 2.0.0 Ready to start TLS")
        if self.sc.name == "starttlsfail":
            try:  # the ClientHello
                await asyncio.wait_for(self.reader.read(4096), 5)
            except asyncio.TimeoutError:
                pass
            self.log("E", "sending garbage instead of a TLS handshake")
            await self.send_raw(b"this is not TLS, sorry\r\n" + b"\x00" * 64)
            raise Closed()
        await self.starttls(ctx)

    async def endless(self) -> None:
        self.log("S", "endless 250- lines")
        loop = asyncio.get_running_loop()
        started = loop.time()
        sent = 0
        n = 0
        while sent < MAX_ENDLESS_BYTES and loop.time() - started < MAX_ENDLESS_SECONDS:
            chunk = b"".join(b"250-%s line %d\r\n" % (self.sc.host.encode(), n + i)
                             for i in range(200))
            n += 200
            self.writer.write(chunk)
            await self.writer.drain()
            sent += len(chunk)
        self.log("E", f"endless250 gave up after {sent} bytes")

    # -- scenarios ----------------------------------------------------------

    async def run(self) -> None:
        name = self.sc.name
        host = self.sc.host
        if name == "greet421":
            await self.send(f"421 4.3.2 {host} Service not available, try again later")
            return
        if name == "greet554":
            await self.send(f"554 5.3.2 {host} No SMTP service here")
            while True:  # RFC 5321 3.1: wait for QUIT, refuse everything else
                line = await self.readline()
                if line.split(" ", 1)[0].upper() == "QUIT":
                    await self.send("221 2.0.0 Bye")
                    return
                await self.send("503 5.5.1 No SMTP service here")
        if name == "silent":
            await self.wait_eof()
            return
        if name == "garbage":
            self.log("S", "non-SMTP bytes")
            await self.send_raw(b"\x00\x01\xfe\xffSSH-2.0-OpenSSH_9.2p1 not smtp\r\n"
                                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n")
            await self.wait_eof()
            return
        if name == "hugeline":
            self.log("S", f"220 + {HUGE_LINE_BYTES} bytes without CRLF, then CRLF")
            await self.send_raw(b"220 " + b"x" * HUGE_LINE_BYTES + CRLF)
            await self.wait_eof()
            return
        if name == "controlbytes":
            self.log("S", "220 greeting with NUL, ESC[31m and 0xff 0xfe")
            await self.send_raw(CONTROL_BYTES_GREETING % host.encode())
            await self.dialogue()
            return
        if name == "tarpit":
            greeting = f"220 {host} ESMTP tarpit\r\n".encode()
            self.log("S", f"dripping a {len(greeting)}-byte greeting, one byte every {TARPIT_BYTE_INTERVAL_S} s")
            for i in range(len(greeting)):
                await self.send_raw(greeting[i:i + 1])
                await asyncio.sleep(TARPIT_BYTE_INTERVAL_S)
            await self.dialogue()
            return
        if name == "slowgreet":
            await asyncio.sleep(SLOW_GREETING_S)
        elif name == "veryslowgreet":
            await asyncio.sleep(VERY_SLOW_GREETING_S)
        if name == "multiline":
            await self.send(f"220-{host} ESMTP first line of a multi-line greeting",
                            "220-second line: this server talks a lot",
                            "220 third and last line")
        else:
            await self.send(f"220 {host} ESMTP {name}")
        await self.dialogue()


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

class Server:
    def __init__(self, tls_dir: str, log: Log):
        self.log = log
        self.contexts: dict[str, ssl.SSLContext] = {}
        for sc in SCENARIOS:
            if sc.cert != "-":
                self.contexts[sc.name] = self.make_context(tls_dir, sc)
        self.tasks: set[asyncio.Task] = set()

    @staticmethod
    def make_context(tls_dir: str, sc: Scenario) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if sc.name == "tls10":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        certfile = f"{sc.cert}.chain.pem" if sc.chain else f"{sc.cert}.crt"
        ctx.load_cert_chain(os.path.join(tls_dir, certfile),
                            os.path.join(tls_dir, f"{sc.cert}.key"))
        return ctx

    async def handle(self, sc: Scenario, reader, writer) -> None:
        task = asyncio.current_task()
        self.tasks.add(task)
        session = Session(self, sc, reader, writer)
        session.log("E", "connect")
        try:
            await session.run()
        except Closed:
            pass
        except (ConnectionError, BrokenPipeError, ssl.SSLError, OSError,
                asyncio.TimeoutError, asyncio.IncompleteReadError) as exc:
            session.log("E", f"error {type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            session.log("E", "cancelled (server stops)")
            writer.transport.abort()
            raise
        except Exception as exc:  # a bug here must not stop the other scenarios
            session.log("E", f"BUG {type(exc).__name__}: {exc}")
        finally:
            self.tasks.discard(task)
            session.log("E", "close")
            if not writer.transport.is_closing():
                writer.transport.abort() if sc.name == "reset" else writer.close()

    async def serve(self, ready_file: str) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        servers = []
        for sc in SCENARIOS:
            async def cb(reader, writer, sc=sc):
                await self.handle(sc, reader, writer)
            for port in sc.ports:
                servers.append(await asyncio.start_server(cb, host=sc.address, port=port,
                                                          reuse_address=True, backlog=50))
        with open(ready_file + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(ready_file + ".tmp", ready_file)
        self.log.write("-", "-", "E", f"listening: {len(SCENARIOS)} scenarios on {len(servers)} ports, "
                                      f"pid {os.getpid()}")
        await stop.wait()
        for s in servers:
            s.close()
        for t in list(self.tasks):
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.log.write("-", "-", "E", "stopped")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print NAME ADDRESS CERT HOST per scenario")
    ap.add_argument("--tls-dir")
    ap.add_argument("--log")
    ap.add_argument("--ready")
    args = ap.parse_args()
    if args.list:
        for sc in SCENARIOS:
            print(sc.name, sc.address, sc.cert, sc.host)
        return 0
    if not (args.tls_dir and args.log and args.ready):
        ap.error("--tls-dir, --log and --ready are required to serve")
    server = Server(args.tls_dir, Log(args.log))
    asyncio.run(server.serve(args.ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())

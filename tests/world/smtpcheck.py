#!/usr/bin/python3
"""A tiny reference SMTP/TLS client to verify the SMTP world itself (not mxhealth).

Run inside the world's namespace; prints one JSON object per target:

    ip netns exec mxhw tests/world/smtpcheck.py --ca-file STATE/ca.pem \\
        HOST@ADDRESS:PORT [HOST@ADDRESS:PORT ...]

ADDRESS may be an IPv6 address in brackets ([2001:db8:25::25]:25). Port 465
is implicit TLS; every other port is plaintext + STARTTLS. All targets are
checked at the same time (one thread each). The client only sends EHLO, HELO,
STARTTLS and QUIT. The result says what the server did:

    connect      "ok" | "refused" | "timeout" | "error: ..."
    greeting     [lines] or null; greeting_seconds
    problem      null or what went wrong: "greeting_timeout", "reply_timeout",
                 "line_too_long", "too_many_lines", "not_smtp", "reset", "eof",
                 "tls_failed", ...
    ehlo         reply code of EHLO; helo: reply code of HELO (after a 5xx EHLO)
    capabilities EHLO keywords (plaintext; for 465 inside TLS)
    starttls     reply code of STARTTLS; plaintext_after_starttls: bytes after its 220
    tls          {version, cipher, verified, verify_error, subject_cn, not_after} or null
    capabilities_after_tls

TLS is verified against --ca-file with the MX host name (HOST); if that fails
the handshake is repeated without verification, so that "the certificate is
bad" and "TLS does not work" can be told apart. --tls-any allows TLS 1.0
(OpenSSL security level 0).
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import sys
import threading
import time
import warnings

MAX_LINE = 4096
MAX_LINES = 100


class Problem(Exception):
    pass


class Conn:
    def __init__(self, sock: socket.socket, reply_timeout: float):
        self.sock = sock
        self.buf = b""
        self.reply_timeout = reply_timeout

    def _fill(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Problem("reply_timeout")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Problem("reply_timeout")
        except ConnectionResetError:
            raise Problem("reset")
        except ssl.SSLError as exc:
            raise Problem(f"tls_read_error: {exc}")
        if not data:
            raise Problem("eof")
        self.buf += data

    def line(self, deadline: float) -> bytes:
        while b"\n" not in self.buf:
            if len(self.buf) > MAX_LINE:
                raise Problem("line_too_long")
            self._fill(deadline)
        line, _, self.buf = self.buf.partition(b"\n")
        if len(line) > MAX_LINE:
            raise Problem("line_too_long")
        return line.rstrip(b"\r")

    def reply(self, timeout: float | None = None, kind: str = "reply_timeout"):
        deadline = time.monotonic() + (timeout or self.reply_timeout)
        lines = []
        try:
            while True:
                raw = self.line(deadline)
                text = raw.decode("utf-8", "replace")
                if len(raw) < 3 or not raw[:3].isdigit() or (len(raw) > 3 and raw[3:4] not in b" -"):
                    raise Problem("not_smtp")
                lines.append(text)
                if len(lines) > MAX_LINES:
                    raise Problem("too_many_lines")
                if len(raw) == 3 or raw[3:4] == b" ":
                    return int(raw[:3]), lines
        except Problem as exc:
            if str(exc) == "reply_timeout":
                raise Problem(kind)
            raise

    def send(self, text: str) -> None:
        self.sock.sendall(text.encode() + b"\r\n")


def tls_context(ca_file: str | None, verify: bool, tls_any: bool) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if tls_any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if verify:
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        if ca_file:
            ctx.load_verify_locations(ca_file)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def wrap(sock, host, args, timeout, out, verify):
    """TLS on sock; returns the TLS socket, or None when verification failed, or
    raises Problem."""
    sock.settimeout(timeout)
    ctx = tls_context(args.ca_file, verify, args.tls_any)
    try:
        tls = ctx.wrap_socket(sock, server_hostname=host)
        verified, verify_error = True, None
    except ssl.SSLCertVerificationError as exc:
        verified, verify_error, tls = False, exc.verify_message, None
    except (ssl.SSLError, OSError) as exc:
        raise Problem(f"tls_failed: {exc}")
    if tls is None:
        out["tls"] = {"verified": False, "verify_error": verify_error}
        return None
    cert = tls.getpeercert()
    out["tls"] = {"version": tls.version(), "cipher": tls.cipher()[0], "verified": verified,
                  "verify_error": verify_error,
                  "subject_cn": dict(x[0] for x in cert.get("subject", ())).get("commonName"),
                  "not_after": cert.get("notAfter")}
    return tls


def check(target: str, args) -> dict:
    """Verify TLS; when the certificate is bad, look again without verifying."""
    out = check_once(target, args, True)
    if out["problem"] == "certificate":
        again = check_once(target, args, False)
        again["tls"]["verified"] = False
        again["tls"]["verify_error"] = out["tls"]["verify_error"]
        again["seconds"] = round(again["seconds"] + out["seconds"], 2)
        out = again
    return out


def check_once(target: str, args, verify: bool) -> dict:
    host, _, hostport = target.partition("@")
    addr, _, port = hostport.rpartition(":")
    addr = addr.strip("[]")
    port = int(port)
    out = {"target": target, "host": host, "ip": addr, "port": port, "connect": None,
           "greeting": None, "greeting_seconds": None, "problem": None, "ehlo": None,
           "helo": None, "capabilities": [], "starttls": None,
           "plaintext_after_starttls": None, "tls": None, "capabilities_after_tls": [],
           "seconds": None}
    started = time.monotonic()
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(args.connect_timeout)
    try:
        sock.connect((addr, port))
        out["connect"] = "ok"
    except ConnectionRefusedError:
        out["connect"] = "refused"
    except socket.timeout:
        out["connect"] = "timeout"
    except OSError as exc:
        out["connect"] = f"error: {exc}"
    if out["connect"] != "ok":
        out["seconds"] = round(time.monotonic() - started, 2)
        sock.close()
        return out
    try:
        conn = Conn(sock, args.reply_timeout)
        if port == 465:
            tls = wrap(sock, host, args, args.reply_timeout, out, verify)
            if tls is None:
                out["problem"] = "certificate"  # details in out["tls"]
                return out
            conn.sock = sock = tls
        t0 = time.monotonic()
        code, lines = conn.reply(args.greeting_timeout, "greeting_timeout")
        out["greeting"] = lines
        out["greeting_seconds"] = round(time.monotonic() - t0, 2)
        if code != 220:
            out["problem"] = f"greeting_{code}"
            conn.send("QUIT")
            return out
        conn.send(f"EHLO {args.ehlo}")
        code, lines = conn.reply()
        out["ehlo"] = code
        if code >= 500:
            conn.send(f"HELO {args.ehlo}")
            out["helo"], _ = conn.reply()
            lines = []
        caps = [line[4:] for line in lines[1:]]
        if port == 465:
            out["capabilities_after_tls"] = caps
        else:
            out["capabilities"] = caps
        if port != 465 and any(c.upper() == "STARTTLS" for c in caps):
            conn.send("STARTTLS")
            code, _ = conn.reply()
            out["starttls"] = code
            if code == 220:
                # anything the server sent behind its 220 before our ClientHello?
                extra = conn.buf
                sock.settimeout(0.3)
                try:
                    more = sock.recv(4096, socket.MSG_PEEK)
                except (socket.timeout, BlockingIOError):
                    more = b""
                out["plaintext_after_starttls"] = (extra + more).decode("latin-1") or None
                if more:
                    sock.recv(len(more))
                tls = wrap(sock, host, args, args.reply_timeout, out, verify)
                if tls is None:
                    out["problem"] = "certificate"  # details in out["tls"]
                    return out
                conn = Conn(tls, args.reply_timeout)
                conn.send(f"EHLO {args.ehlo}")
                code, lines = conn.reply()
                out["capabilities_after_tls"] = [line[4:] for line in lines[1:]]
                sock = tls
        conn.send("QUIT")
        conn.reply()
    except Problem as exc:
        out["problem"] = str(exc)
    except (ConnectionResetError, BrokenPipeError):
        out["problem"] = "reset"
    except (ssl.SSLError, OSError) as exc:
        out["problem"] = f"error: {type(exc).__name__}: {exc}"
    finally:
        out["seconds"] = round(time.monotonic() - started, 2)
        try:
            sock.close()
        except OSError:
            pass
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="+", metavar="HOST@ADDRESS:PORT")
    ap.add_argument("--ca-file")
    ap.add_argument("--ehlo", default="smtpcheck.test")
    ap.add_argument("--connect-timeout", type=float, default=2)
    ap.add_argument("--greeting-timeout", type=float, default=10)
    ap.add_argument("--reply-timeout", type=float, default=5)
    ap.add_argument("--tls-any", action="store_true", help="allow TLS 1.0 (security level 0)")
    args = ap.parse_args()
    results: dict[str, dict] = {}

    def run(t):
        results[t] = check(t, args)

    threads = [threading.Thread(target=run, args=(t,)) for t in args.targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for t in args.targets:
        print(json.dumps(results[t]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The MTA-STS policy servers of the mxhealth test world (HTTPS, port 443).

Each site of the table below is the host mta-sts.DOMAIN with its own address
(see zones/test.zone).  Every site with a certificate gets its own HTTPS
listener on port 443 of that address; the certificate is chosen by SNI (the
site whose host name the client asks for; without SNI, or for an unknown name,
the listener's own one), and the answer by the Host: header:
GET /.well-known/mta-sts.txt gives the site's policy as text/plain, anything
else 404.  A site without a certificate has nothing listening (connections to
its address are refused).  Only the Python standard library is used.

    mtasts.py --list
        prints "DOMAIN ADDRESS CERT CERT_NAME" for every site (CERT "-": nothing
        listens); world.sh reads it to put the addresses on lo and to make the
        certificates DIR/CERT.crt + .key for CERT_NAME
    mtasts.py --tls-dir DIR --log FILE --ready FILE
        serves until SIGTERM; writes FILE once every listener is bound

Log: one line per request (and per failed TLS handshake), tab-separated:

    TIME<TAB>LISTENER<TAB>PEER<TAB>SNI<TAB>METHOD PATH<TAB>HOST<TAB>STATUS
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import http.server
import os
import signal
import ssl
import sys
import threading

POLICY_PATH = "/.well-known/mta-sts.txt"
REQUEST_TIMEOUT_S = 10

GOOD = "version: STSv1\nmode: enforce\nmx: *.smtp.test\nmax_age: 86400\n"
TESTING = "version: STSv1\nmode: testing\nmx: *.smtp.test\nmax_age: 86400\n"
UNCOVERED = "version: STSv1\nmode: enforce\nmx: mail.other.test\nmax_age: 86400\n"
NONE_MODE = "version: STSv1\nmode: none\nmx: *.smtp.test\nmax_age: 86400\n"
WRONGNAME_MX = "version: STSv1\nmode: enforce\nmx: mx.wrongname.bad.test\nmax_age: 86400\n"
EXPIRED_MX = "version: STSv1\nmode: enforce\nmx: mx.expired.bad.test\nmax_age: 86400\n"
EXPIRED_MX_TESTING = "version: STSv1\nmode: testing\nmx: mx.expired.bad.test\nmax_age: 86400\n"
# no version line, an unknown mode, an "mx" line without a colon, a max_age that is no number
MALFORMED = "mode: enforced\nmx *.smtp.test\nmax_age: soon\n"


@dataclasses.dataclass(frozen=True)
class Site:
    domain: str
    address: str
    cert: str          # certificate file base name in --tls-dir; "-": nothing listens
    cert_name: str     # the name the certificate is made for ("-" if none)
    policy: str | None
    what: str

    @property
    def host(self) -> str:
        return f"mta-sts.{self.domain}"


SITES = [
    Site("smtp.test", "198.51.100.150", "sts-smtp", "mta-sts.smtp.test", GOOD,
         "good policy: enforce, mx *.smtp.test, max_age 86400"),
    Site("stsbad.test", "198.51.100.151", "sts-stsbad", "mta-sts.stsbad.test", MALFORMED,
         "malformed policy"),
    Site("stswrongcert.test", "198.51.100.152", "sts-wrongcert", "mta-sts.elsewhere.test", GOOD,
         "good policy, but the certificate is for mta-sts.elsewhere.test"),
    Site("stsnopolicy.test", "198.51.100.153", "-", "-", None,
         "nothing listens on 443 (connection refused)"),
    Site("stsnotxt.test", "198.51.100.154", "sts-stsnotxt", "mta-sts.stsnotxt.test", GOOD,
         "good policy (the domain has no _mta-sts TXT)"),
    Site("stsuncovered.test", "198.51.100.155", "sts-stsuncovered", "mta-sts.stsuncovered.test",
         UNCOVERED, "enforce, mx mail.other.test (does not cover mx1.smtp.test)"),
    Site("ststesting.test", "198.51.100.156", "sts-ststesting", "mta-sts.ststesting.test", TESTING,
         "mode testing, mx *.smtp.test"),
    # beyond the contract
    Site("sts404.test", "198.51.100.157", "sts-sts404", "mta-sts.sts404.test", None,
         "listens, but answers 404 for the policy"),
    Site("stsmxcert.test", "198.51.100.158", "sts-stsmxcert", "mta-sts.stsmxcert.test", WRONGNAME_MX,
         "enforce, mx mx.wrongname.bad.test (whose certificate is for mx.elsewhere.test)"),
    Site("stsnone.test", "198.51.100.159", "sts-stsnone", "mta-sts.stsnone.test", NONE_MODE,
         "mode none"),
    # the senders model: an enforce (and a testing) policy whose only MX has an expired certificate
    Site("stsexpired.test", "198.51.100.160", "sts-stsexpired", "mta-sts.stsexpired.test",
         EXPIRED_MX, "enforce, mx mx.expired.bad.test (whose certificate expired 10 days ago)"),
    Site("ststestingexpired.test", "198.51.100.161", "sts-ststestingexpired",
         "mta-sts.ststestingexpired.test", EXPIRED_MX_TESTING,
         "testing, mx mx.expired.bad.test (whose certificate expired 10 days ago)"),
]


class Log:
    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8", buffering=1)
        self.lock = threading.Lock()

    @staticmethod
    def clean(text) -> str:
        text = "-" if text is None else str(text)
        out = "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in "\\\t" else f"\\x{ord(ch):02x}"
                      for ch in text[:300])
        return out + (f"...(+{len(text) - 300})" if len(text) > 300 else "")

    def write(self, *fields) -> None:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        line = "\t".join([now] + [self.clean(f) for f in fields])
        with self.lock:
            self.file.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "mxhealth-world-mta-sts/1"
    sys_version = ""
    timeout = REQUEST_TIMEOUT_S

    def log_message(self, format, *args):  # noqa: A002 -- the requests go to our own log
        pass

    def answer(self, with_body: bool) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if host.count(":") == 1:                 # NAME:PORT (an IPv6 literal has more colons)
            host = host.partition(":")[0]
        host = host.rstrip(".")
        site = self.server.world.by_host.get(host)
        path = self.path.split("?", 1)[0]
        if site is not None and site.policy is not None and path == POLICY_PATH:
            status, body = 200, site.policy.encode()
        else:
            status, body = 404, b"not found\n"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)
        sni = getattr(self.connection, "mxh_sni", None)
        self.server.world.log.write(self.server.site.address, self.client_address[0], sni,
                                    f"{self.command} {self.path}", host, status)

    def do_GET(self):  # noqa: N802
        self.answer(True)

    def do_HEAD(self):  # noqa: N802
        self.answer(False)


class SiteServer(http.server.ThreadingHTTPServer):
    """One listener: TLS is set up in the request's own thread, not in accept()."""
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 50

    def __init__(self, world: "World", site: Site):
        self.world = world
        self.site = site
        super().__init__((site.address, 443), Handler)

    def finish_request(self, request, client_address):
        request.settimeout(REQUEST_TIMEOUT_S)
        try:
            tls = self.world.contexts[self.site.host].wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.world.log.write(self.site.address, client_address[0], "-", "-", "-",
                                 f"tls error {type(exc).__name__}: {exc}")
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def shutdown_request(self, request):
        try:
            request.close()
        except OSError:
            pass


class World:
    def __init__(self, tls_dir: str, log: Log):
        self.log = log
        self.by_host = {s.host: s for s in SITES}
        self.contexts: dict[str, ssl.SSLContext] = {}
        for s in SITES:
            if s.cert != "-":
                self.contexts[s.host] = self.make_context(tls_dir, s)

    def make_context(self, tls_dir: str, site: Site) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(os.path.join(tls_dir, f"{site.cert}.crt"),
                            os.path.join(tls_dir, f"{site.cert}.key"))
        ctx.sni_callback = self.select
        return ctx

    def select(self, sock: ssl.SSLObject, server_name: str | None, _ctx) -> None:
        sock.mxh_sni = server_name
        if server_name is not None:
            ctx = self.contexts.get(server_name.lower().rstrip("."))
            if ctx is not None:
                sock.context = ctx
        return None

    def serve(self, ready_file: str) -> None:
        servers = [SiteServer(self, s) for s in SITES if s.cert != "-"]
        threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1},
                                    daemon=True) for s in servers]
        for t in threads:
            t.start()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        with open(ready_file + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(ready_file + ".tmp", ready_file)
        self.log.write("-", "-", "-", "-", "-", f"listening: {len(servers)} sites, pid {os.getpid()}")
        while not stop.wait(0.5):
            pass
        # shutdown() waits for its serve_forever loop: stop them all at once
        stoppers = [threading.Thread(target=s.shutdown) for s in servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        for s in servers:
            s.server_close()
        self.log.write("-", "-", "-", "-", "-", "stopped")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print DOMAIN ADDRESS CERT CERT_NAME per site")
    ap.add_argument("--tls-dir")
    ap.add_argument("--log")
    ap.add_argument("--ready")
    args = ap.parse_args()
    if args.list:
        for s in SITES:
            print(s.domain, s.address, s.cert, s.cert_name)
        return 0
    if not (args.tls_dir and args.log and args.ready):
        ap.error("--tls-dir, --log and --ready are required to serve")
    World(args.tls_dir, Log(args.log)).serve(args.ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())

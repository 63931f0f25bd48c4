"""A reference DANE sender for the test world: Postfix's posttls-finger(1).

`posttls_finger_dane(domain)` asks what a DANE-enforcing Postfix (RFC 7672, security level
`dane`) would do with a message for DOMAIN right now, using posttls-finger from the postfix
package (/usr/sbin/posttls-finger) inside the world's network namespace, with the world's
validating unbound (tests/world/world.sh, MXH_VALIDATING_RESOLVER, 127.0.0.4) as its only
resolver. It is independent of mxhealth: tests/integration/test_dane_reference.py checks
mxhealth's `senders.dane` against it.

How it runs posttls-finger:

    ip netns exec NS unshare -m sh -c 'mount --bind STATE/dane-resolv.conf /etc/resolv.conf && exec ...'
        env MAIL_CONFIG=DIR posttls-finger -c -v -l dane -t 2 -T 8 -L routine,certmatch,dane \
            -o inet_protocols=ipv4|ipv6 DESTINATION

* STATE/dane-resolv.conf (world.sh writes it) says `nameserver 127.0.0.4` and `options
  trust-ad edns0`: glibc passes the AD bit of the answers on to posttls-finger only with
  trust-ad, and without AD nothing is "secure" (no DANE at all). The private mount namespace
  (unshare -m) keeps the bind mount away from everything else.
* MAIL_CONFIG is a directory with a minimal main.cf (the machine's Postfix is installed with
  "No configuration": there is no /etc/postfix/main.cf); it sets `dnssec_probe =` (no probe
  query for the root zone, which the world does not serve) and an EHLO name.
* -c: no SMTP chat in the output (only TLS information); -v: Postfix's verbose logging, which
  is what names the MX hosts in order (`addr_one: host H`), the address each connection goes
  to (`connect_addr: trying: H[A] port 25...`) and "no TLSA records found"; -L ...,dane: the
  TLSA records found (`DNSSEC-signed TLSA record: ...`).

posttls-finger stops after the first address it connects to, whatever happens in the TLS
handshake (it is a probe, not a mailer), and -m only counts reconnections to that same
address (with -r), it does not make it try others. A real sender skips an address that fails
DANE and tries the next one, then the next MX. So this module runs it several times:

1. once for the domain (`-o inet_protocols=ipv4`): the MX lookup as posttls-finger sees it
   (a bogus MX RRset is "Host not found, try again"; a Null MX "does not accept mail") and the
   MX hosts in preference order;
2. then for every MX host, once per address family, as `[HOST]` (no MX lookup): the host's
   TLSA records (looked up only when its address records are DNSSEC-secure, as Postfix does),
   and what happened on the first address of that family that connected.

Every host of the test world has at most one address per family, so 2. covers every address.

The outcome (`dane_outcome`, in the vocabulary of docs/report.md): the first MX host in
preference order that "works" decides:
* a host with usable TLSA records (usage 2 or 3, secure) works when one of its addresses gave
  a `Verified TLS connection` -> "delivered_verified";
* a host whose TLSA lookup failed (bogus) never works;
* a host without (usable) TLSA works like for any sender that only encrypts: TLS established
  (Untrusted / Anonymous / Trusted: posttls-finger falls back to its "secure" level and
  reports the unverified chain, a real Postfix at level dane falls back to "may") ->
  "delivered_encrypted"; connected but no STARTTLS, or a failed handshake (the sender then
  retries in plaintext) -> "delivered_unencrypted";
* none works -> "deferred"; the MX lookup failed temporarily (SERVFAIL: bogus) ->
  "deferred"; a Null MX, or no such domain -> "bounced".
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import pathlib
import re
import subprocess
import tempfile

POSTTLS_FINGER = "/usr/sbin/posttls-finger"
CONNECT_TIMEOUT_S = 2        # -t: TCP connect and greeting
COMMAND_TIMEOUT_S = 8        # -T: EHLO, STARTTLS (and the handshake), QUIT
RUN_TIMEOUT_S = 60           # one posttls-finger run, at most

MAIN_CF = """\
# posttls-finger's configuration for tests/integration/dane_reference.py
compatibility_level = 3.6
myhostname = dane-reference.test
mydomain = test
mynetworks = 127.0.0.0/8
# no DNSSEC probe query for the root zone: the world serves only test. and reverse zones
dnssec_probe =
smtp_dns_support_level = dnssec
"""

_PREFIX = "posttls-finger: "

# posttls-finger's output lines (Postfix 3.7)
_RE_MX_HOST = re.compile(r"^addr_one: host (\S+)$")
_RE_DNS_QUERY = re.compile(r"^dns_query: (\S+) \((\w+)\): (.*)$")
_RE_LOOKUP_FAILED = re.compile(r"^Destination address lookup failed: (.*)$")
_RE_TLSA = re.compile(r"^DNSSEC-signed TLSA record: _\d+\._tcp\.(\S+?): (\d+) (\d+) (\d+) (\S+)$")
_RE_TLSA_UNSUPPORTED = re.compile(r"^warning: _\d+\._tcp\.(\S+?) unsupported TLSA .*: (\d+) (\d+) (\d+) ")
_RE_NO_TLSA = re.compile(r'^no (usable )?TLSA records found, resorting to "secure"$')
_RE_TRYING = re.compile(r"^connect_addr: trying: (\S+)\[([^\]]+)\] port (\d+)\.\.\.$")
# (Postfix 3.7 writes "via HOST: REASON", newer versions "via HOST:PORT: REASON")
_RE_FAILED_SESSION = re.compile(r"^Failed to establish session to (\S+) via (\S+?)(?::\d+)?: (.*)$")
_RE_TLS_ESTABLISHED = re.compile(
    r"^(Verified|Untrusted|Anonymous|Trusted) TLS connection established to (\S+)\[([^\]]+)\]:\d+: (.*)$")
_RE_VERIFY_FAILED = re.compile(r"^(?:server )?certificate verification failed for (\S+)\[([^\]]+)\]:\d+: (.*)$")
_RE_DANE_MATCH = re.compile(r"^(\S+)\[([^\]]+)\]:\d+: Matched DANE (EE|TA) certificate at depth (\d+): (.*)$")
_RE_TLS_FAILED = re.compile(r"^SSL_connect error to (\S+)\[([^\]]+)\]:\d+: (.*)$")
_RE_SMTP_FAILED = re.compile(
    r"^(SMTP service not available: .*|EHLO rejected: .*|STARTTLS rejected: .*"
    r"|(?:lost connection|timeout) while (?:reading server greeting|sending EHLO))$")

TLS_RESULTS = {"verified", "untrusted", "anonymous", "trusted"}


@dataclasses.dataclass
class Attempt:
    """One address posttls-finger tried (or a failure before any address)."""
    host: str
    address: str | None
    family: str | None
    result: str = "connected"   # verified | untrusted | anonymous | trusted | no_starttls |
    #                             tls_failed | smtp_failed | connect_failed | tlsa_lookup_error
    detail: str | None = None
    dane_match: str | None = None   # "EE" / "TA" when a TLSA record matched

    @property
    def tls(self) -> bool:
        return self.result in TLS_RESULTS


@dataclasses.dataclass
class Run:
    argv: list[str]
    output: str
    lines: list[str]
    mx_hosts: list[str]
    lookup_error: str | None
    mx_query: str | None            # the dns_query result of the MX lookup, e.g. "OK"
    tlsa: dict[str, list[str]]      # host -> usable records "U S M DATA"
    tlsa_unusable: dict[str, list[str]]
    no_tlsa: bool
    attempts: list[Attempt]


def _family(address: str | None) -> str | None:
    if address is None:
        return None
    return "ipv6" if ":" in address else "ipv4"


def parse_output(output: str) -> tuple[list[str], dict]:
    """posttls-finger's output -> (message lines without the program prefix, parsed facts)."""
    lines = []
    for raw in output.splitlines():
        line = raw[len(_PREFIX):] if raw.startswith(_PREFIX) else raw
        lines.append(line.rstrip())
    facts = {"mx_hosts": [], "lookup_error": None, "mx_query": None, "tlsa": {},
             "tlsa_unusable": {}, "no_tlsa": False, "attempts": []}
    current: Attempt | None = None

    def close():
        nonlocal current
        if current is not None:
            facts["attempts"].append(current)
            current = None

    for line in lines:
        if m := _RE_MX_HOST.match(line):
            host = m.group(1).rstrip(".").lower()
            if host not in facts["mx_hosts"]:
                facts["mx_hosts"].append(host)
        elif (m := _RE_DNS_QUERY.match(line)) and m.group(2) == "MX" and facts["mx_query"] is None:
            facts["mx_query"] = m.group(3)
        elif m := _RE_LOOKUP_FAILED.match(line):
            facts["lookup_error"] = m.group(1)
        elif m := _RE_TLSA.match(line):
            host = m.group(1).rstrip(".").lower()
            facts["tlsa"].setdefault(host, []).append(" ".join(m.group(2, 3, 4, 5)))
        elif m := _RE_TLSA_UNSUPPORTED.match(line):
            host = m.group(1).rstrip(".").lower()
            facts["tlsa_unusable"].setdefault(host, []).append(" ".join(m.group(2, 3, 4)))
        elif _RE_NO_TLSA.match(line):
            facts["no_tlsa"] = True
        elif m := _RE_TRYING.match(line):
            close()
            current = Attempt(host=m.group(1).lower(), address=m.group(2), family=_family(m.group(2)))
        elif m := _RE_FAILED_SESSION.match(line):
            reason = m.group(3)
            if current is not None and current.host == m.group(2).lower():
                current.result, current.detail = "connect_failed", reason
                close()
            else:   # no address tried: the TLSA lookup of this host failed
                facts["attempts"].append(Attempt(
                    host=m.group(2).lower(), address=None, family=None,
                    result="tlsa_lookup_error" if "TLSA lookup error" in reason else "connect_failed",
                    detail=reason))
        elif m := _RE_DANE_MATCH.match(line):
            if current is not None:
                current.dane_match = m.group(3)
        elif m := _RE_VERIFY_FAILED.match(line):
            if current is not None:
                current.detail = m.group(3)
        elif m := _RE_TLS_ESTABLISHED.match(line):
            if current is not None:
                current.result = m.group(1).lower()
                if current.result == "verified":
                    current.detail = m.group(4)
                elif current.detail is None:
                    current.detail = m.group(4)
        elif m := _RE_TLS_FAILED.match(line):
            if current is not None:
                current.result, current.detail = "tls_failed", f"SSL_connect error: {m.group(3)}"
        elif line.startswith("warning: TLS library problem:"):
            if current is not None and current.result == "tls_failed":
                current.detail = f"{current.detail}; {line[len('warning: '):]}"
        elif m := _RE_SMTP_FAILED.match(line):
            if current is not None:
                current.result, current.detail = "smtp_failed", m.group(1)
    close()
    # a connection without any TLS line and without a failure: the server offered no STARTTLS
    # (with -c, posttls-finger says nothing about a plaintext-only session)
    for a in facts["attempts"]:
        if a.result == "connected":
            a.result = "no_starttls"
    return lines, facts


class DaneReference:
    """Runs posttls-finger inside the world (namespace NETNS, state directory STATE)."""

    def __init__(self, state: pathlib.Path | str, netns: str):
        self.state = pathlib.Path(state)
        self.netns = netns
        self.resolv_conf = self.state / "dane-resolv.conf"
        if not self.resolv_conf.is_file():
            raise FileNotFoundError(
                f"{self.resolv_conf} missing: the world in {self.state} has no validating resolver "
                f"(tests/world/world.sh up writes it)")
        if not os.access(POSTTLS_FINGER, os.X_OK):
            raise FileNotFoundError(f"{POSTTLS_FINGER} not found (Debian package postfix)")
        self.config_dir = pathlib.Path(tempfile.mkdtemp(prefix="mxh-posttls-finger-"))
        (self.config_dir / "main.cf").write_text(MAIN_CF)
        self.config_dir.chmod(0o755)

    def close(self) -> None:
        for p in self.config_dir.iterdir():
            p.unlink()
        self.config_dir.rmdir()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def argv(self, destination: str, family: str) -> list[str]:
        return ["ip", "netns", "exec", self.netns, "unshare", "-m", "sh", "-c",
                'mount --bind "$0" /etc/resolv.conf && exec "$@"', str(self.resolv_conf),
                "env", f"MAIL_CONFIG={self.config_dir}", POSTTLS_FINGER,
                "-c", "-v", "-l", "dane", "-t", str(CONNECT_TIMEOUT_S), "-T", str(COMMAND_TIMEOUT_S),
                "-L", "routine,certmatch,dane", "-o", f"inet_protocols={family}", destination]

    def run(self, destination: str, family: str = "ipv4") -> Run:
        argv = self.argv(destination, family)
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=RUN_TIMEOUT_S)
        output = proc.stdout + proc.stderr
        if proc.returncode != 0 or "fatal:" in output:
            raise RuntimeError(f"posttls-finger failed (exit {proc.returncode}): {argv}\n{output}")
        lines, facts = parse_output(output)
        return Run(argv=argv, output=output, lines=lines, **facts)

    def check(self, domain: str) -> dict:
        """What a DANE sender does with mail for DOMAIN: see the module's docstring."""
        domain = domain.rstrip(".").lower()
        first = self.run(domain, "ipv4")
        result = {
            "domain": domain,
            "mx_lookup": {"query": first.mx_query, "error": first.lookup_error, "hosts": first.mx_hosts},
            "hosts": [],
            "dane_outcome": None,
            "via": None,
            "verified": [],          # (host, address) of every Verified connection
            "runs": {f"{domain} ipv4": first.output},
        }
        if not first.mx_hosts:
            # no MX host at all: a temporary failure (SERVFAIL, e.g. a bogus MX RRset) defers,
            # a Null MX or a domain that does not exist bounces
            err = first.lookup_error or ""
            result["dane_outcome"] = "deferred" if "try again" in err or not err else "bounced"
            return result

        jobs = [(host, fam) for host in first.mx_hosts for fam in ("ipv4", "ipv6")]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            runs = dict(zip(jobs, pool.map(lambda j: self.run(f"[{j[0]}]", j[1]), jobs)))
        for host in first.mx_hosts:
            attempts: list[Attempt] = []
            tlsa: list[str] = []
            unusable: list[str] = []
            lookup_errors: list[str] = []
            for fam in ("ipv4", "ipv6"):
                r = runs[(host, fam)]
                result["runs"][f"[{host}] {fam}"] = r.output
                for rec in r.tlsa.get(host, []):
                    if rec not in tlsa:
                        tlsa.append(rec)
                for rec in r.tlsa_unusable.get(host, []):
                    if rec not in unusable:
                        unusable.append(rec)
                if r.lookup_error:
                    lookup_errors.append(r.lookup_error)
                attempts += [a for a in r.attempts if a.host == host]
            usable = [t for t in tlsa if t.split()[0] in ("2", "3")]
            if any(a.result == "tlsa_lookup_error" for a in attempts):
                tlsa_state = "error"
            elif usable:
                tlsa_state = "usable"
            elif unusable or tlsa:
                tlsa_state = "unusable"
            else:
                tlsa_state = "none"
            if tlsa_state == "usable":
                works = "verified" if any(a.result == "verified" for a in attempts) else None
            elif tlsa_state == "error":
                works = None
            elif any(a.tls for a in attempts):
                works = "encrypted"
            elif any(a.result in ("no_starttls", "tls_failed") for a in attempts):
                works = "unencrypted"
            else:
                works = None
            result["verified"] += [(host, a.address) for a in attempts if a.result == "verified"]
            result["hosts"].append({
                "host": host, "tlsa": tlsa_state, "tlsa_records": tlsa, "tlsa_unusable": unusable,
                "attempts": [dataclasses.asdict(a) for a in attempts], "works": works,
                "lookup_errors": lookup_errors,
            })
        for h in result["hosts"]:
            if h["works"] is not None:
                result["dane_outcome"] = f"delivered_{h['works']}"
                result["via"] = h["host"]
                break
        else:
            # nothing works; if no MX host has an address at all, and only because none exists
            # (no "try again"), the mail bounces, else it waits
            hard = all(not h["attempts"] and h["lookup_errors"]
                       and not any("try again" in e for e in h["lookup_errors"])
                       for h in result["hosts"])
            result["dane_outcome"] = "bounced" if hard else "deferred"
        return result


def _world_from_env() -> tuple[pathlib.Path, str]:
    state = pathlib.Path(os.environ.get("MXH_WORLD_STATE", "/tmp/mxh-world"))
    netns = os.environ.get("MXH_NETNS")
    env_file = state / "env"
    if not netns and env_file.is_file():
        for line in env_file.read_text().splitlines():
            if line.startswith("MXH_NETNS="):
                netns = line.partition("=")[2].strip()
    return state, netns or "mxhw"


def posttls_finger_dane(domain: str, state: pathlib.Path | str | None = None,
                        netns: str | None = None) -> dict:
    """What a DANE sender (posttls-finger -l dane) does with mail for DOMAIN in the test world.

    STATE and NETNS default to MXH_WORLD_STATE and MXH_NETNS (else STATE/env, else "mxhw").
    Returns a dict: `dane_outcome` ("delivered_verified", "delivered_encrypted",
    "delivered_unencrypted", "deferred" or "bounced"), `via` (the MX host that takes the mail,
    or None), `verified` ([(host, address)] of the Verified connections), `mx_lookup`
    ({query, error, hosts}), `hosts` (per MX host in preference order: `tlsa` "usable" /
    "unusable" / "none" / "error", the records, `attempts` [{host, address, family, result,
    detail, dane_match}], `works`), and `runs` (posttls-finger's raw output per run)."""
    if state is None or netns is None:
        env_state, env_netns = _world_from_env()
        state = state or env_state
        netns = netns or env_netns
    with DaneReference(state, netns) as ref:
        return ref.check(domain)


if __name__ == "__main__":  # by hand: python3 dane_reference.py DOMAIN... (as root, world up)
    import json
    import sys

    for d in [a for a in sys.argv[1:] if a != "-v"]:
        out = posttls_finger_dane(d)
        if "-v" not in sys.argv:
            out.pop("runs")
        print(json.dumps(out, indent=2))

"""Helpers for the mxhealth integration tests: run the binary inside the DNS
test world's network namespace, validate its JSON report against the schema,
and check the rules of the contract that hold for every report.

The world (tests/world/world.sh) is an NSD inside a network namespace that
only has a loopback interface, so nothing the binary does can leave the
machine.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import ipaddress
import json
import os
import re
import subprocess
import tempfile
import time
from typing import Any, Iterable

EXIT_FOR_VERDICT = {
    "healthy": 0,
    "needs_attention": 1,
    "broken": 2,
    "could_not_check": 3,
}

TOP_LEVEL_FIELDS = {
    "version", "input", "domain", "domain_unicode", "checked_at", "duration_ms",
    "verdict", "error", "mx_records", "count", "has_valid_mx", "all_reachable",
    "smtp_probe_enabled", "any_smtp_ok", "all_tls_ok", "issues", "findings",
    "null_mx", "implicit_mx", "dnssec", "resolver",
    "changes_since_last",  # the history
    "spf", "dmarc", "tls_rpt", "mta_sts",  # the domain's mail policies
    "assessment", "senders",  # what each kind of sender does, and the assessment by dimension
}
DIMENSIONS = ["delivery", "encryption", "authentication", "sender_policies", "reputation", "dns_integrity"]
SENDER_KINDS = ["opportunistic", "dnssec_validating", "dane", "mta_sts"]
CHANGE_KINDS = {"verdict.changed", "mx.added", "mx.removed", "mx.priority_changed",
                "address.added", "address.removed", "probe.status_changed",
                "tls.version_changed", "certificate.renewed", "certificate.changed",
                "finding.new", "finding.resolved"}
MX_FIELDS = {"priority", "host", "ips", "reachable", "error", "smtp_probe", "smtp_probes",
             "implicit", "cname", "addresses", "dane", "domain_blocklists"}
ADDRESS_FIELDS = {"ip", "version", "public", "range", "ptr", "blocklists"}
FINDING_FIELDS = {"code", "severity", "message", "host", "ip", "reference", "dimension"}
DNSSEC_FIELDS = {"name", "type", "status", "why"}
RESOLVER_FIELDS = {"mode", "servers", "dnssec_validation", "trust_anchor", "note"}

# The SMTP probe (issue 3)
PROBE_FIELDS = {"ip", "port", "probe_kind", "status", "tcp_connected", "greeting",
                "supports_starttls", "tls_negotiated", "capabilities", "capabilities_after_tls",
                "extensions", "helo_fallback", "plaintext_after_starttls", "unsafe_reply", "error", "reply_code",
                "duration_ms", "timings", "tls", "dane"}
PROBE_STATUSES = {"ok", "no_starttls", "tls_failed", "greeting_rejected", "deferred",
                  "greeting_timeout", "connect_timeout", "unreachable", "refused", "reset", "protocol_error",
                  "timeout", "skipped"}
PROBE_KINDS = {25: "relay", 587: "submission", 465: "smtps"}
EXTENSION_FIELDS = {"size", "auth", "starttls", "pipelining", "eightbitmime", "smtputf8",
                    "chunking", "dsn", "enhancedstatuscodes", "requiretls"}
TIMING_FIELDS = {"connect_ms", "greeting_ms", "ehlo_ms", "tls_ms"}
TLS_FIELDS = {"version", "cipher", "key_exchange", "certificate", "chain_verified",
              "verify_error", "hostname_match"}
CERT_FIELDS = {"subject", "sans", "issuer", "not_before", "not_after", "days_left", "key_type",
               "key_bits", "signature_algorithm"}
# statuses that can only happen after the TCP connection was established
CONNECTED_STATUSES = {"ok", "no_starttls", "tls_failed", "greeting_rejected", "deferred",
                      "greeting_timeout", "protocol_error", "timeout"}
UNCONNECTED_STATUSES = {"connect_timeout", "unreachable", "refused", "skipped"}

CHECKED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
CODE_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")

SUBPROCESS_TIMEOUT = 60


# AddressSanitizer's shadow memory and quarantine multiply a process's peak RSS: memory bounds
# are asserted on the plain build only (CMake sets MXH_SANITIZED for the sanitizer build).
MEMORY_BOUNDS_APPLY = os.environ.get("MXH_SANITIZED", "0") != "1"
# ... and they slow every step: a bound on how fast something must happen is this many times
# looser there (CI measured 2.35 s under ASan for what the plain build does well under 1 s).
SANITIZER_SLOWDOWN = 1 if MEMORY_BOUNDS_APPLY else 3


@contextlib.contextmanager
def daemon_in_namespace(netns: str, script: str, *args: str, ready_timeout: float = 10):
    """Runs the test server `script` (it takes `--ready FILE`) inside `netns`, yields the
    folder it may write into once it is ready, and stops it by its PID at the end."""
    with tempfile.TemporaryDirectory(prefix="mxh-daemon-") as tmp:
        ready = os.path.join(tmp, "ready")
        proc = subprocess.Popen(["ip", "netns", "exec", netns, "/usr/bin/python3", script, *args,
                                 "--ready", ready],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + ready_timeout
            while not os.path.exists(ready):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{os.path.basename(script)} did not start: {proc.stderr.read()!r}")
                time.sleep(0.02)
            yield tmp
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@dataclasses.dataclass
class Run:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    report: dict | None = None

    def describe(self) -> str:
        return (f"argv: {self.argv}\nexit: {self.returncode}  ({self.seconds:.2f} s)\n"
                f"stderr: {self.stderr!r}\nstdout: {self.stdout[:4000]}")


def norm_name(name: str | None) -> str | None:
    if name is None:
        return None
    if name != "." and name.endswith("."):
        name = name[:-1]
    return name.lower()


def run(argv: list[str], timeout: float = SUBPROCESS_TIMEOUT, env: dict | None = None) -> Run:
    started = time.monotonic()
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, env=env)
    seconds = time.monotonic() - started
    return Run(argv=argv, returncode=proc.returncode,
               stdout=proc.stdout.decode("utf-8", errors="replace"),
               stderr=proc.stderr.decode("utf-8", errors="replace"),
               seconds=seconds)


# --------------------------------------------------------------------------
# Findings and DNSSEC entries
# --------------------------------------------------------------------------

def findings(report: dict, code: str | None = None, severity: str | None = None,
             host: str | None = None) -> list[dict]:
    out = []
    for f in report["findings"]:
        if code is not None and f["code"] != code:
            continue
        if severity is not None and f["severity"] != severity:
            continue
        if host is not None and norm_name(f["host"]) != host:
            continue
        out.append(f)
    return out


def codes(report: dict, severity: str | None = None) -> set[str]:
    return {f["code"] for f in findings(report, severity=severity)}


def problem_codes(report: dict) -> set[str]:
    """Codes of the findings that affect the verdict (error and warning)."""
    return {f["code"] for f in report["findings"] if f["severity"] in ("error", "warning")}


def severity_of(report: dict, code: str) -> set[str]:
    return {f["severity"] for f in findings(report, code=code)}


def dnssec_entries(report: dict, name: str, rrtype: str | None = None) -> list[dict]:
    return [e for e in report["dnssec"]
            if norm_name(e["name"]) == name and (rrtype is None or e["type"] == rrtype)]


def dnssec_status(report: dict, name: str, rrtype: str) -> str:
    entries = dnssec_entries(report, name, rrtype)
    assert entries, (f"no dnssec entry for {name} {rrtype}; dnssec = "
                     f"{json.dumps(report['dnssec'], indent=1)}")
    statuses = {e["status"] for e in entries}
    assert len(statuses) == 1, f"conflicting dnssec entries for {name} {rrtype}: {entries}"
    return statuses.pop()


def mx_summary(report: dict) -> list[tuple[int, str]]:
    return [(r["priority"], r["host"]) for r in report["mx_records"]]


def record(report: dict, host: str, priority: int | None = None) -> dict:
    hits = [r for r in report["mx_records"]
            if r["host"] == host and (priority is None or r["priority"] == priority)]
    assert len(hits) == 1, f"expected exactly one MX record for {host}/{priority}, got {hits}"
    return hits[0]


# --------------------------------------------------------------------------
# Rules that hold for every report
# --------------------------------------------------------------------------

def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _ip(text: str):
    return ipaddress.ip_address(text)


def verdict_from_assessment(report: dict) -> str:
    """The verdict rule of docs/report.md ("The verdict"), written again independently."""
    a = report["assessment"]
    status = {d: a["dimensions"][d]["status"] for d in DIMENSIONS}
    if report["error"] is not None or a["headline"]["kind"] == "could_not_check":
        return "could_not_check"
    if any(status[d] == "error" for d in ("delivery", "encryption", "authentication", "dns_integrity")):
        return "broken"
    if any(s in ("warning", "error") for s in status.values()) or status["delivery"] == "unknown":
        return "needs_attention"
    return "healthy"


def check_assessment(report: dict) -> None:
    """The assessment's own rules: the verdict follows from it, and no finding of delivery,
    encryption, authentication or DNS integrity is more severe than its dimension."""
    a = report["assessment"]
    assert list(a["dimensions"]) == DIMENSIONS, f"dimensions out of order: {list(a['dimensions'])}"
    assert report["verdict"] == verdict_from_assessment(report), (
        f"verdict {report['verdict']} does not follow from the assessment {a}")
    assert a["headline"]["text"].strip(), "empty headline"
    for f in report["findings"] if report["error"] is None else []:
        d = f["dimension"]
        if d in ("delivery", "encryption", "authentication", "dns_integrity") and f["severity"] == "error":
            assert a["dimensions"][d]["status"] == "error", f"{f['code']} is an error under a {d} that is not"
        if d in DIMENSIONS and f["severity"] in ("warning", "error"):
            # an inconclusive delivery (unknown) carries the warnings that make it so (a 421)
            allowed = ("warning", "error", "unknown") if d == "delivery" else ("warning", "error")
            assert a["dimensions"][d]["status"] in allowed, (
                f"{f['code']} ({f['severity']}) under {d} {a['dimensions'][d]['status']}")
    if report["error"] is not None:
        assert report["senders"] is None
    else:
        assert list(report["senders"]) == SENDER_KINDS


def statuses(report: dict) -> dict:
    """The six dimension statuses, for exact assertions."""
    return {d: report["assessment"]["dimensions"][d]["status"] for d in DIMENSIONS}


def outcomes(report: dict) -> dict:
    """The four senders' outcomes, for exact assertions."""
    return {k: report["senders"][k]["outcome"] for k in SENDER_KINDS}


def check_invariants(report: dict, returncode: int, target: str, *,
                     smtp_disabled: bool = True) -> None:
    """Contract rules that every report must satisfy (beyond the schema)."""
    assert isinstance(report, dict), "report is not a JSON object"
    assert set(report) == TOP_LEVEL_FIELDS, (
        f"top-level fields differ: missing {TOP_LEVEL_FIELDS - set(report)}, "
        f"extra {set(report) - TOP_LEVEL_FIELDS}")

    check_assessment(report)
    assert isinstance(report["version"], str) and re.match(r"^\d+\.\d+\.\d+", report["version"])
    assert report["input"] == target, f"input {report['input']!r} != what was typed {target!r}"

    domain = report["domain"]
    assert isinstance(domain, str) and domain, "domain empty"
    assert domain == domain.lower(), f"domain not lower case: {domain!r}"
    assert not domain.endswith("."), f"domain has a trailing dot: {domain!r}"
    assert domain.isascii(), f"domain not ASCII: {domain!r}"
    assert isinstance(report["domain_unicode"], str) and report["domain_unicode"]
    if not any(label.startswith("xn--") for label in domain.split(".")):
        assert report["domain_unicode"] == domain, "domain_unicode differs for a non-IDN domain"

    assert CHECKED_AT_RE.match(report["checked_at"]), f"checked_at {report['checked_at']!r}"
    assert _is_int(report["duration_ms"]) and report["duration_ms"] >= 0

    # verdict, error, exit code
    verdict = report["verdict"]
    assert verdict in EXIT_FOR_VERDICT, f"unknown verdict {verdict!r}"
    assert returncode == EXIT_FOR_VERDICT[verdict], (
        f"exit code {returncode} does not match verdict {verdict!r}")
    if verdict == "could_not_check":
        err = report["error"]
        assert isinstance(err, dict) and set(err) == {"code", "message"}, f"error = {err!r}"
        assert CODE_RE.match(err["code"]), f"error.code {err['code']!r} not dotted"
        assert isinstance(err["message"], str) and err["message"]
        assert findings(report, code="dns.mx_lookup_failed"), \
            "could_not_check without a dns.mx_lookup_failed finding"
    else:
        assert report["error"] is None, f"error set although verdict is {verdict}"
        # The verdict follows the assessment (check_assessment); the findings agree with it.
        severities = {f["severity"] for f in report["findings"]}
        if verdict == "healthy":
            assert severities <= {"info"}, f"healthy with problems: {report['findings']}"
        if verdict == "broken":
            assert "error" in severities, "broken without an error finding"

    # findings and issues
    for f in report["findings"]:
        assert set(f) == FINDING_FIELDS, f"finding fields: {sorted(f)}"
        assert CODE_RE.match(f["code"]), f"finding code {f['code']!r}"
        assert f["severity"] in ("error", "warning", "info")
        assert isinstance(f["message"], str) and f["message"]
        assert f["host"] is None or (isinstance(f["host"], str) and not f["host"].endswith("."))
        if f["ip"] is not None:
            _ip(f["ip"])
        assert f["reference"] is None or isinstance(f["reference"], str)
    expected_issues = [f["message"] for f in report["findings"]
                       if f["severity"] in ("error", "warning")]
    assert report["issues"] == expected_issues, (
        f"issues {report['issues']} != messages of error/warning findings {expected_issues}")

    # MX records
    recs = report["mx_records"]
    assert report["count"] == len(recs), f"count {report['count']} != {len(recs)} records"
    keys = [(r["priority"], r["host"]) for r in recs]
    assert keys == sorted(keys), f"mx_records not sorted by priority, host: {keys}"
    for r in recs:
        assert set(r) == MX_FIELDS, f"MxRecord fields: {sorted(r)}"
        assert _is_int(r["priority"]) and 0 <= r["priority"] <= 65535
        host = r["host"]
        assert host == "." or (host == host.lower() and not host.endswith(".") and host.isascii()), \
            f"bad host {host!r}"
        ips = r["ips"]
        assert len(ips) == len(set(ips)), f"duplicate ips {ips}"
        versions = [_ip(i).version for i in ips]
        assert versions == sorted(versions), f"ips not IPv4 first, then IPv6: {ips}"
        for i in ips:
            assert str(_ip(i)) == i, f"ip {i!r} not in canonical text form ({_ip(i)})"
        assert sorted(a["ip"] for a in r["addresses"]) == sorted(ips), \
            f"addresses {r['addresses']} do not match ips {ips}"
        for a in r["addresses"]:
            assert set(a) == ADDRESS_FIELDS, f"Address fields: {sorted(a)}"
            assert a["version"] == _ip(a["ip"]).version
            assert isinstance(a["public"], bool)
            assert a["range"] is None or isinstance(a["range"], str)
            if a["public"]:
                assert a["range"] is None, f"public address with range {a}"
            else:
                assert a["range"], f"non-public address without range {a}"
        assert r["reachable"] == bool(ips), f"reachable {r['reachable']} but ips {ips}"
        if r["reachable"]:
            assert r["error"] is None, f"reachable host with error {r['error']!r}"
        elif host != ".":
            assert isinstance(r["error"], str) and r["error"], \
                f"unresolvable host {host} without error text"
        if smtp_disabled or report["smtp_probe_enabled"] is False:
            assert r["smtp_probe"] is None, f"smtp_probe without probing: {r['smtp_probe']}"
            assert r.get("smtp_probes") == [], f"smtp_probes without probing: {r.get('smtp_probes')}"
        else:
            check_record_probes(r)
        assert isinstance(r["implicit"], bool)
        assert r["cname"] is None or (isinstance(r["cname"], str) and not r["cname"].endswith("."))

    real = [r for r in recs if r["host"] != "."]
    assert report["has_valid_mx"] == any(r["reachable"] for r in real), \
        f"has_valid_mx {report['has_valid_mx']} inconsistent with records"
    if len(real) == len(recs):
        assert report["all_reachable"] == (bool(real) and all(r["reachable"] for r in real)), \
            f"all_reachable {report['all_reachable']} inconsistent with records"
    if not recs:
        assert report["has_valid_mx"] is False and report["all_reachable"] is False

    assert isinstance(report["null_mx"], bool) and isinstance(report["implicit_mx"], bool)
    assert not (report["null_mx"] and report["implicit_mx"])
    if report["implicit_mx"]:
        assert len(recs) == 1 and recs[0]["implicit"] is True
    else:
        assert not any(r["implicit"] for r in recs), "implicit record without implicit_mx"

    # SMTP
    if smtp_disabled:
        assert report["smtp_probe_enabled"] is False
    if report["smtp_probe_enabled"] is False:
        assert report["any_smtp_ok"] is False
        assert report["all_tls_ok"] is None
    else:
        check_smtp_summary(report)

    # DNSSEC
    for e in report["dnssec"]:
        assert set(e) == DNSSEC_FIELDS, f"DnssecEntry fields: {sorted(e)}"
        assert e["status"] in ("secure", "insecure", "bogus", "unvalidated")
        assert isinstance(e["type"], str) and re.match(r"^[A-Z][A-Z0-9]*$", e["type"])
        assert e["why"] is None or isinstance(e["why"], str)
        assert not e["name"].endswith(".") or e["name"] == "."

    # resolver
    res = report["resolver"]
    assert set(res) == RESOLVER_FIELDS, f"resolver fields: {sorted(res)}"
    assert res["mode"] in ("system", "forward")
    assert isinstance(res["servers"], list) and res["servers"]
    assert all(isinstance(s, str) and s for s in res["servers"])
    assert isinstance(res["dnssec_validation"], bool)
    if not res["dnssec_validation"]:
        assert all(e["status"] == "unvalidated" for e in report["dnssec"])
    for f in findings(report, code="dnssec.bogus"):
        assert f["severity"] == "error"

    # changes since the last check (docs/report.md, "Changes since the last check")
    changes = report["changes_since_last"]
    if verdict == "could_not_check":
        assert changes is None, f"a could_not_check report with changes_since_last {changes}"
    if changes is not None:
        assert set(changes) == {"previous_checked_at", "changes"}, f"changes_since_last {changes}"
        assert CHECKED_AT_RE.match(changes["previous_checked_at"]), changes
        assert changes["previous_checked_at"] < report["checked_at"], \
            f"previous_checked_at {changes['previous_checked_at']} is not before " \
            f"checked_at {report['checked_at']}"
        for c in changes["changes"]:
            assert set(c) == {"kind", "message", "host", "port"}, f"change {c}"
            assert c["kind"] in CHANGE_KINDS, f"unknown change kind {c}"
            assert isinstance(c["message"], str) and c["message"], c


# --------------------------------------------------------------------------
# The SMTP probe: rules for every probe (docs/report.md, CONTRACT-issue3)
# --------------------------------------------------------------------------

def _int_or_none(v: Any) -> bool:
    return v is None or (_is_int(v) and v >= 0)


def check_probe(p: dict, ips: list[str]) -> None:
    """The rules every Probe object satisfies (docs/report.md, "Probe")."""
    where = f"probe {p.get('ip')}:{p.get('port')}"
    assert isinstance(p, dict) and set(p) == PROBE_FIELDS, (
        f"{where}: fields differ: missing {PROBE_FIELDS - set(p)}, extra {set(p) - PROBE_FIELDS}")
    assert p["ip"] in ips, f"{where}: ip not one of the host's addresses {ips}"
    assert _is_int(p["port"]) and 0 < p["port"] < 65536, where
    assert p["probe_kind"] == PROBE_KINDS.get(p["port"], "relay"), \
        f"{where}: probe_kind {p['probe_kind']}"
    status = p["status"]
    assert status in PROBE_STATUSES, f"{where}: unknown status {status!r}"
    for key in ("tcp_connected", "supports_starttls", "tls_negotiated", "helo_fallback",
                "plaintext_after_starttls"):
        assert isinstance(p[key], bool), f"{where}: {key} = {p[key]!r}"
    if status in CONNECTED_STATUSES:
        assert p["tcp_connected"] is True, f"{where}: status {status} but tcp_connected false"
    if status in UNCONNECTED_STATUSES:
        assert p["tcp_connected"] is False, f"{where}: status {status} but tcp_connected true"
    if not p["tcp_connected"]:
        # nothing was said: every conversation field is empty
        assert status in UNCONNECTED_STATUSES | {"reset"}, f"{where}: {status} without connection"
        assert p["greeting"] is None and p["tls"] is None and p["capabilities"] == [], where
        assert p["reply_code"] is None and not p["supports_starttls"] and not p["helo_fallback"]
    if status == "ok":
        assert p["tls_negotiated"] is True, f"{where}: status ok without TLS"
        assert p["greeting"] is not None and p["reply_code"] is not None, where
    # tls is the negotiated session: an object exactly when TLS was negotiated
    assert (p["tls"] is not None) == p["tls_negotiated"], \
        f"{where}: tls_negotiated {p['tls_negotiated']} but tls = {p['tls']!r}"
    if p["probe_kind"] == "smtps":
        assert p["supports_starttls"] is False, f"{where}: supports_starttls on implicit TLS"
        assert p["capabilities_after_tls"] == [], f"{where}: capabilities_after_tls on smtps"
        assert p["plaintext_after_starttls"] is False
    elif not p["tls_negotiated"]:
        assert p["capabilities_after_tls"] == [], \
            f"{where}: capabilities_after_tls without TLS: {p['capabilities_after_tls']}"
    assert p["greeting"] is None or (isinstance(p["greeting"], str) and p["greeting"]), where
    for key in ("capabilities", "capabilities_after_tls"):
        assert isinstance(p[key], list) and all(isinstance(c, str) and c for c in p[key]), \
            f"{where}: {key} = {p[key]!r}"
    if p["supports_starttls"]:
        assert any(c.upper() == "STARTTLS" for c in p["capabilities"]), \
            f"{where}: supports_starttls but no STARTTLS in {p['capabilities']}"
    if p["helo_fallback"]:
        assert p["capabilities"] == [], f"{where}: HELO has no capabilities"
        assert p["supports_starttls"] is False, f"{where}: STARTTLS after HELO"
    ext = p["extensions"]
    assert isinstance(ext, dict) and set(ext) == EXTENSION_FIELDS, f"{where}: extensions {ext}"
    assert ext["size"] is None or (_is_int(ext["size"]) and ext["size"] >= 0)
    assert isinstance(ext["auth"], list) and all(isinstance(a, str) for a in ext["auth"])
    for key in EXTENSION_FIELDS - {"size", "auth"}:
        assert isinstance(ext[key], bool), f"{where}: extensions.{key} = {ext[key]!r}"
    if not p["capabilities"] and not p["capabilities_after_tls"]:
        # no EHLO succeeded: nothing to parse
        assert ext["size"] is None and ext["auth"] == [] and not any(
            ext[k] for k in EXTENSION_FIELDS - {"size", "auth"}), f"{where}: extensions {ext}"
    if status in ("ok", "no_starttls"):
        assert p["error"] is None, f"{where}: status {status} with error {p['error']!r}"
    elif status != "skipped":
        assert isinstance(p["error"], str) and p["error"], \
            f"{where}: status {status} without an error sentence"
    assert p["error"] is None or isinstance(p["error"], str)
    assert p["reply_code"] is None or (_is_int(p["reply_code"]) and 200 <= p["reply_code"] <= 599), \
        f"{where}: reply_code {p['reply_code']!r}"
    assert _is_int(p["duration_ms"]) and p["duration_ms"] >= 0
    t = p["timings"]
    assert isinstance(t, dict) and set(t) == TIMING_FIELDS, f"{where}: timings {t}"
    assert all(_int_or_none(t[k]) for k in TIMING_FIELDS), f"{where}: timings {t}"
    assert (t["connect_ms"] is not None) == p["tcp_connected"], \
        f"{where}: connect_ms {t['connect_ms']} but tcp_connected {p['tcp_connected']}"
    if p["tls_negotiated"]:
        assert t["tls_ms"] is not None, f"{where}: TLS without tls_ms"
    if p["greeting"] is not None and p["greeting"].startswith("220"):
        assert t["greeting_ms"] is not None, f"{where}: greeting without greeting_ms"
    if p["tls"] is not None:
        check_tls(p["tls"], where)


def check_tls(tls: dict, where: str) -> None:
    assert set(tls) == TLS_FIELDS, f"{where}: tls fields {sorted(tls)}"
    assert isinstance(tls["version"], str) and tls["version"].startswith("TLSv"), \
        f"{where}: tls.version {tls['version']!r}"
    assert isinstance(tls["cipher"], str) and tls["cipher"], f"{where}: tls.cipher"
    assert tls["key_exchange"] is None or (isinstance(tls["key_exchange"], str) and tls["key_exchange"])
    assert isinstance(tls["chain_verified"], bool) and isinstance(tls["hostname_match"], bool)
    assert tls["verify_error"] is None or (isinstance(tls["verify_error"], str) and tls["verify_error"])
    assert (tls["verify_error"] is None) == tls["chain_verified"], \
        f"{where}: chain_verified {tls['chain_verified']} but verify_error {tls['verify_error']!r}"
    cert = tls["certificate"]
    if cert is not None:
        assert set(cert) == CERT_FIELDS, f"{where}: certificate fields {sorted(cert)}"
        for key in ("subject", "issuer", "key_type", "signature_algorithm"):
            assert isinstance(cert[key], str), f"{where}: certificate.{key} = {cert[key]!r}"
        assert isinstance(cert["sans"], list) and all(isinstance(n, str) for n in cert["sans"])
        assert _is_int(cert["days_left"]), f"{where}: days_left {cert['days_left']!r}"
        assert _is_int(cert["key_bits"]) and cert["key_bits"] > 0
        for key in ("not_before", "not_after"):
            assert isinstance(cert[key], str) and re.match(
                r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", cert[key]), \
                f"{where}: certificate.{key} {cert[key]!r} not RFC 3339"
        assert parse_time(cert["not_before"]) < parse_time(cert["not_after"]), \
            f"{where}: not_before {cert['not_before']} is not before not_after {cert['not_after']}"


def parse_time(text: str) -> datetime.datetime:
    """RFC 3339 -> aware datetime."""
    text = text.replace("z", "Z").replace("t", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def probe_rank(p: dict) -> tuple:
    return (p["status"] == "ok", p["tls_negotiated"], p["tcp_connected"])


def expected_smtp_probe(probes: list[dict]) -> dict | None:
    """The probe that stands for the host (docs/report.md, "Which probe is
    smtp_probe"): if a port-25 probe connected, the best port-25 probe that
    connected; otherwise the best of the probes that were not skipped; best =
    status ok, then tls_negotiated, then tcp_connected, ties to the earlier
    entry. None when every probe was skipped (or there is none)."""
    pool = [p for p in probes if p["port"] == 25 and p["tcp_connected"]] \
        or [p for p in probes if p["status"] != "skipped"]
    if not pool:
        return None
    best = pool[0]
    for p in pool[1:]:
        if probe_rank(p) > probe_rank(best):
            best = p
    return best


def check_record_probes(r: dict) -> None:
    probes = r["smtp_probes"]
    assert isinstance(probes, list), f"smtp_probes of {r['host']}: {probes!r}"
    if not r["ips"]:
        assert probes == [], f"{r['host']} has no address but probes {probes}"
    for p in probes:
        check_probe(p, r["ips"])
    # ordered by address (as in ips), then by port in the order of --ports: the
    # same port sequence for every address
    pairs = [(p["ip"], p["port"]) for p in probes]
    assert len(set(pairs)) == len(pairs), f"duplicate probes for {r['host']}: {pairs}"
    idx = [r["ips"].index(ip) for ip, _ in pairs]
    assert idx == sorted(idx), f"smtp_probes of {r['host']} not ordered by address: {pairs}"
    per_ip = {}
    for ip, port in pairs:
        per_ip.setdefault(ip, []).append(port)
    seqs = {tuple(v) for v in per_ip.values()}
    assert len(seqs) <= 1, f"smtp_probes of {r['host']}: different ports per address {per_ip}"
    want = expected_smtp_probe(probes)
    assert r["smtp_probe"] == want, (
        f"smtp_probe of {r['host']} is "
        f"{None if r['smtp_probe'] is None else (r['smtp_probe']['ip'], r['smtp_probe']['port'])}, "
        f"expected {None if want is None else (want['ip'], want['port'])} "
        f"(of {[(p['ip'], p['port'], p['status']) for p in probes]})")


def check_smtp_summary(report: dict) -> None:
    """any_smtp_ok and all_tls_ok follow from the probes."""
    recs = [r for r in report["mx_records"] if r["host"] != "."]
    probes = [p for r in recs for p in r["smtp_probes"]]
    assert report["any_smtp_ok"] == any(p["status"] == "ok" for p in probes), \
        f"any_smtp_ok {report['any_smtp_ok']} but probes {[(p['ip'], p['port'], p['status']) for p in probes]}"
    # Probed: a probe that was neither skipped nor without a route (unreachable) from here.
    probed = [r for r in recs if any(p["status"] not in ("skipped", "unreachable") for p in r["smtp_probes"])]
    if not probed:
        assert report["all_tls_ok"] is None, f"all_tls_ok {report['all_tls_ok']} with no probed MX"
    else:
        want = all(any(p["tls_negotiated"] for p in r["smtp_probes"]) for r in probed)
        assert report["all_tls_ok"] is want, (
            f"all_tls_ok {report['all_tls_ok']}, expected {want}: "
            + str({r["host"]: [(p["port"], p["tls_negotiated"]) for p in r["smtp_probes"]]
                   for r in probed}))


def assert_problems(report: dict, expected: Iterable[str]) -> None:
    """The set of error/warning codes is exactly `expected`."""
    got = problem_codes(report)
    exp = set(expected)
    assert got == exp, (
        f"error/warning codes {sorted(got)} != expected {sorted(exp)}; findings: "
        + json.dumps([(f['code'], f['severity'], f['host'], f['ip']) for f in report['findings']]))

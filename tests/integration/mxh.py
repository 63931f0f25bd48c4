"""Helpers for the mxhealth integration tests: run the binary inside the DNS
test world's network namespace, validate its JSON report against the schema,
and check the rules of the contract that hold for every report.

The world (tests/world/world.sh) is an NSD inside a network namespace that
only has a loopback interface, so nothing the binary does can leave the
machine.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
import subprocess
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
}
MX_FIELDS = {"priority", "host", "ips", "reachable", "error", "smtp_probe",
             "implicit", "cname", "addresses"}
ADDRESS_FIELDS = {"ip", "version", "public", "range"}
FINDING_FIELDS = {"code", "severity", "message", "host", "ip", "reference"}
DNSSEC_FIELDS = {"name", "type", "status", "why"}
RESOLVER_FIELDS = {"mode", "servers", "dnssec_validation", "trust_anchor", "note"}

CHECKED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
CODE_RE = re.compile(r"^[a-z0-9]+(\.[a-z0-9_]+)+$")

SUBPROCESS_TIMEOUT = 60


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


def check_invariants(report: dict, returncode: int, target: str, *,
                     smtp_disabled: bool = True) -> None:
    """Contract rules that every report must satisfy (beyond the schema)."""
    assert isinstance(report, dict), "report is not a JSON object"
    assert set(report) == TOP_LEVEL_FIELDS, (
        f"top-level fields differ: missing {TOP_LEVEL_FIELDS - set(report)}, "
        f"extra {set(report) - TOP_LEVEL_FIELDS}")

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
        severities = {f["severity"] for f in report["findings"]}
        if "error" in severities:
            expected = "broken"
        elif "warning" in severities:
            expected = "needs_attention"
        else:
            expected = "healthy"
        assert verdict == expected, (
            f"verdict {verdict!r} but findings imply {expected!r}: "
            f"{[(f['code'], f['severity']) for f in report['findings']]}")

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
        assert r["smtp_probe"] is None
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

    # SMTP (no probe in this version / with --no-smtp)
    if smtp_disabled:
        assert report["smtp_probe_enabled"] is False
    if report["smtp_probe_enabled"] is False:
        assert report["any_smtp_ok"] is False
        assert report["all_tls_ok"] is None

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


def assert_problems(report: dict, expected: Iterable[str]) -> None:
    """The set of error/warning codes is exactly `expected`."""
    got = problem_codes(report)
    exp = set(expected)
    assert got == exp, (
        f"error/warning codes {sorted(got)} != expected {sorted(exp)}; findings: "
        + json.dumps([(f['code'], f['severity'], f['host'], f['ip']) for f in report['findings']]))

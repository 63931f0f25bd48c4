"""mxhealth against hostile DNS answers (issue 12): the report stays true.

tests/world/hostdns.py serves one zone per scenario under hostile.test (2,000 MX records, a
compression-pointer loop, an RDLENGTH that lies, a 65,000-byte SPF record, an answer that
drips in one byte at a time, ...). It runs inside the world's network namespace on
HOSTILE_DNS (127.0.0.4 is the world's validating unbound, hence .5), and every check here
gives it as the only resolver, like the big_dns fixture of test_native_host.py gives
bigdns.py: no trust anchor is passed, the server refuses the root's DNSKEY, so mxhealth
checks without DNSSEC validation (the report's resolver note says so).

Every check runs once per scenario (all at once, at the start of the module), measured:
wall time, and peak RSS of the mxhealth process (GNU time; see run_measured). The tests
then assert what must hold whatever the server does: the check ends within its --timeout,
the report is one valid JSON document that matches the schema and the contract's
invariants (mxh.check_invariants), memory stays bounded, and a truncated, oversized or
malformed answer never becomes a definite "does not exist" (no domain.nxdomain, mx.none,
Null MX, or MX host "does not exist"/"has no A or AAAA record"), and an SPF or DMARC
record that is there is never reported absent.

Whole file: about 8 s (the two scenarios that never answer run into their 4 s --timeout).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "world"))
import hostdns  # noqa: E402
import mxh  # noqa: E402

HOSTILE_DNS = "127.0.0.5"
CHECK_TIMEOUT_S = 10          # --timeout of every check ...
NO_ANSWER_TIMEOUT_S = 4       # ... but of those whose server never (or too slowly) answers
NO_ANSWER = {"silent", "drip"}
DEADLINE_SLACK_S = 2.0        # start-up, the netns switch, writing the report
RSS_LIMIT_KB = 100 * 1024     # an idle check takes ~15 MB; 2,000 MX or 65 KB of TXT must not add much
KILL_AFTER_S = 60             # a check that is still running then has hung: killed, and the test fails
GNU_TIME = "/usr/bin/time"    # measures the peak RSS of exactly the binary (see run_measured)

SCENARIO_NAMES = [s.name for s in hostdns.SCENARIOS]

# Scenarios whose MX answer cannot be read at all: the only true report is "could not
# check" (dns.mx_lookup_failed), or the records reported as malformed (mx.malformed).
UNREADABLE_MX = ["tc", "tccut", "loop", "pastend", "overlong", "badrdata", "wrongq", "silent", "drip"]

# What an MX host's `error` says when DNS said the host has no address: a definite answer.
DEFINITE_NO_ADDRESS = re.compile(r"does not exist|no A or AAAA record")


@dataclasses.dataclass
class MeasuredRun:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_kb: int
    report: dict | None = None
    problem: str | None = None      # why the run's output is not a valid report, if it is not

    def describe(self) -> str:
        return (f"argv: {self.argv}\nexit: {self.returncode}  ({self.seconds:.2f} s, "
                f"peak RSS {self.max_rss_kb} KB)\nstderr: {self.stderr[-2000:]!r}\n"
                f"stdout: {self.stdout[:3000]}")


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it ended just now


def run_measured(netns: str, argv: list[str], env: dict, kill_after: float) -> MeasuredRun:
    """Runs argv inside the namespace to its end; returns its output, wall time and peak RSS.

    The peak RSS comes from GNU time (/usr/bin/time), which forks the binary from its own
    small image. Without it, from wait4 on our child: an upper bound only, because Linux
    keeps a process's high-water mark across fork and exec, so any child of this (big)
    Python process starts with Python's RSS as its peak."""
    with tempfile.NamedTemporaryFile(prefix="mxh-rss-", suffix=".txt") as rss_file:
        timed = os.access(GNU_TIME, os.X_OK)
        full = ["ip", "netns", "exec", netns] + ([GNU_TIME, "-f", "%M", "-o", rss_file.name] if timed else []) + argv
        started = time.monotonic()
        # a session of its own: on a hang the killer stops time and the binary under it together
        proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, start_new_session=True)
        output: dict[str, bytes] = {}

        def drain(name: str, stream) -> None:
            output[name] = stream.read()

        readers = [threading.Thread(target=drain, args=(name, stream), daemon=True)
                   for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr))]
        for reader in readers:
            reader.start()
        killer = threading.Timer(kill_after, kill_group, (proc.pid,))
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.monotonic() - started
        returncode = os.waitstatus_to_exitcode(status)
        proc.returncode = returncode  # reaped here: Popen must not wait again
        for reader in readers:
            reader.join(10)
        max_rss_kb = usage.ru_maxrss
        if timed:
            lines = pathlib.Path(rss_file.name).read_text().splitlines()
            signalled = [line for line in lines if "terminated by signal" in line]
            if signalled:
                returncode = -int(signalled[0].split()[-1])
            if lines and lines[-1].strip().isdigit():
                max_rss_kb = int(lines[-1])
    return MeasuredRun(argv=full, returncode=returncode,
                       stdout=output.get("stdout", b"").decode("utf-8", errors="replace"),
                       stderr=output.get("stderr", b"").decode("utf-8", errors="replace"),
                       seconds=seconds, max_rss_kb=max_rss_kb)


@pytest.fixture(scope="module")
def hostile_dns(world):
    """hostdns.py inside the world's namespace on HOSTILE_DNS:53, UDP and TCP; stopped by
    its PID at the end of the module."""
    script = HERE.parent / "world" / "hostdns.py"
    with mxh.daemon_in_namespace(world.netns, str(script), HOSTILE_DNS):
        yield HOSTILE_DNS


class HostileChecks:
    """`mxhealth check NAME.hostile.test --json --no-smtp` against the hostile server, measured."""

    def __init__(self, binary: str, world, validator, resolver: str):
        self.binary = binary
        self.world = world
        self.validator = validator
        self.resolver = resolver
        self.env = dict(os.environ, LC_ALL="C.UTF-8")
        self.env["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="mxh-xdg-hostile-")
        self.env.pop("MXHEALTH_DNS_DEBUG", None)
        self._cache: dict[str, MeasuredRun] = {}
        self._lock = threading.Lock()

    @staticmethod
    def timeout_of(scenario: str) -> int:
        return NO_ANSWER_TIMEOUT_S if scenario in NO_ANSWER else CHECK_TIMEOUT_S

    def run(self, scenario: str, *, json_out: bool = True) -> MeasuredRun:
        """A fresh run (never cached). --allow-private: the scenarios' addresses are
        documentation and benchmarking ranges, and a private deployment is not what is
        tested; --no-smtp: nothing but DNS is asked, and nothing is contacted."""
        target = f"{scenario}.hostile.test"
        argv = [self.binary, "check", target,
                "--no-smtp", "--resolver", self.resolver, "--allow-private", "--blocklists", "none",
                "--timeout", str(self.timeout_of(scenario))] + (["--json"] if json_out else [])
        result = run_measured(self.world.netns, argv, self.env, KILL_AFTER_S)
        if json_out:
            self._read_report(result, target)
        return result

    def _read_report(self, result: MeasuredRun, target: str) -> None:
        if result.returncode < 0:
            result.problem = f"mxhealth died from signal {-result.returncode}"
            return
        try:
            result.report = json.loads(result.stdout)
        except json.JSONDecodeError as exc:
            result.problem = f"stdout is not one JSON document: {exc}"
            return
        errors = sorted(self.validator.iter_errors(result.report), key=lambda e: list(e.path))
        if errors:
            result.problem = "the report does not match the schema:\n" + "\n".join(
                f"  at /{'/'.join(str(p) for p in e.path)}: {e.message[:300]}" for e in errors[:20])
            return
        try:
            mxh.check_invariants(result.report, result.returncode, target, smtp_disabled=True)
        except AssertionError as exc:
            result.problem = f"the report breaks the contract: {exc}"

    def once(self, scenario: str) -> MeasuredRun:
        """The run of the scenario that every test shares."""
        with self._lock:
            cached = self._cache.get(scenario)
        if cached is None:
            cached = self.run(scenario)
            with self._lock:
                self._cache.setdefault(scenario, cached)
        return cached

    def report(self, scenario: str) -> dict:
        result = self.once(scenario)
        assert result.problem is None and result.report is not None, \
            f"{result.problem}\n{result.describe()}"
        return result.report


@pytest.fixture(scope="module")
def hostile(binary, world, validator, hostile_dns):
    checks = HostileChecks(binary, world, validator, hostile_dns)
    # All scenarios at once: the two that never answer wait out their --timeout side by side.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(checks.once, SCENARIO_NAMES))
    yield checks
    shutil.rmtree(checks.env["XDG_DATA_HOME"], ignore_errors=True)


def definite_absences(report: dict) -> list[str]:
    """What the report claims does not exist."""
    claims = [f"finding {f['code']}" for f in report["findings"] if f["code"] in ("domain.nxdomain", "mx.none")]
    if report["null_mx"]:
        claims.append("null_mx true")
    for record in report["mx_records"]:
        if record["error"] and DEFINITE_NO_ADDRESS.search(record["error"]):
            claims.append(f"MX host {record['host']}: {record['error']}")
    return claims


def summary(report: dict) -> str:
    return json.dumps({"verdict": report["verdict"], "error": report["error"], "count": report["count"],
                       "findings": [(f["code"], f["severity"], f["host"]) for f in report["findings"]][:40],
                       "records": [(r["priority"], r["host"], r["ips"][:4], r["error"])
                                   for r in report["mx_records"]][:8],
                       "spf": report["spf"], "dmarc": report["dmarc"] and {
                           k: report["dmarc"][k] for k in ("status", "policy", "error")}})[:6000]


# ------------------------------------------------------------------------------------
# What holds for every scenario
# ------------------------------------------------------------------------------------

def test_every_scenario_is_listed():
    """hostdns.py --list is the scenario table this module runs."""
    listed = subprocess.run(["/usr/bin/python3", str(HERE.parent / "world" / "hostdns.py"), "--list"],
                            capture_output=True, text=True, timeout=30, check=True).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == SCENARIO_NAMES
    assert len(set(SCENARIO_NAMES)) == len(SCENARIO_NAMES)


@pytest.mark.parametrize("scenario", SCENARIO_NAMES)
def test_check_ends_in_time_with_a_valid_report(hostile, scenario):
    """Whatever the server does, the check ends within its --timeout, with exit code 0-3 and
    one JSON report that matches the schema and the contract, in bounded memory."""
    result = hostile.once(scenario)
    limit = hostile.timeout_of(scenario) + DEADLINE_SLACK_S
    assert result.seconds <= limit, f"took {result.seconds:.2f} s (limit {limit} s)\n{result.describe()}"
    assert result.returncode in (0, 1, 2, 3), result.describe()
    assert result.problem is None, f"{result.problem}\n{result.describe()}"
    assert not mxh.MEMORY_BOUNDS_APPLY or result.max_rss_kb < RSS_LIMIT_KB, \
        f"peak RSS {result.max_rss_kb} KB (limit {RSS_LIMIT_KB} KB)\n{result.describe()}"


@pytest.mark.parametrize("scenario", SCENARIO_NAMES)
def test_hostile_answer_is_never_a_definite_absence(hostile, scenario):
    """No scenario's domain lacks its MX records or its hosts their addresses: whatever made
    them unreadable, the report must not say they do not exist."""
    report = hostile.report(scenario)
    claims = definite_absences(report)
    assert not claims, f"{scenario}: the report claims {claims}\n{summary(report)}"


# ------------------------------------------------------------------------------------
# Scenario by scenario
# ------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", UNREADABLE_MX)
def test_unreadable_mx_answer_is_could_not_check(hostile, scenario):
    """A truncated, looping, lying or spoofed MX answer (or none at all) is a failed lookup:
    verdict could_not_check, or the records named as malformed; never a verdict about the
    domain built on an answer nobody could read."""
    report = hostile.report(scenario)
    codes = mxh.codes(report)
    assert report["verdict"] == "could_not_check" or "mx.malformed" in codes, summary(report)
    if report["verdict"] == "could_not_check":
        assert report["error"]["code"].startswith("dns."), summary(report)
        # nothing was learnt about the domain, so nothing is said about its policies
        assert report["spf"] is None and report["dmarc"] is None, summary(report)


@pytest.mark.parametrize("scenario", sorted(NO_ANSWER))
def test_unanswered_mx_query_times_out_at_the_deadline(hostile, scenario):
    """silent never answers, drip answers over TCP one byte every 0.5 s: either way the
    check ends at its --timeout with dns.timeout, not later."""
    result = hostile.once(scenario)
    report = hostile.report(scenario)
    assert report["verdict"] == "could_not_check" and report["error"]["code"] == "dns.timeout", summary(report)
    assert result.seconds >= NO_ANSWER_TIMEOUT_S - 0.5, f"ended early: {result.seconds:.2f} s"


def test_many_mx_records_are_reported_as_too_many(hostile):
    """2,000 MX records (a 64 KB TCP answer): the report has the first 32 (the cap), each with
    its address, and the warning mx.too_many; or, if the answer cannot be had (libunbound
    gives up on it with TC set), could_not_check with dns.truncated. Never "no MX"."""
    report = hostile.report("manymx")
    assert "mx.none" not in mxh.codes(report) and not report["implicit_mx"], summary(report)
    if report["verdict"] == "could_not_check":
        assert report["error"]["code"] == "dns.truncated", summary(report)
        assert "too large" in report["error"]["message"], summary(report)
    else:
        assert report["count"] == 32, summary(report)
        assert "mx.too_many" in mxh.codes(report), summary(report)
        assert [r["priority"] for r in report["mx_records"]] == list(range(10, 42)), summary(report)
        assert all(r["reachable"] for r in report["mx_records"]), summary(report)


def test_many_addresses_are_capped(hostile):
    """500 A and 500 AAAA records for one MX host: 16 of each are kept (the cap), sorted, and
    the host is reachable."""
    report = hostile.report("manyaddr")
    [record] = report["mx_records"]
    assert record["reachable"] and record["error"] is None, summary(report)
    v4 = [ip for ip in record["ips"] if ":" not in ip]
    v6 = [ip for ip in record["ips"] if ":" in ip]
    assert len(v4) == 16 and len(v6) == 16, record["ips"]
    assert all(ip.startswith("198.18.") for ip in v4) and all(ip.startswith("2001:db8::") for ip in v6), \
        record["ips"]


def test_huge_spf_record_is_not_absent(hostile):
    """A 65,000-byte SPF record is there: never status none, never spf.none. It is invalid,
    too long to use, and the finding about that record says how long it is."""
    report = hostile.report("hugetxt")
    assert report["spf"]["status"] == "invalid", summary(report)
    assert "spf.none" not in mxh.codes(report), summary(report)
    [finding] = [f for f in report["findings"] if f["code"] == "spf.invalid"]
    assert re.search(r"the record is 6\d,\d{3} bytes long", finding["message"]), finding


def test_huge_dmarc_record_is_not_absent(hostile):
    """A 10,000-byte DMARC record at _dmarc is there: never status none, never dmarc.none;
    invalid, with its length."""
    report = hostile.report("hugetxt")
    assert report["dmarc"]["status"] == "invalid", summary(report)
    assert "dmarc.none" not in mxh.codes(report), summary(report)
    [finding] = [f for f in report["findings"] if f["code"] == "dmarc.invalid"]
    assert re.search(r"the record is 10,\d{3} bytes long", finding["message"]), finding


def test_huge_records_are_shown_cut(hostile):
    """Whatever status the huge records get, the report never carries 65 KB of record text:
    a record is shown cut (docs/report.md: long records cut)."""
    result = hostile.once("hugetxt")
    assert len(result.stdout) < 40_000, f"the report is {len(result.stdout)} bytes"
    report = hostile.report("hugetxt")
    for text in [report["spf"]["record"], *report["spf"]["records"], report["dmarc"]["record"]]:
        assert text is None or len(text) <= 2100, f"a record of {len(text)} characters in the report"


def test_spf_after_many_txt_records_is_not_absent(hostile):
    """1,000 TXT records with one SPF record among them: the SPF record is found, whatever
    position the resolver puts it in. The resolver rotates the records, so the check runs a
    few times: with the record dropped beyond the 64th, a run finds it ~6% of the time, so
    all four runs finding it by chance is a one in 60,000 event."""
    runs = [hostile.once("manytxt")] + [hostile.run("manytxt") for _ in range(3)]
    for result in runs:
        assert result.problem is None, f"{result.problem}\n{result.describe()}"
    statuses = [r.report["spf"]["status"] for r in runs]
    assert statuses == ["ok"] * len(runs), f"spf.status of the runs: {statuses}\n{summary(runs[-1].report)}"


def test_hostile_host_name_is_escaped(hostile):
    """An MX target with CR LF, an SMTP command, NUL and ESC in a label: the report names it
    with those octets escaped (no control character in any string of the report), flags it
    as mx.invalid_name, and the text report shows no control character either."""
    report = hostile.report("badname")
    [record] = report["mx_records"]
    assert record["host"].endswith(".badname.hostile.test"), record["host"]
    assert "mx.invalid_name" in mxh.codes(report), summary(report)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    raw = [s for s in strings(report) if re.search(r"[\x00-\x1f\x7f]", s)]
    assert not raw, f"strings with control characters in the report: {raw[:5]}"
    text = hostile.run("badname", json_out=False)
    assert text.returncode == 1, text.describe()
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", text.stdout), f"control characters in:\n{text.stdout!r}"
    assert "badname.hostile.test" in text.stdout


def test_cname_loop_is_a_failed_address_lookup(hostile):
    """The MX host is an alias of an alias of itself: its address lookup failed (no address,
    but not "no address exists")."""
    report = hostile.report("cnameloop")
    [record] = report["mx_records"]
    assert not record["reachable"], summary(report)
    assert "mx.address_lookup_failed" in mxh.codes(report) or report["verdict"] == "could_not_check", \
        summary(report)


def test_malformed_address_records_are_a_failed_lookup(hostile):
    """The MX host's A record is 3 octets and its AAAA record 5: records exist that cannot be
    read, so its address lookup failed (and says why), which for the only MX host means
    could_not_check; never "has no A or AAAA record"."""
    report = hostile.report("badaddr")
    assert report["verdict"] == "could_not_check" and report["error"]["code"] == "dns.malformed", summary(report)
    [record] = report["mx_records"]
    assert "malformed" in (record["error"] or ""), summary(report)
    assert "mx.address_lookup_failed" in mxh.codes(report), summary(report)

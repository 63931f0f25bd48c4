"""The native messaging host (`mxhealth native`, docs/protocol.md) against the test world.

Every test starts the real binary inside the world's network namespace and speaks frames
to it through native_client.NativeHost, which parses the whole of stdout as frames and
validates every message against docs/protocol/message.schema.json, so a stray byte on
stdout, an over-long message or a message outside the schema fails the test that caused it.

Whole file: about 15 s, half of it validating the 2048 probes of the split report (the
slow SMTP scenario is always cancelled, never waited for).
"""

from __future__ import annotations

import collections
import json
import os
import struct
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxh  # noqa: E402
import native_client  # noqa: E402
from native_client import (ANSWER_TIMEOUT, CHECK_TIMEOUT, MAX_IN, MAX_OUT, encode, frame,  # noqa: E402
                           id_key, schema_errors)

FAST = 1.0                    # contract: cancel and EOF take effect in under 1 s

CHROME_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
FIREFOX_MANIFEST = "/usr/lib/mozilla/native-messaging-hosts/org.mxhealth.native.json"
FIREFOX_ADDON_ID = "mxhealth@mxhealth.org"

HOST_VERSION = "0.2.0"
CAPABILITIES = {
    "messages": ["hello", "check", "cancel", "registrable_domain", "history", "clear_history", "validate_options"],
    "checks": ["mx", "dnssec", "smtp", "tls", "ptr", "dnsbl", "dane", "mta_sts", "tls_rpt", "spf", "dmarc"],
    "default_ports": [25, 587, 465],
}

CHECK_OPTIONS = ["ports", "timeout", "no_smtp", "resolver", "trust_anchor", "allow_private", "ehlo", "ca_file",
                 "connect_timeout", "greeting_timeout", "reply_timeout", "tls_timeout", "blocklists", "dqs_key"]


@pytest.fixture
def native(binary, world, message_validator, tmp_path):
    """Factory: native(*args) starts `BINARY ARGS` (default: `native`) inside the world.
    The host's history goes to a fresh XDG_DATA_HOME of the test, never to the real home."""
    env = native_client.host_env(tmp_path / "xdg-data")
    with native_client.hosts(binary, world.netns, message_validator) as start:
        yield lambda *args: start(env, *(args or ("native",)))

def error_code(message: dict) -> str:
    return message["error"]["code"]


def check_report(report: dict, target: str, *, smtp_disabled: bool) -> None:
    mxh.check_invariants(report, mxh.EXIT_FOR_VERDICT[report["verdict"]], target,
                         smtp_disabled=smtp_disabled)


def check_stream(msgs: list[dict], id_, target: str, *, smtp_disabled: bool) -> dict:
    """The contract's order for a check that ran: progress dns once, first; one progress
    probe per probe of the report; result last. Returns the report."""
    types = [(m["type"], m.get("stage")) for m in msgs]
    assert all(id_key(m["id"]) == id_key(id_) for m in msgs)
    assert msgs[-1]["type"] == "result", f"stream does not end with a result: {types}\n" \
                                         f"{json.dumps(msgs[-1])[:2000]}"
    result = msgs[-1]
    assert result["ok"] is True
    assert "parts" not in result, "a report of the test world was split"
    report = result["report"]
    check_report(report, target, smtp_disabled=smtp_disabled)

    assert types[0] == ("progress", "dns"), f"first message is not progress dns: {types}"
    assert types.count(("progress", "dns")) == 1, f"progress dns more than once: {types}"
    # One side event (reverse DNS, blocklists, policies) somewhere among the probe events.
    assert types.count(("progress", "side")) == 1, f"progress side not exactly once: {types}"
    side = next(m for m in msgs if m.get("stage") == "side")
    middle = [m for m in msgs[1:-1] if m.get("stage") != "side"]
    assert all((m["type"], m.get("stage")) == ("progress", "probe") for m in middle), \
        f"between progress dns and result only probe and side events may come: {types}"
    for record in report["mx_records"]:
        for address in record["addresses"]:
            if address["ptr"] is not None:
                assert side["ptr"].get(address["ip"]) == address["ptr"], "side ptr differs from the report's"
    assert side["policies"] == {k: report[k] for k in ("spf", "dmarc", "tls_rpt")}, \
        "side policies differ from the report's"

    dns = msgs[0]
    assert dns["domain"] == report["domain"]
    assert dns["null_mx"] == report["null_mx"]
    assert dns["implicit_mx"] == report["implicit_mx"]
    # The same record objects as the report's, before the probes and the side facts.
    fields = ("priority", "host", "ips", "reachable", "error", "implicit", "cname")
    assert [{k: r[k] for k in fields} for r in dns["mx_records"]] == \
        [{k: r[k] for k in fields} for r in report["mx_records"]], "progress dns mx_records differ from the report's"
    for record in dns["mx_records"]:
        assert record["smtp_probes"] == [] and record["smtp_probe"] is None and record["dane"] is None, record
        assert [a["ip"] for a in record["addresses"]] == record["ips"], record
    assert dns["smtp_probe"] == report["smtp_probe_enabled"] or not report["mx_records"], dns
    probed_ports = {p["port"] for r in report["mx_records"] for p in r["smtp_probes"]}
    assert probed_ports <= set(dns["ports"]), (dns["ports"], probed_ports)

    def canon(host, probe):
        return host, json.dumps(probe, sort_keys=True)

    events = sorted(canon(m["host"], m["probe"]) for m in middle)
    probes = sorted(canon(r["host"], p) for r in report["mx_records"] for p in r["smtp_probes"])
    if events != probes:
        ev = collections.Counter(events)
        pr = collections.Counter(probes)
        raise AssertionError(
            f"probe events ({len(events)}) differ from the report's probes ({len(probes)}):\n"
            f"  only in events: {[e[:300] for e in (ev - pr).elements()][:5]}\n"
            f"  only in report: {[p[:300] for p in (pr - ev).elements()][:5]}")
    return report


# ------------------------------------------------------------------------------------
# Starting and hello
# ------------------------------------------------------------------------------------

def check_hello(message: dict, id_) -> None:
    assert id_key(message["id"]) == id_key(id_), message
    assert message["type"] == "hello" and message["ok"] is True, message
    assert message["protocol_version"] == 1
    assert message["host_version"] == HOST_VERSION
    capabilities = message["capabilities"]
    assert {k: capabilities[k] for k in CAPABILITIES} == CAPABILITIES, capabilities
    # The option table, in full (test_option_table.py checks it against the schema and --help).
    assert [o["name"] for o in capabilities["options"]] == CHECK_OPTIONS, capabilities["options"]
    assert [o["name"] for o in capabilities["request_options"]] == ["fresh", "history"]


def test_hello(native, binary, request_validator):
    version = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             timeout=30).stdout.split()
    assert version and version[0] == "mxhealth", version
    host = native()
    for id_, with_params in ((1, True), ("hello-2", False), ("x" * 128, True), (0, True),
                             (-5, True)):
        request = {"id": id_, "type": "hello"}
        if with_params:
            request["params"] = {}
        assert not list(request_validator.iter_errors(request))
        host.send(request)
        answer = host.answer(id_)
        check_hello(answer, id_)
        assert answer["host_version"] == version[1], "hello and --version disagree"
    assert len(host.messages) == 5
    host.finish()


@pytest.mark.parametrize("args", [
    (CHROME_ORIGIN,),
    (FIREFOX_MANIFEST, FIREFOX_ADDON_ID),
], ids=["chromium-origin", "firefox-manifest"])
def test_started_by_browser(native, args):
    """Chromium passes the caller's origin as argv[1]; Firefox the manifest path and the
    add-on id: both start host mode, not the CLI."""
    host = native(*args)
    check_hello(host.call("hello", {}, id_=7), 7)
    host.finish()


# ------------------------------------------------------------------------------------
# registrable_domain
# ------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("mail.google.com", "google.com"),
    ("foo.bar.co.uk", "bar.co.uk"),
    ("google.com", "google.com"),
    ("bücher.example", "bücher.example"),
    ("xn--bcher-kva.example", "bücher.example"),
    ("Mail.Google.COM.", "google.com"),
])
def test_registrable_domain(native, request_validator, given, expected):
    host = native()
    request = {"id": 1, "type": "registrable_domain", "params": {"host": given}}
    assert not list(request_validator.iter_errors(request))
    host.send(request)
    answer = host.answer(1)
    assert answer["type"] == "registrable_domain", answer
    assert answer["ok"] is True
    assert answer["host"] == given
    assert answer["domain"] == expected, answer
    host.finish()


def test_registrable_domain_errors(native):
    host = native()
    answer = host.call("registrable_domain", {"host": "co.uk"})
    assert answer["type"] == "error" and error_code(answer) == "input.public_suffix", answer
    for bad in ("a..b", "", "under_score!.example", "x" * 300 + ".com"):
        answer = host.call("registrable_domain", {"host": bad})
        assert answer["type"] == "error", (bad, answer)
        assert answer["ok"] is False
        assert error_code(answer).startswith("input."), (bad, answer)
    answer = host.call("registrable_domain", {})
    assert answer["type"] == "error"
    assert error_code(answer) == "request.invalid" or error_code(answer).startswith("input."), \
        answer
    host.finish()


# ------------------------------------------------------------------------------------
# check
# ------------------------------------------------------------------------------------

def test_check_with_probes(native, world_options, request_validator):
    host = native()
    request = {"id": "smtp-1", "type": "check",
               "params": {"target": "smtp.test", "options": world_options}}
    assert not list(request_validator.iter_errors(request))
    host.send(request)
    msgs = host.stream("smtp-1")
    report = check_stream(msgs, "smtp-1", "smtp.test", smtp_disabled=False)
    # the world's smtp.test: 2 hosts x 2 addresses x 3 ports, all ok (tests/world/README.md)
    assert report["verdict"] == "healthy", report["findings"]
    assert sum(len(r["smtp_probes"]) for r in report["mx_records"]) == 12
    assert len(msgs) == 1 + 12 + 1 + 1  # dns, 12 probes, side, result
    assert all(p["status"] == "ok" for r in report["mx_records"] for p in r["smtp_probes"])
    assert report["any_smtp_ok"] is True and report["all_tls_ok"] is True
    host.finish()


def test_check_without_smtp(native, world_options):
    host = native()
    options = dict(world_options, no_smtp=True)
    msgs = host.stream(host.request("check", {"target": "smtp.test", "options": options},
                                    id_=41))
    assert [(m["type"], m.get("stage")) for m in msgs] == [("progress", "dns"), ("progress", "side"),
                                                           ("result", None)]
    report = check_stream(msgs, 41, "smtp.test", smtp_disabled=True)
    assert report["smtp_probe_enabled"] is False
    assert [r["host"] for r in report["mx_records"]] == ["mx1.smtp.test", "mx2.smtp.test"]
    host.finish()


def test_check_skipped_probes(native, world_options):
    """Without allow_private the world's addresses are not contacted: the report lists
    every probe as skipped, and no progress probe message is sent for them (they are not
    finished SMTP probes)."""
    host = native()
    options = dict(world_options, allow_private=False)
    msgs = host.stream(host.request("check", {"target": "smtp.test", "options": options}))
    assert [(m["type"], m.get("stage")) for m in msgs] == [("progress", "dns"), ("progress", "side"),
                                                           ("result", None)]
    report = msgs[-1]["report"]
    check_report(report, "smtp.test", smtp_disabled=False)
    statuses = {p["status"] for r in report["mx_records"] for p in r["smtp_probes"]}
    assert statuses == {"skipped"}, statuses
    host.finish()


def test_check_could_not_check(native, world_options):
    """An unreachable resolver: no progress dns (the MX lookup failed), and a result with
    verdict could_not_check, not an error."""
    host = native()
    options = dict(world_options, resolver=["127.0.0.1@9"], timeout=1, no_smtp=True)
    msgs = host.stream(host.request("check", {"target": "example.com", "options": options}))
    assert [m["type"] for m in msgs] == ["result"], [json.dumps(m)[:300] for m in msgs]
    report = msgs[-1]["report"]
    check_report(report, "example.com", smtp_disabled=True)
    assert report["verdict"] == "could_not_check"
    host.finish()


def test_concurrent_checks(native, world_options):
    """Two checks at once, with a string and an integer id: both answered, each with its own
    id and its own report; the host answers hello while they run."""
    host = native()
    a = host.request("check", {"target": "smtp.test",
                               "options": dict(world_options, ports=[25])}, id_="a")
    b = host.request("check", {"target": "healthy.test",
                               "options": dict(world_options, no_smtp=True)}, id_=2)
    check_hello(host.call("hello", {}, id_="h"), "h")
    stream_a = host.stream(a)
    stream_b = host.stream(b)
    report_a = check_stream(stream_a, a, "smtp.test", smtp_disabled=False)
    report_b = check_stream(stream_b, b, "healthy.test", smtp_disabled=True)
    assert report_a["domain"] == "smtp.test" and report_b["domain"] == "healthy.test"
    assert {p["port"] for r in report_a["mx_records"] for p in r["smtp_probes"]} == {25}
    assert len(stream_a) == 1 + 4 + 1 + 1  # dns, 4 probes, side, result
    host.finish()
    ids = {id_key(m["id"]) for m in host.messages}
    assert ids == {id_key("a"), id_key(2), id_key("h")}, ids


def silent_check(world_options) -> dict:
    """A check that hangs: the server accepts and never greets, and the probe would wait
    20 s for the greeting."""
    return {"target": "silent.bad.test",
            "options": dict(world_options, ports=[25], greeting_timeout=20, timeout=60)}


def test_cancel(native, world_options):
    host = native()
    slow = host.request("check", silent_check(world_options), id_="slow")
    host.wait_until(lambda: any(m.get("id") == "slow" and m.get("stage") == "dns"
                                for m in host.messages), ANSWER_TIMEOUT, "progress dns of 'slow'")
    time.sleep(0.3)  # the probe is now waiting for the greeting

    # a second check with the id of a running check is refused; the first one goes on
    before = len(host.messages)
    host.request("check", silent_check(world_options), id_="slow")
    dup = host.wait_until(lambda: [m for m in host.messages[before:] if m.get("id") == "slow"],
                          ANSWER_TIMEOUT, "request.duplicate_id")[0]
    assert dup["type"] == "error" and error_code(dup) == "request.duplicate_id", dup

    def ended(id_, start=0):
        return lambda: [(i, m) for i, m in enumerate(host.messages) if i >= start
                        and id_key(m.get("id")) == id_key(id_)
                        and m["type"] in ("cancelled", "result")]

    sent = time.monotonic()
    cancel = host.request("cancel", {"id": slow}, id_="c1")
    index, last = host.wait_until(ended(slow), 5, "the end of the cancelled check")[0]
    cancelled_at = host.arrival[index]
    answer = host.answer(cancel, timeout=5)
    assert last["type"] == "cancelled", json.dumps(last)[:2000]
    assert last["ok"] is False and error_code(last) == "request.cancelled"
    assert cancelled_at - sent < FAST, f"cancelled after {cancelled_at - sent:.2f} s"
    assert answer == {"id": "c1", "type": "cancel", "ok": True, "found": True}, answer

    # no longer running, never was: found false
    for target_id in (slow, "nonexistent", 12345):
        answer = host.call("cancel", {"id": target_id})
        assert answer["type"] == "cancel" and answer["ok"] is True, answer
        assert answer["found"] is False, answer
    answer = host.call("cancel", {})
    assert answer["type"] == "error" and error_code(answer) == "request.invalid", answer

    # the id is free again once the check has ended
    start = len(host.messages)
    host.request("check", {"target": "nullmx.test",
                           "options": dict(world_options, no_smtp=True)}, id_=slow)
    got = host.wait_until(lambda: [m for m in host.messages[start:] if m.get("id") == slow
                                   and m["type"] in ("result", "error", "cancelled")],
                          CHECK_TIMEOUT, "the end of the check with the reused id")
    assert got[0]["type"] == "result", json.dumps(got[0])[:500]
    assert got[0]["report"]["domain"] == "nullmx.test"
    host.finish()
    # nothing of the cancelled check after its cancelled (the reused id's check sends no
    # probe events: no_smtp)
    late = [m for m in host.messages[index + 1:start]
            if m.get("id") == slow and m["type"] != "error"]
    assert not late, f"messages of the cancelled check after cancelled: {late}"
    assert not [m for m in host.messages[start:] if m.get("id") == slow
                and m.get("stage") == "probe"]


def test_eof_during_check(native, world_options):
    """stdin closes while a probe waits for a greeting: the host exits within 1 s, code 0,
    and never sends that check's result."""
    host = native()
    host.request("check", silent_check(world_options), id_="slow")
    host.request("check", silent_check(world_options), id_="slow2")
    host.wait_until(lambda: sum(1 for m in host.messages if m.get("stage") == "dns") == 2,
                    ANSWER_TIMEOUT, "progress dns of both checks")
    time.sleep(0.3)
    host.close_stdin()
    code = host.wait_exit(timeout=5)
    took = time.monotonic() - host.stdin_closed_at
    assert took < FAST, f"the host took {took:.2f} s to exit after EOF\n{host.describe()}"
    host.finish(expect_exit=0)
    assert code == 0
    late = [m for m in host.messages if m["type"] not in ("progress", "cancelled")]
    assert not late, f"unexpected messages after EOF: {late}"


@pytest.mark.parametrize("target", ["a..b", "", "-bad.example", "foo.onion", "x@", "http://"])
def test_check_bad_target(native, world_options, target):
    host = native()
    msgs = host.stream(host.request("check", {"target": target, "options": world_options}))
    assert [m["type"] for m in msgs] == ["error"], [json.dumps(m)[:300] for m in msgs]
    assert error_code(msgs[0]).startswith("input."), msgs[0]
    if target == "a..b":
        assert error_code(msgs[0]) == "input.empty_label", msgs[0]
    host.finish()


@pytest.mark.parametrize("options, code", [
    ({"timeout": 0}, "input.usage"),
    ({"timeout": 301}, "input.usage"),
    ({"greeting_timeout": 121}, "input.usage"),
    ({"connect_timeout": 0}, "input.usage"),
    ({"ports": [0]}, "input.usage"),
    ({"ports": [70000]}, "input.usage"),
    ({"ports": []}, "input.usage"),
    ({"ports": list(range(25, 34))}, "input.usage"),
    ({"no_smtp": "yes"}, "input.usage"),
    ({"resolver": ["not-an-address"]}, "dns.config"),
    ({"trust_anchor": "/nonexistent/test.ta"}, "dns.config"),
    ({"ca_file": "/nonexistent/ca.pem"}, "tls.config"),
], ids=["timeout0", "timeout301", "greeting121", "connect0", "port0", "port70000",
        "no-ports", "nine-ports", "no_smtp-string",
        "resolver", "trust_anchor", "ca_file"])
def test_check_bad_options(native, world_options, options, code):
    host = native()
    msgs = host.stream(host.request("check", {"target": "smtp.test",
                                              "options": dict(world_options, **options)}))
    assert msgs[-1]["type"] == "error", [json.dumps(m)[:300] for m in msgs]
    assert error_code(msgs[-1]) == code, msgs[-1]
    assert not [m for m in msgs if m["type"] == "result"]
    host.finish()


@pytest.fixture
def big_dns(world):
    """tests/integration/bigdns.py inside the world's namespace, on 127.0.0.3:53: the zone
    big.test with 32 MX hosts x 8 loopback addresses, where every probe is refused."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bigdns.py")
    with mxh.daemon_in_namespace(world.netns, script, BIG_DNS):
        yield BIG_DNS


BIG_DNS = "127.0.0.3"


def test_big_report_is_split(native, big_dns):
    """A report over 1,000,000 bytes: one result_part per MX record (index 0..count-1, in
    the report's order), then a result with parts and mx_records []. No message is over
    the limit (the reader checks every frame), and the reassembled report is a valid report
    whose probes are exactly the probe events."""
    host = native()
    ports = list(range(25, 33))
    options = {"resolver": [big_dns], "allow_private": True, "ports": ports,
               "connect_timeout": 2, "timeout": 60}
    msgs = host.stream(host.request("check", {"target": "big.test", "options": options},
                                    id_="big"))
    kinds = [(m["type"], m.get("stage")) for m in msgs]
    assert kinds[0] == ("progress", "dns"), kinds[:3]
    parts = [m for m in msgs if m["type"] == "result_part"]
    result = msgs[-1]
    assert result["type"] == "result", json.dumps(result)[:1000]
    assert parts, "a report of about 1.5 MB was not split"
    assert result.get("parts") == len(parts) == 32, (result.get("parts"), len(parts))
    first_part = kinds.index(("result_part", None))
    assert all(k in (("progress", "probe"), ("progress", "side")) for k in kinds[1:first_part]), \
        "only probe and side events may come between progress dns and the first result_part"
    assert all(k == ("result_part", None) for k in kinds[first_part:-1]), \
        "the result_part messages must come together, right before the result"
    assert [m["index"] for m in parts] == list(range(len(parts))), [m["index"] for m in parts]
    assert {m["count"] for m in parts} == {len(parts)}
    split = result["report"]
    assert split["mx_records"] == []
    assert split["count"] == len(parts)
    report = dict(split, mx_records=[m["mx_record"] for m in parts])
    assert result["cached"] is False
    errors = schema_errors(host.validator, {"id": "big", "type": "result", "ok": True,
                                            "cached": False, "report": report})
    assert not errors, "the reassembled report does not match the schema:\n" + "\n".join(errors)
    # the same checks as for an unsplit stream, on the reassembled one
    check_stream([m for m in msgs if m["type"] == "progress"]
                 + [{"id": "big", "type": "result", "ok": True, "cached": False,
                     "report": report}],
                 "big", "big.test", smtp_disabled=False)
    assert sum(len(r["smtp_probes"]) for r in report["mx_records"]) == 32 * 8 * len(ports)
    assert len(json.dumps(report, ensure_ascii=False, separators=(",", ":"))) > 1_400_000
    assert all(len(json.dumps(m, ensure_ascii=False).encode()) <= MAX_OUT for m in msgs)
    host.finish()


# ------------------------------------------------------------------------------------
# Malformed input
# ------------------------------------------------------------------------------------

def test_frame_empty(native):
    """Length 0: one frame.empty error, then the host exits (code 1) without waiting for
    more input (stdin stays open)."""
    host = native()
    host.write(struct.pack("=I", 0))
    message = host.next_message(0)
    assert message["type"] == "error" and message["id"] is None, message
    assert error_code(message) == "frame.empty", message
    code = host.wait_exit(timeout=2)
    assert code == 1, f"exit {code}\n{host.describe()}"
    host.finish(expect_exit=1)
    assert len(host.messages) == 1


@pytest.mark.parametrize("length", [0xFFFFFFF0, MAX_IN + 1], ids=["huge", "1MiB+1"])
def test_frame_too_large(native, length):
    """A length over 1 MiB: frame.too_large and exit (code 1) at once, without reading
    the announced bytes (stdin stays open, nothing follows the length)."""
    host = native()
    sent = time.monotonic()
    host.write(struct.pack("=I", length))
    message = host.next_message(0, timeout=2)
    assert message["type"] == "error" and message["id"] is None, message
    assert error_code(message) == "frame.too_large", message
    code = host.wait_exit(timeout=2)
    took = time.monotonic() - sent
    assert code == 1, f"exit {code}\n{host.describe()}"
    assert took < 2, f"took {took:.2f} s"
    host.finish(expect_exit=1)


def test_frame_of_exactly_1mib(native):
    """The inbound limit is inclusive: a 1 MiB request (padded with spaces) is served."""
    host = native()
    body = b'{"id": 1, "type": "hello"}'
    body += b" " * (MAX_IN - len(body))
    assert len(body) == MAX_IN
    host.send_body(body)
    check_hello(host.answer(1), 1)
    host.finish()


@pytest.mark.parametrize("data", [
    struct.pack("=I", 100) + b'{"id": 1, "ty',
    struct.pack("=I", 100)[:2],
], ids=["inside-body", "inside-length"])
def test_frame_truncated(native, data):
    """The stream ends inside a frame: frame.truncated, then exit 0."""
    host = native()
    host.write(data)
    host.close_stdin()
    code = host.wait_exit(timeout=2)
    host.finish(expect_exit=None)
    assert code == 0, f"exit {code}\n{host.describe()}"
    assert [(m["type"], m["id"], error_code(m)) for m in host.messages] == \
        [("error", None, "frame.truncated")], host.describe()


def test_eof_between_frames(native):
    host = native()
    check_hello(host.call("hello", {}, id_=1), 1)
    host.close_stdin()
    assert host.wait_exit(timeout=2) == 0
    host.finish()
    assert len(host.messages) == 1


# Well-framed but invalid requests: each answered with an error, and the host goes on.
# (body, expected code, expected id; "any" = the id is not fixed by the contract)
BAD_REQUESTS = [
    (b"{not json", "frame.invalid_json", None),
    (b'{"id": 1, "type": "hello"', "frame.invalid_json", None),
    (b'"\xff\xfe"', "frame.invalid_json", None),
    (b'{"id": "\xc3", "type": "hello"}', "frame.invalid_json", None),
    (b"[1, 2, 3]", "frame.invalid_json", None),
    (b'["hello"]', "frame.invalid_json", None),
    (b'"hello"', "frame.invalid_json", None),
    (b"42", "frame.invalid_json", None),
    (b"null", "frame.invalid_json", None),
    (b'{"id": 5, "type": "hello"} trailing', "frame.invalid_json", None),
    (b'{"id": 5, "type": "frobnicate", "params": {}}', "request.unknown_type", 5),
    (b'{"id": "u", "type": "HELLO"}', "request.unknown_type", "u"),
    (b'{"type": "hello", "params": {}}', "request.invalid", None),
    (b'{"id": null, "type": "hello"}', "request.invalid", None),
    (b'{"id": 1.5, "type": "hello"}', "request.invalid", None),
    (b'{"id": true, "type": "hello"}', "request.invalid", None),
    (b'{"id": "", "type": "hello"}', "request.invalid", None),
    (b'{"id": [1], "type": "hello"}', "request.invalid", None),
    (b'{"id": 6}', "request.invalid", 6),
    (b'{"id": 7, "type": 3}', "request.invalid", 7),
    (b'{"id": 8, "type": "hello", "params": []}', "request.invalid", 8),
    (b'{"id": 9, "type": "check"}', "request.invalid", 9),
    (b'{"id": 10, "type": "check", "params": "smtp.test"}', "request.invalid", 10),
    (b'{"id": 11, "type": "cancel"}', "request.invalid", 11),
    (b'{"id": 12, "type": "registrable_domain", "params": {"host": 3}}', "request.invalid", 12),
]


def test_bad_requests_keep_serving(native):
    host = native()
    for body, code, id_ in BAD_REQUESTS:
        index = len(host.messages)
        host.send_body(body)
        message = host.next_message(index)
        where = f"request {body[:80]!r}"
        assert message["type"] == "error" and message["ok"] is False, (where, message)
        assert error_code(message) == code, (where, message)
        assert id_key(message["id"]) == id_key(id_), (where, message)
        # still serving, and nothing else came for the bad request
        check_hello(host.call("hello", {}, id_=f"after-{index}"), f"after-{index}")
        assert len(host.messages) == index + 2, (where, host.messages[index:])
    # an id of 129 characters is not an id; whatever the error's id, the code is request.invalid
    index = len(host.messages)
    host.send({"id": "x" * 129, "type": "hello"})
    message = host.next_message(index)
    assert message["type"] == "error" and error_code(message) == "request.invalid", message
    host.finish()


def test_several_frames_in_one_write(native):
    """Frames are a byte stream: several requests in one write, and one request split over
    several writes, are all read correctly."""
    host = native()
    host.write(b"".join(frame(encode({"id": i, "type": "hello"})) for i in range(5)))
    for i in range(5):
        check_hello(host.answer(i), i)
    data = frame(encode({"id": "split", "type": "registrable_domain",
                         "params": {"host": "mail.google.com"}}))
    for i in range(len(data)):
        host.write(data[i:i + 1])
        if i in (1, 4, 10):
            time.sleep(0.05)
    assert host.answer("split")["domain"] == "google.com"
    host.finish()


def test_stdout_is_only_frames(native, world_options):
    """A whole session, including a check with probes and errors: every byte on stdout
    belongs to a frame (NativeHost.finish parses all of it), and every message answers a request
    that was made."""
    host = native()
    sent = set()
    sent.add(id_key(host.request("hello", {})))
    sent.add(id_key(host.request("check", {"target": "port25blocked.bad.test",
                                           "options": dict(world_options, connect_timeout=1)})))
    sent.add(id_key(host.request("check", {"target": "a..b"})))
    sent.add(id_key(host.request("registrable_domain", {"host": "co.uk"})))
    host.send_body(b"garbage")
    for id_ in list(sent):
        host.wait_until(lambda i=id_: [m for m in host.messages if id_key(m.get("id")) == i
                                       and m["type"] in ("hello", "result", "error",
                                                         "registrable_domain")],
                        CHECK_TIMEOUT, f"answer to {id_}")
    host.finish()
    assert host.consumed == len(host.raw) > 0
    got = {id_key(m["id"]) for m in host.messages}
    assert got == sent | {id_key(None)}, got


def test_validate_options_names_each_unusable_option(native, request_validator, world_options, tmp_path):
    """The options page asks before saving: a missing CA file, a file that is no trust anchor
    and a resolver that is no address are each named, in words, with no library error text."""
    host = native()
    good = {"id": 70, "type": "validate_options", "params": {"options": world_options}}
    assert not list(request_validator.iter_errors(good))
    host.send(good)
    answer = host.answer(70)
    assert (answer["type"], answer["ok"], answer["valid"], answer["problems"]) == \
        ("validate_options", True, True, []), answer
    not_an_anchor = tmp_path / "anchor.txt"
    not_an_anchor.write_text("this is not a DS record\n")
    bad = dict(world_options, ca_file=str(tmp_path / "missing.pem"), trust_anchor=str(not_an_anchor),
               resolver=["not-an-address"])
    answer = host.call("validate_options", {"options": bad})
    assert answer["valid"] is False, answer
    assert [p["option"] for p in answer["problems"]] == ["ca_file", "trust_anchor", "resolver"], answer
    for p in answer["problems"]:
        assert "error:" not in p["message"] and "--" not in p["message"], p
    assert "missing.pem" in answer["problems"][0]["message"]
    host.finish()


def test_a_check_that_fails_because_of_an_option_names_it(native, world_options, tmp_path):
    host = native()
    options = dict(world_options, ca_file=str(tmp_path / "missing.pem"), no_smtp=True)
    msgs = host.stream(host.request("check", {"target": "smtp.test", "options": options}, id_=71))
    answer = msgs[-1]
    assert answer["type"] == "error" and answer["error"]["option"] == "ca_file", answer
    assert "does not exist or cannot be read" in answer["error"]["message"]
    assert "error:" not in answer["error"]["message"]
    host.finish()

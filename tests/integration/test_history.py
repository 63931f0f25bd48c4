"""The result cache, the history and changes_since_last (docs/report.md "Changes since the
last check" and "The history"; docs/protocol.md "The cache" and "history"), through the
native host and through `mxhealth check --compare`.

Every binary started here gets its own fresh XDG_DATA_HOME (a temporary directory of the
test), so nothing is ever written to the real home. Every message is validated against
docs/protocol/message.schema.json (by native_client.NativeHost), every report
against docs/report.schema.json, and every line of a history file against
report.schema.json#/$defs/HistoryEntry.

The checks use ports [25] (or no_smtp) to stay fast: the whole file takes about 10 s.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxh  # noqa: E402
import native_client  # noqa: E402
from native_client import NativeHost  # noqa: E402
from test_native_host import CAPABILITIES, check_stream, error_code  # noqa: E402

CACHE_SECONDS = 5 * 60
PER_DOMAIN = 50
TOTAL = 2000
PROBE_KINDS = {"probe.status_changed", "tls.version_changed", "certificate.renewed",
               "certificate.changed"}


# ------------------------------------------------------------------------------------
# Fixtures and helpers
# ------------------------------------------------------------------------------------

@pytest.fixture
def data_home(tmp_path) -> pathlib.Path:
    """A fresh XDG_DATA_HOME (not created: the binary creates what it needs)."""
    return tmp_path / "xdg-data"


def history_file(home: pathlib.Path) -> pathlib.Path:
    return home / "mxhealth" / "history.jsonl"


def base_env(home: pathlib.Path | str | None, user_home: pathlib.Path | None = None) -> dict:
    """The environment of a binary: XDG_DATA_HOME=home (unset when None), and HOME, the
    fallback of a missing or relative XDG_DATA_HOME, a directory of the test as well."""
    env = dict(os.environ)
    env["LC_ALL"] = "C.UTF-8"
    env.pop("XDG_DATA_HOME", None)
    if home is not None:
        env["XDG_DATA_HOME"] = str(home)
    env["HOME"] = str(user_home or pathlib.Path(str(home)).parent / "home")
    env.pop("MXHEALTH_DNS_DEBUG", None)
    return env


@pytest.fixture
def hosts(binary, world, message_validator):
    """Factory: hosts(data_home) starts `mxhealth native` in the world with that
    XDG_DATA_HOME. Every host is stopped at the end of the test."""
    with native_client.hosts(binary, world.netns, message_validator) as start:
        yield lambda home: start(base_env(home), "native")


@pytest.fixture(scope="session")
def entry_validator(validator):
    """Validates one history entry against report.schema.json#/$defs/HistoryEntry."""
    return validator.evolve(schema={"$ref": "#/$defs/HistoryEntry"})


def entry_errors(entry_validator, entry) -> list[str]:
    return [f"at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}"
            for e in entry_validator.iter_errors(entry)]


def read_history(home: pathlib.Path, entry_validator=None) -> list[dict]:
    """The entries of the history file, oldest first; every line must be a valid entry."""
    path = history_file(home)
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path}:{number}: empty line"
        entry = json.loads(line)
        if entry_validator is not None:
            errors = entry_errors(entry_validator, entry)
            assert not errors, f"{path}:{number} is not a HistoryEntry:\n" + "\n".join(errors)
        entries.append(entry)
    return entries


def write_history(home: pathlib.Path, lines: list) -> None:
    """Writes the history file: dicts become JSON lines, str/bytes are written as they are."""
    path = history_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = bytearray()
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, separators=(",", ":"))
        if isinstance(line, str):
            line = line.encode("utf-8")
        data += line + b"\n"
    path.write_bytes(bytes(data))


def summary(report: dict) -> dict:
    """The history entry of a report, as docs/report.md "The history" describes it: per
    port, the first address probed on it stands for the host."""
    mx = []
    for r in report["mx_records"]:
        ports = {}
        for probe in r["smtp_probes"]:  # by address (as in ips), then port
            if probe["status"] == "skipped" or str(probe["port"]) in ports:
                continue
            tls = probe["tls"]
            cert = tls["certificate"] if tls else None
            ports[str(probe["port"])] = {
                "status": probe["status"],
                "tls_version": tls["version"] if tls else None,
                "cert_not_after": cert["not_after"] if cert else None,
                "cert_issuer": cert["issuer"] if cert else None}
        mx.append({"priority": r["priority"], "host": r["host"], "ips": r["ips"],
                   "ports": ports})
    return {"domain": report["domain"], "checked_at": report["checked_at"],
            "verdict": report["verdict"], "smtp_probe_enabled": report["smtp_probe_enabled"],
            "mx": mx,
            "findings": [{"code": f["code"], "severity": f["severity"], "host": f["host"],
                          "ip": f["ip"]} for f in report["findings"]]}


def assert_entry_matches(entry: dict, report: dict) -> None:
    want = summary(report)
    canon = dict(entry, findings=sorted(json.dumps(f, sort_keys=True)
                                        for f in entry["findings"]))
    want["findings"] = sorted(json.dumps(f, sort_keys=True) for f in want["findings"])
    assert canon == want, ("the history entry does not summarize the report:\n"
                           f"  entry:    {json.dumps(canon, sort_keys=True)}\n"
                           f"  expected: {json.dumps(want, sort_keys=True)}")


def check(host: NativeHost, target: str, options: dict, id_: str) -> list[dict]:
    """Sends a check, returns all of its messages (up to the last one)."""
    host.request("check", {"target": target, "options": options}, id_=id_)
    return host.stream(id_)


def fresh_result(host: NativeHost, target: str, options: dict, id_: str, *,
                 smtp_disabled: bool = False) -> tuple[dict, dict]:
    """A check that runs (not from the cache): the stream rules hold, cached is false and
    there is no cached_age_ms. Returns (result message, report)."""
    msgs = check(host, target, options, id_)
    report = check_stream(msgs, id_, target, smtp_disabled=smtp_disabled)
    result = msgs[-1]
    assert result["cached"] is False, json.dumps(result)[:500]
    assert "cached_age_ms" not in result, json.dumps(result)[:500]
    return result, report


def history_call(host: NativeHost, domain, id_=None) -> dict:
    return host.call("history", {"domain": domain}, id_=id_)


def kinds(report: dict) -> set[tuple]:
    return {(c["kind"], c["host"], c["port"]) for c in report["changes_since_last"]["changes"]}


def describe_changes(report: dict) -> str:
    return json.dumps(report["changes_since_last"], indent=1)


# ------------------------------------------------------------------------------------
# The cache, the history message and changes_since_last
# ------------------------------------------------------------------------------------

def test_cache_fresh_and_history(hosts, data_home, world_options, entry_validator,
                                 request_validator):
    host = hosts(data_home)
    answer = host.call("hello", {}, id_="h")
    assert "history" in answer["capabilities"]["messages"], answer
    assert {k: answer["capabilities"][k] for k in CAPABILITIES} == CAPABILITIES, answer["capabilities"]

    options = dict(world_options, ports=[25])
    first_at = time.monotonic()
    first, report1 = fresh_result(host, "smtp.test", options, "a")
    assert report1["verdict"] == "healthy", report1["findings"]
    assert report1["changes_since_last"] is None, describe_changes(report1)
    assert "warnings" not in first, first.get("warnings")

    # the same check again within 5 minutes: one result from the cache, nothing else
    msgs = check(host, "smtp.test", options, "b")
    assert [m["type"] for m in msgs] == ["result"], [(m["type"], m.get("stage")) for m in msgs]
    cached = msgs[0]
    assert cached["cached"] is True
    age = cached["cached_age_ms"]
    assert isinstance(age, int) and 0 <= age <= (time.monotonic() - first_at) * 1000 + 50, age
    assert cached["report"] == report1, "the cached report differs from the first one"
    assert "warnings" not in cached

    # the domain is the key, in its ASCII form: another spelling of it is the same check
    msgs = check(host, "SMTP.Test.", options, "b2")
    assert [m["type"] for m in msgs] == ["result"] and msgs[0]["cached"] is True, \
        [(m["type"], m.get("stage"), m.get("cached")) for m in msgs]

    # the key holds the validated options, defaults spelled out or not, blocklist names in any
    # case: the same check, the same entry
    spelled = dict(options, timeout=30, no_smtp=False, ports=[25, 25], history=True)
    msgs = check(host, "smtp.test", spelled, "b3")
    assert [m["type"] for m in msgs] == ["result"] and msgs[0]["cached"] is True, \
        [(m["type"], m.get("stage"), m.get("cached")) for m in msgs]

    # other options that change the result: not from the cache
    _, other = fresh_result(host, "smtp.test", dict(options, ports=[587]), "o")
    assert {p["port"] for r in other["mx_records"] for p in r["smtp_probes"]} == {587}

    # fresh: runs again, with progress events, and is compared with the first check
    request = {"id": "c", "type": "check",
               "params": {"target": "smtp.test", "options": dict(options, fresh=True)}}
    assert not list(request_validator.iter_errors(request))
    _, report3 = fresh_result(host, "smtp.test", dict(options, fresh=True), "c")
    assert report3["checked_at"] > report1["checked_at"]
    # ports [587] came in between: like with like, so no probe changes against it either
    assert report3["changes_since_last"]["previous_checked_at"] == other["checked_at"], \
        describe_changes(report3)
    assert report3["changes_since_last"]["changes"] == [], describe_changes(report3)

    # ...and its result replaced the cached one
    msgs = check(host, "smtp.test", options, "d")
    assert [m["type"] for m in msgs] == ["result"] and msgs[0]["cached"] is True
    assert msgs[0]["report"]["checked_at"] == report3["checked_at"]

    # "history": false: compared with nothing, stored nowhere
    _, unkept = fresh_result(host, "smtp.test", dict(options, fresh=True, history=False), "e")
    assert unkept["changes_since_last"] is None, describe_changes(unkept)

    # the history: three checks ran with history (a, o, c); cached answers are not stored
    stored = read_history(data_home, entry_validator)
    assert [e["checked_at"] for e in stored] == \
        [report1["checked_at"], other["checked_at"], report3["checked_at"]], stored
    for entry, report in zip(stored, (report1, other, report3)):
        assert_entry_matches(entry, report)

    request = {"id": "h1", "type": "history", "params": {"domain": "smtp.test"}}
    assert not list(request_validator.iter_errors(request))
    host.send(request)
    answer = host.answer("h1")
    assert answer["type"] == "history" and answer["ok"] is True, answer
    assert answer["domain"] == "smtp.test"
    assert answer["entries"] == list(reversed(stored)), "history is not the file, newest first"

    # the domain is read like a check target
    for spelling in ("SMTP.test.", "postmaster@smtp.test", "https://smtp.test/x"):
        again = history_call(host, spelling)
        assert again["type"] == "history", (spelling, again)
        assert again["domain"] == "smtp.test" and again["entries"] == answer["entries"], spelling
    none = history_call(host, "healthy.test")
    assert none["type"] == "history" and none["domain"] == "healthy.test", none
    assert none["entries"] == []
    bad = history_call(host, "a..b")
    assert bad["type"] == "error" and error_code(bad) == "input.empty_label", bad
    bad = host.call("history", {})
    assert bad["type"] == "error" and error_code(bad) == "request.invalid", bad
    bad = host.call("history", {"domain": 7})
    assert bad["type"] == "error" and error_code(bad) == "request.invalid", bad
    host.finish()


@pytest.mark.parametrize("options", [{"fresh": "yes"}, {"fresh": 1}, {"history": "no"},
                                     {"history": None}],
                         ids=["fresh-string", "fresh-int", "history-string", "history-null"])
def test_bad_cache_options(hosts, data_home, world_options, options):
    """fresh and history are booleans; another type is input.usage, like any bad option."""
    host = hosts(data_home)
    msgs = check(host, "nullmx.test", dict(world_options, no_smtp=True, **options), "x")
    assert [m["type"] for m in msgs] == ["error"], [json.dumps(m)[:300] for m in msgs]
    assert error_code(msgs[0]) == "input.usage", msgs[0]
    host.finish()


def test_cached_answer_keeps_duplicate_id_rule(hosts, data_home, world_options):
    """An answer from the cache is still a check: its id may not be that of a running check
    (request.duplicate_id), and the running check goes on."""
    host = hosts(data_home)
    options = dict(world_options, no_smtp=True)
    fresh_result(host, "nullmx.test", options, "a", smtp_disabled=True)
    slow = {"target": "silent.bad.test",
            "options": dict(world_options, ports=[25], greeting_timeout=20, timeout=60)}
    host.request("check", slow, id_="slow")
    host.wait_until(lambda: any(m.get("id") == "slow" and m.get("stage") == "dns"
                                for m in host.messages), 10, "progress dns of 'slow'")
    before = len(host.messages)
    host.request("check", {"target": "nullmx.test", "options": options}, id_="slow")
    answer = host.wait_until(lambda: [m for m in host.messages[before:]
                                      if m.get("id") == "slow"], 10, "an answer")[0]
    assert answer["type"] == "error" and error_code(answer) == "request.duplicate_id", \
        json.dumps(answer)[:500]
    assert host.call("cancel", {"id": "slow"}, id_="c")["found"] is True
    host.wait_until(lambda: [m for m in host.messages[before:] if m.get("id") == "slow"
                             and m["type"] in ("cancelled", "result")], 5, "cancelled")
    ends = [m["type"] for m in host.messages[before:]
            if m.get("id") == "slow" and m["type"] in ("cancelled", "result")]
    assert ends == ["cancelled"], ends
    host.finish()


def test_new_host_starts_with_empty_cache(hosts, data_home, world_options):
    """The cache lives in the host process; the history is on disk and outlives it."""
    options = dict(world_options, no_smtp=True)
    host = hosts(data_home)
    _, first = fresh_result(host, "nullmx.test", options, "a", smtp_disabled=True)
    assert first["changes_since_last"] is None
    host.finish()
    host = hosts(data_home)
    _, second = fresh_result(host, "nullmx.test", options, "b", smtp_disabled=True)
    assert second["changes_since_last"] == {"previous_checked_at": first["checked_at"],
                                            "changes": []}, describe_changes(second)
    host.finish()


def test_clear_history(hosts, data_home, world_options, entry_validator):
    """clear_history forgets one domain's checks (the next check is a first check again),
        or the whole history; the other domains' entries stay as they were."""
    options = dict(world_options, no_smtp=True, fresh=True)
    host = hosts(data_home)
    for domain, id_ in (("nullmx.test", "a"), ("nullmx.test", "b"), ("smtp.test", "c")):
        fresh_result(host, domain, options, id_, smtp_disabled=True)
    before = read_history(data_home)
    assert len(before) == 3
    answer = host.call("clear_history", {"domain": "NULLMX.test."})
    assert answer["removed"] == 2, answer
    after = read_history(data_home)
    assert after == [e for e in before if e["domain"] == "smtp.test"]
    assert history_call(host, "nullmx.test")["entries"] == []
    _, again = fresh_result(host, "nullmx.test", options, "d", smtp_disabled=True)
    assert again["changes_since_last"] is None, "a cleared domain's next check is a first check"
    assert host.call("clear_history", {"domain": "not-checked.test"})["removed"] == 0
    assert error_code(host.call("clear_history", {"domain": "a..b"})) == "input.empty_label"
    assert host.call("clear_history", {})["removed"] == 2
    assert not history_file(data_home).exists()
    assert host.call("clear_history", {})["removed"] == 0
    host.finish()


def test_could_not_check_not_stored_nor_cached(hosts, data_home, world_options):
    host = hosts(data_home)
    options = dict(world_options, resolver=["127.0.0.1@9"], timeout=1, no_smtp=True)
    for id_ in ("a", "b"):
        msgs = check(host, "smtp.test", options, id_)
        assert [m["type"] for m in msgs] == ["result"], [m["type"] for m in msgs]
        assert msgs[0]["cached"] is False, "a could_not_check result was cached"
        report = msgs[0]["report"]
        assert report["verdict"] == "could_not_check"
        assert report["changes_since_last"] is None
    assert read_history(data_home) == []
    assert history_call(host, "smtp.test")["entries"] == []
    host.finish()


def test_corrupt_history_file(hosts, data_home, world_options, entry_validator):
    """Garbage lines are skipped, the entries that parse are kept, and the check answers."""
    options = dict(world_options, ports=[25])
    host = hosts(data_home)
    _, first = fresh_result(host, "smtp.test", options, "a")
    host.finish()
    good = read_history(data_home, entry_validator)
    assert len(good) == 1
    other = dict(copy.deepcopy(good[0]), domain="healthy.test", mx=[], findings=[])
    write_history(data_home, [
        "this is not json",
        good[0],
        b"\xff\xfe\x00 binary \x80",
        '{"domain": "smtp.test", "checked_at": "2026-',     # truncated
        "[1, 2, 3]",
        "",
        '"a string"',
        other,
        "{}{}",
    ])
    host = hosts(data_home)
    result, report = fresh_result(host, "smtp.test", dict(options, fresh=True), "b")
    assert report["changes_since_last"] == {"previous_checked_at": first["checked_at"],
                                            "changes": []}, describe_changes(report)
    answer = history_call(host, "smtp.test")
    assert answer["type"] == "history", answer
    assert [e["checked_at"] for e in answer["entries"]] == \
        [report["checked_at"], first["checked_at"]], answer["entries"]
    assert answer["entries"][1] == good[0]
    other_answer = history_call(host, "healthy.test")
    assert other_answer["entries"] == [other], other_answer
    host.finish()
    # what parsed is still in the file, with the new entry after it
    path = history_file(data_home)
    kept = []
    for line in path.read_bytes().splitlines():
        try:
            kept.append(json.loads(line))
        except ValueError:
            continue
    assert good[0] in kept and other in kept, kept
    assert kept[-1]["checked_at"] == report["checked_at"], kept[-1]


@pytest.mark.parametrize("layout", ["file-as-data-home", "directory-as-history"])
def test_unusable_history(hosts, data_home, world_options, layout):
    """The history cannot be written (or read): the check answers anyway, with warnings."""
    if layout == "file-as-data-home":
        data_home.parent.mkdir(parents=True, exist_ok=True)
        data_home.write_text("not a directory\n")
    else:
        history_file(data_home).mkdir(parents=True)
    host = hosts(data_home)
    result, report = fresh_result(host, "smtp.test", dict(world_options, ports=[25]), "a")
    assert report["verdict"] == "healthy"
    assert report["changes_since_last"] is None
    warnings = result.get("warnings")
    assert isinstance(warnings, list) and warnings, json.dumps(result)[:600]
    assert all(re.match(r"^the history could not be (read|written): .", w) for w in warnings), \
        warnings
    assert any(w.startswith("the history could not be written: ") for w in warnings), warnings
    # the host is fine and goes on serving
    assert host.call("hello", {}, id_="h")["type"] == "hello"
    answer = history_call(host, "smtp.test")
    if layout == "file-as-data-home":
        # there is no history file (there cannot be one)
        assert answer["type"] == "history" and answer["entries"] == [], answer
    else:
        # the file is there and cannot be read: an error (docs/protocol.md, "history")
        assert answer["type"] == "error" and error_code(answer) == "internal", answer
    host.finish()
    if layout == "file-as-data-home":
        assert data_home.read_text() == "not a directory\n"


@pytest.mark.parametrize("case", ["domain-full", "file-full", "over-bounds"])
def test_bounds(hosts, data_home, world_options, entry_validator, case):
    """At most 50 entries per domain and 2,000 in all; the oldest go first.

    domain-full: nullmx.test has 50 entries (and the file 2,000): its oldest goes.
    file-full: 2,000 entries, nullmx.test has 10: the oldest of the file (another domain) goes.
    over-bounds: a file already past both bounds (edited by hand, or by another program):
    after the next check both bounds hold again."""
    options = dict(world_options, no_smtp=True)
    host = hosts(data_home)
    fresh_result(host, "nullmx.test", options, "seed", smtp_disabled=True)
    host.finish()
    template = read_history(data_home, entry_validator)[0]

    def entry(i: int, domain: str = "nullmx.test") -> dict:
        at = f"2020-01-{1 + i // 1440:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00.000Z"
        return dict(copy.deepcopy(template), domain=domain, checked_at=at)

    mine_count, others_count = {"domain-full": (PER_DOMAIN, TOTAL - PER_DOMAIN),
                                "file-full": (10, TOTAL - 10),
                                "over-bounds": (PER_DOMAIN + 5, TOTAL)}[case]
    others = [entry(i, f"d{i}.test") for i in range(others_count)]      # the oldest
    mine = [entry(others_count + i) for i in range(mine_count)]
    write_history(data_home, others + mine)

    host = hosts(data_home)
    _, report = fresh_result(host, "nullmx.test", dict(options, fresh=True), "a",
                             smtp_disabled=True)
    assert report["changes_since_last"]["previous_checked_at"] == mine[-1]["checked_at"], \
        describe_changes(report)
    answer = history_call(host, "nullmx.test")
    got = [e["checked_at"] for e in answer["entries"]]
    want = [report["checked_at"]] + [e["checked_at"] for e in reversed(mine)][:PER_DOMAIN - 1]
    assert got == want, f"history of nullmx.test: {len(got)} entries, {got[:2]} ... {got[-2:]}"
    host.finish()

    entries = read_history(data_home, entry_validator)
    assert len(entries) <= TOTAL, f"{len(entries)} entries in the file"
    assert [e["checked_at"] for e in entries if e["domain"] == "nullmx.test"] == \
        list(reversed(want))
    kept_others = [e for e in entries if e["domain"] != "nullmx.test"]
    room = TOTAL - len(want)
    assert kept_others == others[len(others) - min(room, len(others)):], \
        f"{len(kept_others)} entries of other domains kept, the oldest should go first"


# ------------------------------------------------------------------------------------
# Change detection against an edited history
# ------------------------------------------------------------------------------------

OLD_ISSUER = "CN=Old CA,O=somewhere else"
OLD_NOT_AFTER = "2020-06-30T23:59:59Z"


def simulate_earlier_state(entry: dict) -> tuple[dict, set[tuple]]:
    """An entry of smtp.test (probed on 25, 587 and 465) turned into an earlier state that
    differs in every way a change can be detected. Returns it and the changes expected
    between it and the real (unchanged) state: (kind, host, port)."""
    old = copy.deepcopy(entry)
    old["checked_at"] = "2020-06-01T10:00:00.000Z"
    assert entry["verdict"] == "healthy", entry
    old["verdict"] = "broken"
    mx1 = next(m for m in old["mx"] if m["host"] == "mx1.smtp.test")
    assert set(mx1["ports"]) == {"25", "587", "465"}, mx1
    # mx2 is new, mx0 is gone, mx1 had another priority
    old["mx"] = [m for m in old["mx"] if m["host"] != "mx2.smtp.test"]
    old["mx"].append({"priority": 30, "host": "mx0.smtp.test", "ips": ["198.51.100.99"],
                      "ports": {"25": {"status": "ok", "tls_version": "TLSv1.3",
                                       "cert_not_after": OLD_NOT_AFTER,
                                       "cert_issuer": OLD_ISSUER}}})
    mx1["priority"] = 5
    # mx1 had an address it no longer has, and not yet its IPv6 address
    assert "2001:db8:25::25" in mx1["ips"]
    mx1["ips"] = [ip for ip in mx1["ips"] if ip != "2001:db8:25::25"] + ["198.51.100.98"]
    # port 25 had no STARTTLS; 587 an older certificate with another TLS version; 465 a
    # certificate from another issuer (same expiry)
    mx1["ports"]["25"] = {"status": "no_starttls", "tls_version": None,
                          "cert_not_after": None, "cert_issuer": None}
    p587 = mx1["ports"]["587"]
    assert p587["status"] == "ok" and p587["cert_not_after"], p587
    p587["tls_version"] = "TLSv1.2" if p587["tls_version"] != "TLSv1.2" else "TLSv1.3"
    p587["cert_not_after"] = OLD_NOT_AFTER
    mx1["ports"]["465"]["cert_issuer"] = OLD_ISSUER
    # a port probed then but not now: like with like, no change
    mx1["ports"]["2525"] = {"status": "refused", "tls_version": None, "cert_not_after": None,
                            "cert_issuer": None}
    # an error that is gone, and an info finding that is gone (info is never a change)
    old["findings"] = [f for f in old["findings"]] + [
        {"code": "smtp.no_starttls", "severity": "error", "host": "mx1.smtp.test",
         "ip": "198.51.100.25"},
        {"code": "mx.no_ipv6", "severity": "info", "host": None, "ip": None}]
    expected = {
        ("verdict.changed", None, None),
        ("mx.added", "mx2.smtp.test", None),
        ("mx.removed", "mx0.smtp.test", None),
        ("mx.priority_changed", "mx1.smtp.test", None),
        ("address.added", "mx1.smtp.test", None),
        ("address.removed", "mx1.smtp.test", None),
        ("probe.status_changed", "mx1.smtp.test", 25),
        ("tls.version_changed", "mx1.smtp.test", 587),
        ("certificate.renewed", "mx1.smtp.test", 587),
        ("certificate.changed", "mx1.smtp.test", 465),
        ("finding.resolved", "mx1.smtp.test", None),
    }
    return old, expected


def test_changes_detected(hosts, data_home, world_options, entry_validator):
    options = dict(world_options, ports=[25, 587, 465])
    host = hosts(data_home)
    _, first = fresh_result(host, "smtp.test", options, "a")
    host.finish()
    entry = read_history(data_home, entry_validator)[0]
    old, expected = simulate_earlier_state(entry)
    assert not entry_errors(entry_validator, old), entry_errors(entry_validator, old)
    write_history(data_home, [old])

    host = hosts(data_home)
    _, report = fresh_result(host, "smtp.test", options, "b")
    changes = report["changes_since_last"]
    assert changes is not None and changes["previous_checked_at"] == old["checked_at"], \
        describe_changes(report)
    assert kinds(report) == expected, (
        f"missing {sorted(expected - kinds(report), key=str)}, "
        f"unexpected {sorted(kinds(report) - expected, key=str)}\n{describe_changes(report)}")
    assert len(changes["changes"]) == len(expected), describe_changes(report)
    for c in changes["changes"]:
        if c["kind"] == "address.added":
            assert "2001:db8:25::25" in c["message"], c
        if c["kind"] == "address.removed":
            assert "198.51.100.98" in c["message"], c
        if c["kind"] == "finding.resolved":
            assert "smtp.no_starttls" in c["message"], c

    # a DNS-only check right after: the earlier checks probed, this one does not, so no
    # probe, TLS or certificate changes (like with like), and nothing else changed
    _, dns_only = fresh_result(host, "smtp.test", dict(options, no_smtp=True, fresh=True),
                               "c", smtp_disabled=True)
    assert dns_only["changes_since_last"]["previous_checked_at"] == report["checked_at"]
    assert not {k for k, _, _ in kinds(dns_only)} & PROBE_KINDS, describe_changes(dns_only)
    host.finish()


def test_finding_new(hosts, data_home, world_options, entry_validator):
    """A warning that the previous check did not have: finding.new (and the verdict)."""
    options = dict(world_options, no_smtp=True)
    host = hosts(data_home)
    fresh_result(host, "nullmx.test", options, "a", smtp_disabled=True)
    host.finish()
    entry = read_history(data_home, entry_validator)[0]
    assert entry["verdict"] == "needs_attention"
    assert [f["code"] for f in entry["findings"] if f["severity"] == "warning"] == ["mx.null"]
    old = dict(entry, checked_at="2020-06-01T10:00:00.000Z", verdict="healthy",
               findings=[f for f in entry["findings"] if f["code"] != "mx.null"])
    write_history(data_home, [old])
    host = hosts(data_home)
    _, report = fresh_result(host, "nullmx.test", options, "b", smtp_disabled=True)
    assert kinds(report) == {("verdict.changed", None, None), ("finding.new", None, None)}, \
        describe_changes(report)
    new = next(c for c in report["changes_since_last"]["changes"] if c["kind"] == "finding.new")
    assert "mx.null" in new["message"], new
    host.finish()


# ------------------------------------------------------------------------------------
# The command line: --compare
# ------------------------------------------------------------------------------------

class Cli:
    def __init__(self, binary, world, validator, home, user_home=None, cwd=None):
        self.binary = binary
        self.world = world
        self.validator = validator
        self.env = base_env(home, user_home)
        self.cwd = cwd

    def run(self, *args: str) -> mxh.Run:
        argv = ["ip", "netns", "exec", self.world.netns, self.binary, "check", "smtp.test",
                "--resolver", "127.0.0.1", "--trust-anchor", str(self.world.trust_anchor),
                "--allow-private", "--ca-file", str(self.world.ca_file), "--blocklists", "none", *args]
        started = time.monotonic()
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=mxh.SUBPROCESS_TIMEOUT, env=self.env, cwd=self.cwd)
        result = mxh.Run(argv=argv, returncode=proc.returncode,
                         stdout=proc.stdout.decode("utf-8", errors="replace"),
                         stderr=proc.stderr.decode("utf-8", errors="replace"),
                         seconds=time.monotonic() - started)
        assert result.returncode >= 0, f"died from signal {-result.returncode}\n" \
                                       f"{result.describe()}"
        if "--json" in args:
            result.report = json.loads(result.stdout)
            errors = sorted(self.validator.iter_errors(result.report), key=lambda e: list(e.path))
            assert not errors, "report does not match the schema:\n" + "\n".join(
                f"  at /{'/'.join(str(p) for p in e.path)}: {e.message[:300]}"
                for e in errors[:20]) + f"\n{result.describe()}"
            mxh.check_invariants(result.report, result.returncode, "smtp.test",
                                 smtp_disabled="--no-smtp" in args)
        return result


def compare_lines(stdout: str) -> list[str]:
    """The lines of the --compare part of the text output (from "Changes since",
    "No changes since" or "No earlier check" on)."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^(Changes since |No changes since |No earlier check of )", line):
            return lines[i:]
    raise AssertionError(f"no --compare output in:\n{stdout}")


def test_cli_compare(binary, world, validator, entry_validator, data_home):
    cli = Cli(binary, world, validator, data_home)
    ports = ("--ports", "25,587,465")

    # without --compare nothing is read or written, and changes_since_last is null
    plain = cli.run("--json", *ports)
    assert plain.returncode == 0, plain.describe()
    assert plain.report["changes_since_last"] is None
    assert not history_file(data_home).exists(), "history written without --compare"

    first = cli.run("--compare", *ports)
    assert first.returncode == 0, first.describe()
    assert compare_lines(first.stdout) == ["No earlier check of smtp.test to compare with."], \
        first.describe()
    assert first.stderr == "", first.describe()
    stored = read_history(data_home, entry_validator)
    assert len(stored) == 1, stored

    second = cli.run("--compare", *ports)
    assert second.returncode == 0, second.describe()
    assert compare_lines(second.stdout) == [f"No changes since {stored[0]['checked_at']}."], \
        second.describe()
    stored = read_history(data_home, entry_validator)
    assert len(stored) == 2

    # an edited history: the changes, in text and in JSON
    old, expected = simulate_earlier_state(stored[-1])
    write_history(data_home, [old])
    text = cli.run("--compare", *ports)
    assert text.returncode == 0, text.describe()
    lines = compare_lines(text.stdout)
    assert lines[0] == f"Changes since {old['checked_at']}:", text.describe()
    assert len(lines) == 1 + len(expected) and all(line.startswith("  - ") for line in lines[1:]), \
        text.describe()

    write_history(data_home, [old])
    js = cli.run("--json", "--compare", *ports)
    assert js.returncode == 0, js.describe()
    assert js.stderr == "", js.describe()
    changes = js.report["changes_since_last"]
    assert changes is not None and changes["previous_checked_at"] == old["checked_at"]
    assert kinds(js.report) == expected, describe_changes(js.report)
    assert ["  - " + c["message"] for c in changes["changes"]] == lines[1:], \
        "the text lines are not the messages of changes_since_last"
    stored = read_history(data_home, entry_validator)
    assert [e["checked_at"] for e in stored] == [old["checked_at"], js.report["checked_at"]]
    assert_entry_matches(stored[-1], js.report)


@pytest.mark.parametrize("layout", ["file-as-data-home", "directory-as-history"])
def test_cli_compare_unusable_history(binary, world, validator, tmp_path, layout):
    """The check is printed and the exit code is the verdict's; each problem with the history
    is one line "mxhealth: warning: ..." on stderr."""
    home = tmp_path / "xdg-data"
    if layout == "file-as-data-home":
        home.write_text("x\n")
    else:
        history_file(home).mkdir(parents=True)
    cli = Cli(binary, world, validator, home)
    for args in (("--compare", "--ports", "25"), ("--json", "--compare", "--ports", "25")):
        result = cli.run(*args)
        assert result.returncode == 0, result.describe()
        lines = result.stderr.splitlines()
        assert 1 <= len(lines) <= 2, result.describe()
        assert all(line.startswith("mxhealth: warning: ") for line in lines), result.describe()
        assert any("history" in line for line in lines), result.describe()
        if "--json" in args:
            assert result.report["changes_since_last"] is None
        else:
            assert "smtp.test: Healthy" in result.stdout, result.describe()
    if layout == "file-as-data-home":
        assert home.read_text() == "x\n"
    else:
        assert history_file(home).is_dir() and not any(history_file(home).iterdir())


@pytest.mark.parametrize("xdg", [None, "", "relative/data"], ids=["unset", "empty", "relative"])
def test_data_home_fallback(binary, world, validator, tmp_path, xdg):
    """Without an absolute XDG_DATA_HOME the history is ~/.local/share/mxhealth/history.jsonl
    (HOME is a directory of the test here)."""
    user_home = tmp_path / "home"
    user_home.mkdir()
    cli = Cli(binary, world, validator, xdg, user_home=user_home, cwd=tmp_path)
    first = cli.run("--json", "--compare", "--no-smtp")
    second = cli.run("--json", "--compare", "--no-smtp")
    assert first.report["changes_since_last"] is None
    assert second.report["changes_since_last"] == {
        "previous_checked_at": first.report["checked_at"], "changes": []}
    stored = read_history(user_home / ".local" / "share")
    assert [e["checked_at"] for e in stored] == \
        [first.report["checked_at"], second.report["checked_at"]]
    assert not (tmp_path / "relative").exists()

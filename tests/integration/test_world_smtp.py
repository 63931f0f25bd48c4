"""The SMTP world itself, checked with a small reference client (tests/world/smtpcheck.py),
independent of mxhealth: if one of these fails, the world is broken, not the probe.

smtpcheck.py runs inside the world's namespace and checks every target at the
same time; see tests/world/README.md for what each server does.
"""

from __future__ import annotations

import json
import pathlib
import subprocess

import pytest

SMTPCHECK = pathlib.Path(__file__).resolve().parents[1] / "world" / "smtpcheck.py"
BADSMTP = pathlib.Path(__file__).resolve().parents[1] / "world" / "badsmtp.py"

POSTFIX = [("mx1.smtp.test", "198.51.100.25"), ("mx1.smtp.test", "2001:db8:25::25"),
           ("mx2.smtp.test", "203.0.113.25"), ("mx2.smtp.test", "2001:db8:26::25")]
P25B = ("mx.port25blocked.bad.test", "198.51.100.125")


def target(host: str, ip: str, port: int) -> str:
    return f"{host}@[{ip}]:{port}" if ":" in ip else f"{host}@{ip}:{port}"


def scenarios() -> dict[str, str]:
    out = subprocess.run(["/usr/bin/python3", str(BADSMTP), "--list"], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def seen(world):
    if not (world.state / "ca.pem").is_file():
        pytest.fail(f"no test CA in {world.state}: is the SMTP world up?")
    targets = [target(h, ip, port) for h, ip in POSTFIX for port in (25, 587, 465)]
    targets += [target(*P25B, port) for port in (25, 587, 465)]
    targets += [target(f"mx.{name}.bad.test", ip, 25) for name, ip in scenarios().items()]
    targets += [target("mx.refused.bad.test", "203.0.113.119", 25),
                target("mx.blackhole.bad.test", "203.0.113.120", 25),
                target("mx.blackhole.bad.test", "203.0.113.120", 587)]
    proc = subprocess.run(
        ["ip", "netns", "exec", world.netns, "/usr/bin/python3", str(SMTPCHECK),
         "--ca-file", str(world.state / "ca.pem"), "--tls-any", "--connect-timeout", "2",
         "--greeting-timeout", "4.5", "--reply-timeout", "5", *targets],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    return {(r["host"], r["ip"], r["port"]): r for r in results}


def bad(seen, name: str) -> dict:
    hits = [r for (h, _, port), r in seen.items() if h == f"mx.{name}.bad.test" and port == 25]
    assert len(hits) == 1, name
    return hits[0]


def assert_tls(r: dict, verified=True, version=("TLSv1.2", "TLSv1.3")) -> None:
    assert r["problem"] is None, r
    assert r["tls"] is not None and r["tls"]["version"] in version, r
    assert r["tls"]["verified"] is verified, r


def test_postfix_every_port(seen):
    for host, ip in POSTFIX:
        for port in (25, 587, 465):
            r = seen[(host, ip, port)]
            assert r["connect"] == "ok", r
            assert r["greeting"] == [f"220 {host} ESMTP"], r
            assert_tls(r)
            assert r["tls"]["subject_cn"] == host
            assert "SIZE 10240000" in r["capabilities_after_tls"], r
            if port == 465:
                assert r["capabilities"] == [] and r["starttls"] is None
            else:
                assert "STARTTLS" in r["capabilities"] and r["starttls"] == 220, r
                assert "STARTTLS" not in r["capabilities_after_tls"]


def test_port25_blocked_host(seen):
    assert seen[(*P25B, 25)]["connect"] == "timeout"
    for port in (587, 465):
        r = seen[(*P25B, port)]
        assert r["connect"] == "ok"
        assert_tls(r)                     # mx2's certificate also names this host


def test_refused_and_blackhole(seen):
    assert seen[("mx.refused.bad.test", "203.0.113.119", 25)]["connect"] == "refused"
    for port in (25, 587):
        r = seen[("mx.blackhole.bad.test", "203.0.113.120", port)]
        assert r["connect"] == "timeout", r
        assert r["seconds"] < 4


def test_greeting_scenarios(seen):
    assert bad(seen, "greet421")["problem"] == "greeting_421"
    assert bad(seen, "greet421")["greeting"][0].startswith("421 ")
    assert bad(seen, "greet554")["problem"] == "greeting_554"
    r = bad(seen, "slowgreet")
    assert 2.5 <= r["greeting_seconds"] < 4.5, r
    assert_tls(r)
    r = bad(seen, "veryslowgreet")       # greets after 6 s: later than the 4.5 s waited
    assert r["problem"] == "greeting_timeout" and r["greeting"] is None, r
    assert bad(seen, "silent")["problem"] == "greeting_timeout"
    r = bad(seen, "multiline")
    assert len(r["greeting"]) == 3 and r["greeting"][0].startswith("220-"), r
    assert r["greeting"][2].startswith("220 ")
    assert_tls(r)


def test_starttls_scenarios(seen):
    r = bad(seen, "nostarttls")
    assert r["problem"] is None and r["ehlo"] == 250 and "STARTTLS" not in r["capabilities"], r
    assert r["tls"] is None
    r = bad(seen, "starttlsfail")
    assert r["starttls"] == 220 and r["problem"].startswith("tls_failed"), r
    r = bad(seen, "injection")
    assert r["plaintext_after_starttls"] == "250 injected\r\n", r
    assert_tls(r)
    r = bad(seen, "ehlo5xx")
    assert (r["ehlo"], r["helo"], r["capabilities"]) == (502, 250, []), r


def test_certificate_scenarios(seen):
    r = bad(seen, "expired")
    assert_tls(r, verified=False)
    assert "expired" in r["tls"]["verify_error"]
    r = bad(seen, "selfsigned")
    assert_tls(r, verified=False)
    assert "self-signed" in r["tls"]["verify_error"] or "self signed" in r["tls"]["verify_error"]
    r = bad(seen, "wrongname")
    assert_tls(r, verified=False)
    assert "mismatch" in r["tls"]["verify_error"].lower()
    r = bad(seen, "expiring")
    assert_tls(r)
    r = bad(seen, "tls10")
    assert_tls(r, version=("TLSv1",))


def test_broken_protocol_scenarios(seen):
    assert bad(seen, "garbage")["problem"] == "not_smtp"
    r = bad(seen, "reset")
    assert r["greeting"] and r["problem"] == "reset", r
    assert bad(seen, "endless250")["problem"] == "too_many_lines"
    assert bad(seen, "hugeline")["problem"] == "line_too_long"
    for name in ("garbage", "reset", "endless250", "hugeline"):
        assert bad(seen, name)["seconds"] < 3, bad(seen, name)

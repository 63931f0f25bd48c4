"""mxhealth's DANE sender (`senders.dane`, docs/report.md) against a real one: Postfix's
posttls-finger at security level `dane`, with the world's validating unbound as its resolver
(tests/integration/dane_reference.py; the world's DANE domains: tests/world/README.md).

* test_reference_*: the reference itself gives the outcomes the world is built for. These
  never skip: if one fails, the world (or posttls-finger's output format) changed, not mxhealth.
* test_mxhealth_dane_sender_matches_reference: `mxhealth check DOMAIN --json --ports 25` with the
  world's options must say what posttls-finger did (`outcome`, and `via` where it verified).
"""
from __future__ import annotations

import concurrent.futures
import json

import pytest

from dane_reference import DaneReference

# domain -> (outcome of the DANE sender, the MX host that takes the mail)
EXPECTED = {
    "smtp.test": ("delivered_verified", "mx1.smtp.test"),          # TLSA 3 1 1, Postfix mx1
    "danebad.test": ("deferred", None),                              # TLSA of another key
    "pkix.test": ("delivered_encrypted", "mx.pkix.test"),           # only TLSA 1 0 1: unusable
    "daneexpired.test": ("delivered_verified", "mx.daneexpired.test"),  # DANE-EE: no date check
    "danewrongname.test": ("delivered_verified", "mx.danewrongname.test"),  # DANE-EE: no name check
    "danetawrongname.test": ("deferred", None),                      # DANE-TA checks the name
    "danetagood.test": ("delivered_verified", "mx.danetagood.test"),
    "danehalf.test": ("delivered_verified", "mx.danehalf.test"),     # IPv4 matches, IPv6 not
    "sigexpired.test": ("deferred", None),                           # MX RRset bogus
    "deadprimary.test": ("delivered_verified", "mx1.smtp.test"),     # the black hole first
    "stsexpired.test": ("delivered_encrypted", "mx.expired.bad.test"),  # no TLSA: just encrypt
    "multiline.bad.test": ("delivered_encrypted", "mx.multiline.bad.test"),  # healthy, no TLSA
    "nostarttls.bad.test": ("delivered_unencrypted", "mx.nostarttls.bad.test"),
    "nullmx.test": ("bounced", None),
    "bogus.test": ("deferred", None),                                # wrong DS: bogus
}


@pytest.fixture(scope="module")
def reference(world):
    """posttls-finger's results for every domain of EXPECTED (run three at a time)."""
    try:
        ref = DaneReference(world.state, world.netns)
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            results = dict(zip(EXPECTED, pool.map(ref.check, EXPECTED)))
    finally:
        ref.close()
    return results


def describe(res: dict) -> str:
    runs = res.get("runs", {})
    slim = {k: v for k, v in res.items() if k != "runs"}
    return json.dumps(slim, indent=1) + "\n" + "\n".join(
        f"---- posttls-finger {name} ----\n" + "\n".join(
            line for line in out.splitlines()
            if "dns_get_answer" not in line and "been_here" not in line)[-3000:]
        for name, out in runs.items())


def attempts(res: dict, host: str) -> list[dict]:
    hits = [h for h in res["hosts"] if h["host"] == host]
    assert len(hits) == 1, describe(res)
    return hits[0]["attempts"]


# --------------------------------------------------------------------------
# The reference itself
# --------------------------------------------------------------------------

@pytest.mark.parametrize("domain", list(EXPECTED))
def test_reference_outcome(reference, domain):
    res = reference[domain]
    outcome, via = EXPECTED[domain]
    assert (res["dane_outcome"], res["via"]) == (outcome, via), describe(res)


def test_reference_details(reference):
    """The posttls-finger lines behind the outcomes."""
    res = reference["smtp.test"]
    assert {(a["address"], a["result"], a["dane_match"]) for a in attempts(res, "mx1.smtp.test")} == {
        ("198.51.100.25", "verified", "EE"), ("2001:db8:25::25", "verified", "EE")}, describe(res)

    res = reference["danebad.test"]
    [a] = attempts(res, "mx.danebad.test")
    assert (a["result"], a["detail"]) == ("untrusted", "num=65:no matching DANE TLSA records"), describe(res)

    res = reference["pkix.test"]
    assert res["hosts"][0]["tlsa"] == "unusable" and res["hosts"][0]["tlsa_unusable"] == ["1 0 1"], \
        describe(res)

    res = reference["daneexpired.test"]
    [a] = attempts(res, "mx.daneexpired.test")
    assert (a["result"], a["dane_match"]) == ("verified", "EE"), describe(res)

    res = reference["danetawrongname.test"]
    [a] = attempts(res, "mx.danetawrongname.test")
    assert (a["result"], a["detail"]) == ("untrusted", "num=62:hostname mismatch"), describe(res)
    assert res["hosts"][0]["tlsa_records"][0].startswith("2 1 1 "), describe(res)

    res = reference["danetagood.test"]
    [a] = attempts(res, "mx.danetagood.test")
    assert (a["result"], a["dane_match"]) == ("verified", "TA"), describe(res)

    res = reference["danehalf.test"]
    by_family = {a["family"]: a for a in attempts(res, "mx.danehalf.test")}
    assert by_family["ipv4"]["address"] == "198.51.100.25" and by_family["ipv4"]["result"] == "verified", \
        describe(res)
    assert by_family["ipv6"]["address"] == "2001:db8:26::25", describe(res)
    assert (by_family["ipv6"]["result"], by_family["ipv6"]["detail"]) == \
        ("untrusted", "num=65:no matching DANE TLSA records"), describe(res)
    assert [tuple(v) for v in res["verified"]] == [("mx.danehalf.test", "198.51.100.25")], describe(res)

    for domain in ("sigexpired.test", "bogus.test"):
        res = reference[domain]
        assert res["mx_lookup"]["query"] == "Host not found, try again", describe(res)
        assert res["hosts"] == [], describe(res)

    res = reference["deadprimary.test"]
    assert res["mx_lookup"]["hosts"] == ["mx.blackhole.bad.test", "mx1.smtp.test"], describe(res)
    [a] = attempts(res, "mx.blackhole.bad.test")
    assert a["result"] == "connect_failed" and "timed out" in a["detail"], describe(res)

    res = reference["nostarttls.bad.test"]
    [a] = attempts(res, "mx.nostarttls.bad.test")
    assert a["result"] == "no_starttls", describe(res)

    res = reference["nullmx.test"]
    assert "nullMX" in res["mx_lookup"]["error"], describe(res)


# --------------------------------------------------------------------------
# mxhealth against the reference
# --------------------------------------------------------------------------

def mxhealth_args(world, domain: str) -> tuple:
    return ("check", domain, "--json", "--ports", "25", "--resolver", "127.0.0.1",
            "--trust-anchor", str(world.trust_anchor), "--allow-private",
            "--ca-file", str(world.ca_file), "--blocklists", "none", "--connect-timeout", "2")


@pytest.fixture(scope="module")
def mxhealth_runs(mx, world):
    """Every mxhealth run of this module at once (mx.raw caches them)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda d: mx.raw(*mxhealth_args(world, d)), EXPECTED))
    return mx


@pytest.mark.parametrize("domain", list(EXPECTED))
def test_mxhealth_dane_sender_matches_reference(mxhealth_runs, world, reference, domain):
    run = mxhealth_runs.raw(*mxhealth_args(world, domain))
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"no JSON report: {exc}\n{run.describe()}")
    ref = reference[domain]
    senders = report["senders"]
    assert senders is not None, f"senders is null (error {report.get('error')!r})\n{run.describe()}"
    dane = senders["dane"]
    assert dane["outcome"] == ref["dane_outcome"], (
        f"{domain}: mxhealth says the DANE sender's outcome is {dane['outcome']!r} (via "
        f"{dane.get('via')!r}: {dane.get('reason')!r}); posttls-finger: {ref['dane_outcome']!r} via "
        f"{ref['via']!r}\n{describe(ref)}")
    if ref["dane_outcome"] == "delivered_verified":
        assert dane["via"] == ref["via"], (
            f"{domain}: mxhealth says via {dane['via']!r}, posttls-finger verified with {ref['via']!r}"
            f"\n{describe(ref)}")

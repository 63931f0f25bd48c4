"""Resolver modes: IPv6 forwarder, the system resolver (resolv.conf of the
namespace: nameserver 127.0.0.1), an unreachable resolver, a refusing one."""

from __future__ import annotations

from mxh import codes, dnssec_status, findings, mx_summary

AP = "--allow-private"
HEALTHY = [(10, "mx1.healthy.test"), (20, "mx2.healthy.test")]


def test_ipv6_forwarder(mx, world):
    run = mx.check("healthy.test", AP, resolver="::1")
    rep = run.report
    assert run.returncode == 0, run.describe()
    assert rep["verdict"] == "healthy"
    assert mx_summary(rep) == HEALTHY
    res = rep["resolver"]
    assert res["mode"] == "forward"
    assert len(res["servers"]) == 1, res
    assert "::1" in res["servers"][0], res
    assert "127.0.0.1" not in res["servers"][0]
    assert res["dnssec_validation"] is True
    assert res["trust_anchor"] == str(world.trust_anchor)
    assert dnssec_status(rep, "healthy.test", "MX") == "secure"


def test_system_resolver(mx, world):
    """No --resolver: the resolvers of /etc/resolv.conf, which `ip netns exec`
    replaces with /etc/netns/NS/resolv.conf (nameserver 127.0.0.1)."""
    run = mx.check("healthy.test", AP, resolver=None)
    rep = run.report
    assert run.returncode == 0, run.describe()
    assert rep["verdict"] == "healthy"
    assert mx_summary(rep) == HEALTHY
    res = rep["resolver"]
    assert res["mode"] == "system"
    assert any(s.startswith("127.0.0.1") for s in res["servers"]), res
    assert res["trust_anchor"] == str(world.trust_anchor)
    assert res["dnssec_validation"] is True
    assert dnssec_status(rep, "healthy.test", "MX") == "secure"


def test_resolver_unreachable(mx):
    run = mx.check("healthy.test", AP, "--timeout", "5", resolver="127.0.0.1@9")
    rep = run.report
    assert run.returncode == 3, run.describe()
    assert rep is not None, "a report must be printed even when the check could not be done"
    assert rep["verdict"] == "could_not_check"
    assert rep["error"] is not None and rep["error"]["code"].startswith("dns."), rep["error"]
    assert rep["error"]["message"]
    assert rep["mx_records"] == [] and rep["count"] == 0
    assert rep["has_valid_mx"] is False and rep["all_reachable"] is False
    failed = findings(rep, code="dns.mx_lookup_failed")
    assert len(failed) == 1 and failed[0]["severity"] == "error"
    assert rep["resolver"]["mode"] == "forward"
    assert any("127.0.0.1" in s for s in rep["resolver"]["servers"])
    # --timeout 5 bounds the run (generous slack for a loaded machine)
    assert run.seconds < 20, f"took {run.seconds:.1f} s with --timeout 5"
    assert rep["duration_ms"] < 20000


def test_resolver_refuses(mx):
    """A name outside the world: NSD answers REFUSED, so the MX lookup fails."""
    run = mx.check("example.com", AP, "--timeout", "5")
    rep = run.report
    assert run.returncode == 3, run.describe()
    assert rep["verdict"] == "could_not_check"
    assert rep["error"]["code"].startswith("dns."), rep["error"]
    assert rep["domain"] == "example.com"
    assert "dns.mx_lookup_failed" in codes(rep)
    assert "domain.nxdomain" not in codes(rep)
    assert rep["mx_records"] == []


def test_without_trust_anchor(mx):
    """No --trust-anchor: test. is not under the root's chain of trust in this
    world, so nothing can be validated as secure; the check itself still works
    and DNSSEC never turns into a (false) dnssec.bogus."""
    run = mx.check("healthy.test", AP, trust_anchor=False)
    rep = run.report
    assert run.returncode == 0, run.describe()
    assert rep["verdict"] == "healthy"
    assert mx_summary(rep) == HEALTHY
    res = rep["resolver"]
    assert res["trust_anchor"] in (None, "/usr/share/dns/root.key", "/var/lib/unbound/root.key"), res
    assert "dnssec.bogus" not in codes(rep)
    assert all(e["status"] != "secure" for e in rep["dnssec"]), rep["dnssec"]
    if not res["dnssec_validation"]:
        assert res["note"], "no note saying why DNSSEC was not validated"

"""`mxhealth check DOMAIN --json` against the DNS test world, one domain case at a time.

The expected facts come from docs/CONTRACT-issue2.md and docs/report.md; the
world's content is described in tests/world/README.md.

Unless a test is about non-public addresses it passes --allow-private: every
address in the world is in a documentation range (RFC 5737 / RFC 3849), which
is not public, so without it every domain would also get
mx.non_public_address warnings and the mx.no_public_address error.
"""

from __future__ import annotations

import pytest

from mxh import (assert_problems, codes, dnssec_entries, dnssec_status, findings, mx_summary,
                 record, severity_of)

AP = "--allow-private"

DOC4 = "documentation (RFC 5737)"
DOC6 = "documentation (RFC 3849)"
RFC1918 = "private network (RFC 1918)"

MX1 = "mx1.healthy.test"
MX2 = "mx2.healthy.test"
MX1_IPS = ["198.51.100.10", "2001:db8:10::10"]
MX2_IPS = ["203.0.113.20", "2001:db8:20::20"]


def addr(ip: str, rng: str) -> dict:
    return {"ip": ip, "version": 6 if ":" in ip else 4, "public": False, "range": rng}


def doc_addrs(ips: list[str]) -> list[dict]:
    return [addr(ip, DOC6 if ":" in ip else DOC4) for ip in ips]


SIDE_ADDRESS_FIELDS = ("ptr", "blocklists")  # reverse DNS and blocklists: test_side_checks.py
SIDE_RECORD_FIELDS = ("dane", "domain_blocklists")


def base_address(a: dict) -> dict:
    return {k: v for k, v in a.items() if k not in SIDE_ADDRESS_FIELDS}


def base_records(records: list[dict]) -> list[dict]:
    """The MX records without what the side checks add (those depend on whether an address
    may be contacted, i.e. on --allow-private)."""
    return [{**{k: v for k, v in r.items() if k not in SIDE_RECORD_FIELDS},
             "addresses": [base_address(a) for a in r["addresses"]]} for r in records]


def assert_resolving(rec: dict, ips: list[str], *, cname=None, implicit=False) -> None:
    assert rec["ips"] == ips
    assert rec["reachable"] is True
    assert rec["error"] is None
    assert rec["implicit"] is implicit
    assert rec["cname"] == cname
    assert sorted((base_address(a) for a in rec["addresses"]), key=lambda a: a["ip"]) == \
        sorted(doc_addrs(ips), key=lambda a: a["ip"])


def assert_all_dnssec(report: dict, status: str) -> None:
    assert report["dnssec"], "dnssec is empty"
    bad = [e for e in report["dnssec"] if e["status"] != status]
    assert not bad, f"expected every dnssec entry {status}, got {bad}"


def problem_subset(rep: dict, allowed: set[str]) -> None:
    got = {f["code"] for f in rep["findings"] if f["severity"] in ("error", "warning")}
    assert got <= allowed, f"unexpected problems {sorted(got - allowed)}"


def assert_verdict(run, verdict: str, exit_code: int) -> None:
    assert run.report["verdict"] == verdict, run.describe()
    assert run.returncode == exit_code, run.describe()


# --------------------------------------------------------------------------
# healthy.test
# --------------------------------------------------------------------------

def test_healthy_allow_private(mx, world):
    run = mx.check("healthy.test", AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)
    assert rep["domain"] == "healthy.test"
    assert rep["domain_unicode"] == "healthy.test"
    assert rep["error"] is None
    assert mx_summary(rep) == [(10, MX1), (20, MX2)]
    assert rep["count"] == 2
    assert rep["has_valid_mx"] is True
    assert rep["all_reachable"] is True
    assert rep["null_mx"] is False
    assert rep["implicit_mx"] is False
    assert_resolving(record(rep, MX1), MX1_IPS)
    assert_resolving(record(rep, MX2), MX2_IPS)
    assert rep["issues"] == []
    assert_problems(rep, [])
    # the four documentation addresses are reported once, naming each, and only as info
    nonpub = findings(rep, code="mx.non_public_address")
    assert [f["severity"] for f in nonpub] == ["info"]
    assert all(ip in nonpub[0]["message"] for ip in MX1_IPS + MX2_IPS)
    assert "--" not in nonpub[0]["message"], "no command-line flag names in findings"
    assert "mx.no_public_address" not in codes(rep)
    assert "mx.single" not in codes(rep)      # two hosts
    assert "mx.no_ipv6" not in codes(rep)     # both have AAAA
    # DNSSEC: the whole zone test. is signed and anchored by test.ta
    assert dnssec_status(rep, "healthy.test", "MX") == "secure"
    assert dnssec_status(rep, MX1, "A") == "secure"
    assert dnssec_status(rep, MX2, "AAAA") == "secure"
    assert_all_dnssec(rep, "secure")
    res = rep["resolver"]
    assert res["mode"] == "forward"
    assert len(res["servers"]) == 1 and res["servers"][0] in ("127.0.0.1", "127.0.0.1@53")
    assert res["dnssec_validation"] is True
    assert res["trust_anchor"] == str(world.trust_anchor)
    assert rep["smtp_probe_enabled"] is False
    assert rep["any_smtp_ok"] is False
    assert rep["all_tls_ok"] is None


def test_healthy_default_flags_documentation_addresses(mx):
    """Without --allow-private the documentation addresses are not public: broken."""
    run = mx.check("healthy.test")
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert_problems(rep, ["mx.non_public_address", "mx.no_public_address"])
    nonpub = findings(rep, code="mx.non_public_address")
    assert [f["severity"] for f in nonpub] == ["warning"]
    assert all(ip in nonpub[0]["message"] for ip in MX1_IPS + MX2_IPS)
    assert severity_of(rep, "mx.no_public_address") == {"error"}
    assert len(findings(rep, code="mx.no_public_address")) == 1
    # the records themselves do not depend on --allow-private
    assert base_records(rep["mx_records"]) == base_records(mx.check("healthy.test", AP).report["mx_records"])
    assert rep["has_valid_mx"] is True and rep["all_reachable"] is True
    assert len(rep["issues"]) == 2


def test_human_output_has_same_exit_code(mx):
    run = mx.check("healthy.test", AP, json_out=False)
    assert run.returncode == 0, run.describe()
    assert run.stdout.strip(), "no human-readable output"
    run = mx.check("healthy.test", json_out=False)
    assert run.returncode == 2, run.describe()


# --------------------------------------------------------------------------
# Null MX
# --------------------------------------------------------------------------

@pytest.mark.parametrize("flags", [(AP,), ()], ids=["allow-private", "default"])
def test_null_mx(mx, flags):
    run = mx.check("nullmx.test", *flags)
    rep = run.report
    assert_verdict(run, "needs_attention", 1)
    assert rep["null_mx"] is True
    assert rep["implicit_mx"] is False
    assert rep["count"] == 1
    rec = record(rep, ".")
    assert rec["priority"] == 0
    assert rec["ips"] == [] and rec["addresses"] == []
    assert rec["reachable"] is False
    assert rec["error"] is None            # a Null MX is a statement, not a failed lookup
    assert rec["implicit"] is False and rec["cname"] is None
    assert rep["has_valid_mx"] is False
    assert rep["all_reachable"] is False
    # "For a correct Null MX only mx.null is reported"
    assert_problems(rep, ["mx.null"])
    assert severity_of(rep, "mx.null") == {"warning"}
    assert len(rep["issues"]) == 1
    assert dnssec_status(rep, "nullmx.test", "MX") == "secure"


def test_null_mx_mixed(mx):
    run = mx.check("nullmixed.test", AP)
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert mx_summary(rep) == [(0, "."), (10, MX1)]
    assert rep["count"] == 2
    assert severity_of(rep, "mx.null_mixed") == {"error"}
    assert_resolving(record(rep, MX1), MX1_IPS)
    assert rep["has_valid_mx"] is True
    assert rep["implicit_mx"] is False
    dot = record(rep, ".")
    assert dot["ips"] == [] and dot["reachable"] is False
    assert dnssec_status(rep, "nullmixed.test", "MX") == "secure"


# --------------------------------------------------------------------------
# No MX: NXDOMAIN, implicit MX, no mail at all
# --------------------------------------------------------------------------

def test_nxdomain(mx):
    run = mx.check("nosuch.test", AP)
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert rep["error"] is None            # NXDOMAIN is an answer, not a failed lookup
    assert rep["domain"] == "nosuch.test"
    assert rep["mx_records"] == [] and rep["count"] == 0
    assert rep["has_valid_mx"] is False and rep["all_reachable"] is False
    assert rep["null_mx"] is False and rep["implicit_mx"] is False
    nx = findings(rep, code="domain.nxdomain")
    assert len(nx) == 1 and nx[0]["severity"] == "error" and nx[0]["host"] is None
    problem_subset(rep, {"domain.nxdomain", "mx.none"})
    assert "dns.mx_lookup_failed" not in codes(rep)
    for e in dnssec_entries(rep, "nosuch.test"):
        assert e["status"] == "secure", e   # the denial is signed (NSEC)


def test_implicit_mx(mx):
    run = mx.check("implicit.test", AP)
    rep = run.report
    assert_verdict(run, "needs_attention", 1)
    assert rep["implicit_mx"] is True
    assert rep["null_mx"] is False
    assert rep["count"] == 1
    rec = rep["mx_records"][0]
    assert (rec["priority"], rec["host"]) == (0, "implicit.test")   # RFC 5321 5.1: preference 0
    assert_resolving(rec, ["198.51.100.30", "2001:db8:30::30"], implicit=True)
    assert rep["has_valid_mx"] is True and rep["all_reachable"] is True
    assert_problems(rep, ["mx.implicit"])
    assert severity_of(rep, "mx.implicit") == {"warning"}
    assert dnssec_status(rep, "implicit.test", "A") == "secure"
    assert_all_dnssec(rep, "secure")


def test_implicit_mx_default_flags(mx):
    """The implicit MX host counts as an MX host for the address checks."""
    run = mx.check("implicit.test")
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert_problems(rep, ["mx.implicit", "mx.non_public_address", "mx.no_public_address"])
    [nonpub] = findings(rep, code="mx.non_public_address")
    assert "198.51.100.30" in nonpub["message"] and "2001:db8:30::30" in nonpub["message"]


def test_implicit_mx_through_a_cname(mx):
    """An implicit MX may follow a CNAME at the domain: that is not an MX pointing at an alias."""
    run = mx.check("implicitcname.test", AP)
    rep = run.report
    assert_verdict(run, "needs_attention", 1)
    assert rep["implicit_mx"] is True
    rec = rep["mx_records"][0]
    assert (rec["priority"], rec["host"]) == (0, "implicitcname.test")
    assert rec["ips"] == ["198.51.100.31"]
    assert rec["cname"] is None
    assert "mx.cname" not in codes(rep)
    assert_problems(rep, ["mx.implicit"])


def test_no_mail(mx):
    run = mx.check("nomail.test", AP)
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert rep["error"] is None
    assert rep["mx_records"] == [] and rep["count"] == 0
    assert rep["has_valid_mx"] is False and rep["all_reachable"] is False
    assert rep["null_mx"] is False and rep["implicit_mx"] is False
    assert_problems(rep, ["mx.none"])
    none = findings(rep, code="mx.none")
    assert len(none) == 1 and none[0]["severity"] == "error" and none[0]["host"] is None
    assert "domain.nxdomain" not in codes(rep)
    for e in dnssec_entries(rep, "nomail.test"):
        assert e["status"] == "secure", e


# --------------------------------------------------------------------------
# Bad MX targets
# --------------------------------------------------------------------------

def test_cname_target(mx):
    run = mx.check("cname.test", AP)
    rep = run.report
    assert_verdict(run, "needs_attention", 1)
    assert mx_summary(rep) == [(10, "alias.cname.test")]
    assert_resolving(record(rep, "alias.cname.test"), MX1_IPS, cname=MX1)
    assert rep["has_valid_mx"] is True and rep["all_reachable"] is True
    assert_problems(rep, ["mx.cname"])
    cn = findings(rep, code="mx.cname")
    assert len(cn) == 1 and cn[0]["severity"] == "warning" and cn[0]["host"] == "alias.cname.test"
    assert dnssec_status(rep, "cname.test", "MX") == "secure"
    assert_all_dnssec(rep, "secure")


def test_ip_literal_target(mx):
    run = mx.check("literal.test", AP)
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert rep["error"] is None
    assert mx_summary(rep) == [(10, "198.51.100.40")]
    lit = findings(rep, code="mx.ip_literal")
    assert len(lit) == 1
    assert lit[0]["severity"] == "error"
    assert lit[0]["host"] == "198.51.100.40"
    assert dnssec_status(rep, "literal.test", "MX") == "secure"


def test_unresolvable_targets(mx):
    run = mx.check("noaddr.test", AP)
    rep = run.report
    assert_verdict(run, "broken", 2)
    assert mx_summary(rep) == [(10, "gone.noaddr.test"), (20, "txtonly.noaddr.test")]
    gone = record(rep, "gone.noaddr.test")
    txt = record(rep, "txtonly.noaddr.test")
    for rec in (gone, txt):
        assert rec["ips"] == [] and rec["addresses"] == []
        assert rec["reachable"] is False
        assert isinstance(rec["error"], str) and rec["error"]
    # NXDOMAIN and "no A/AAAA" are different reasons
    assert gone["error"] != txt["error"]
    assert rep["has_valid_mx"] is False and rep["all_reachable"] is False
    assert_problems(rep, ["mx.unresolvable", "mx.no_reachable"])
    unres = findings(rep, code="mx.unresolvable")
    assert sorted(f["host"] for f in unres) == ["gone.noaddr.test", "txtonly.noaddr.test"]
    assert {f["severity"] for f in unres} == {"error"}
    assert len({f["message"] for f in unres}) == 2, "the messages should say why (differently)"
    assert severity_of(rep, "mx.no_reachable") == {"error"}
    assert len(findings(rep, code="mx.no_reachable")) == 1


# --------------------------------------------------------------------------
# Address families, redundancy
# --------------------------------------------------------------------------

def test_ipv4_only(mx):
    run = mx.check("v4only.test", AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)
    assert mx_summary(rep) == [(10, "mx.v4only.test")]
    rec = record(rep, "mx.v4only.test")
    assert_resolving(rec, ["198.51.100.50"])
    assert [base_address(a) for a in rec["addresses"]] == [addr("198.51.100.50", DOC4)]
    assert_problems(rep, [])
    assert severity_of(rep, "mx.no_ipv6") == {"info"}
    assert severity_of(rep, "mx.single") == {"info"}


def test_ipv6_only(mx):
    run = mx.check("v6only.test", AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)
    assert mx_summary(rep) == [(10, "mx.v6only.test")]
    rec = record(rep, "mx.v6only.test")
    assert_resolving(rec, ["2001:db8:60::60"])
    assert [base_address(a) for a in rec["addresses"]] == [addr("2001:db8:60::60", DOC6)]
    assert rep["has_valid_mx"] is True and rep["all_reachable"] is True
    assert_problems(rep, [])
    assert "mx.no_ipv6" not in codes(rep)
    assert severity_of(rep, "mx.single") == {"info"}
    assert dnssec_status(rep, "mx.v6only.test", "AAAA") == "secure"


def test_duplicate_host(mx):
    run = mx.check("dup.test", AP)
    rep = run.report
    assert_verdict(run, "needs_attention", 1)
    assert mx_summary(rep) == [(10, MX1), (20, MX1)]
    assert rep["count"] == 2
    for rec in rep["mx_records"]:
        assert_resolving(rec, MX1_IPS)
    assert rep["has_valid_mx"] is True and rep["all_reachable"] is True
    # mx1 has two addresses, so this is not "all at one address"
    assert_problems(rep, ["mx.duplicate_host"])
    dup = findings(rep, code="mx.duplicate_host")
    assert len(dup) == 1 and dup[0]["severity"] == "warning" and dup[0]["host"] == MX1


def test_single_address(mx):
    run = mx.check("oneaddr.test", AP)
    rep = run.report
    assert_verdict(run, "needs_attention", 1)
    assert mx_summary(rep) == [(10, "a.oneaddr.test"), (20, "b.oneaddr.test")]
    for rec in rep["mx_records"]:
        assert_resolving(rec, ["198.51.100.70"])
    assert_problems(rep, ["mx.single_address"])
    assert severity_of(rep, "mx.single_address") == {"warning"}
    assert len(findings(rep, code="mx.single_address")) == 1
    assert severity_of(rep, "mx.no_ipv6") == {"info"}
    assert "mx.single" not in codes(rep)           # two hosts
    assert "mx.duplicate_host" not in codes(rep)   # two different names


def test_single_mx(mx):
    run = mx.check("single.test", AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)
    assert mx_summary(rep) == [(10, "mx.single.test")]
    assert_resolving(record(rep, "mx.single.test"), ["203.0.113.80", "2001:db8:80::80"])
    assert_problems(rep, [])
    assert rep["issues"] == []
    assert severity_of(rep, "mx.single") == {"info"}
    assert len(findings(rep, code="mx.single")) == 1
    assert "mx.no_ipv6" not in codes(rep)
    assert "mx.single_address" not in codes(rep)


# --------------------------------------------------------------------------
# Private (RFC 1918) address
# --------------------------------------------------------------------------

def test_private_address_default(mx):
    run = mx.check("private.test")
    rep = run.report
    assert_verdict(run, "broken", 2)
    rec = record(rep, "mx.private.test")
    assert rec["ips"] == ["10.1.2.3"] and rec["reachable"] is True
    assert [base_address(a) for a in rec["addresses"]] == [addr("10.1.2.3", RFC1918)]
    assert rep["has_valid_mx"] is True and rep["all_reachable"] is True
    assert_problems(rep, ["mx.non_public_address", "mx.no_public_address"])
    nonpub = findings(rep, code="mx.non_public_address")
    assert len(nonpub) == 1
    assert nonpub[0]["severity"] == "warning"
    assert nonpub[0]["host"] == "mx.private.test"
    assert nonpub[0]["ip"] == "10.1.2.3"
    assert severity_of(rep, "mx.no_public_address") == {"error"}
    assert nonpub[0]["message"] in rep["issues"]


def test_private_address_allowed(mx):
    run = mx.check("private.test", AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)
    rec = record(rep, "mx.private.test")
    assert [base_address(a) for a in rec["addresses"]] == [addr("10.1.2.3", RFC1918)]
    assert_problems(rep, [])
    assert rep["issues"] == []
    nonpub = findings(rep, code="mx.non_public_address")
    assert [(f["severity"], f["host"], f["ip"]) for f in nonpub] == \
        [("info", "mx.private.test", "10.1.2.3")]
    assert "mx.no_public_address" not in codes(rep)
    assert severity_of(rep, "mx.single") == {"info"}
    assert severity_of(rep, "mx.no_ipv6") == {"info"}


# --------------------------------------------------------------------------
# IDN
# --------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["bücher.test", "xn--bcher-kva.test"])
def test_idn(mx, target):
    run = mx.check(target, AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)
    assert rep["input"] == target
    assert rep["domain"] == "xn--bcher-kva.test"
    assert rep["domain_unicode"] == "bücher.test"
    assert mx_summary(rep) == [(10, MX1)]
    assert_resolving(record(rep, MX1), MX1_IPS)
    assert dnssec_status(rep, "xn--bcher-kva.test", "MX") == "secure"


# --------------------------------------------------------------------------
# DNSSEC: insecure and bogus delegations
# --------------------------------------------------------------------------

def test_dnssec_insecure(mx):
    run = mx.check("insecure.test", AP)
    rep = run.report
    assert_verdict(run, "healthy", 0)   # unsigned is common and not a finding
    assert mx_summary(rep) == [(10, "mx.insecure.test")]
    assert_resolving(record(rep, "mx.insecure.test"), ["198.51.100.90"])
    assert dnssec_status(rep, "insecure.test", "MX") == "insecure"
    assert dnssec_status(rep, "mx.insecure.test", "A") == "insecure"
    assert_all_dnssec(rep, "insecure")
    assert "dnssec.bogus" not in codes(rep)
    assert rep["resolver"]["dnssec_validation"] is True


def test_dnssec_bogus(mx):
    run = mx.check("bogus.test", AP)
    rep = run.report
    # a definite (bad) answer, not a failed lookup
    assert_verdict(run, "broken", 2)
    assert rep["error"] is None
    bogus = findings(rep, code="dnssec.bogus")
    assert bogus, "no dnssec.bogus finding"
    assert {f["severity"] for f in bogus} == {"error"}
    assert "bogus.test" in {f["host"] for f in bogus}
    assert {f["host"] for f in bogus} <= {"bogus.test", "mx.bogus.test"}
    entries = dnssec_entries(rep, "bogus.test", "MX")
    assert len(entries) == 1 and entries[0]["status"] == "bogus", rep["dnssec"]
    assert isinstance(entries[0]["why"], str) and entries[0]["why"], "bogus without why"
    assert "dns.mx_lookup_failed" not in codes(rep)

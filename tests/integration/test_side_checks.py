"""The checks beside the SMTP probe, against the test world (tests/world/README.md): reverse
DNS (PTR, forward confirmation), DNS blocklists with every return code, DANE against the
Postfix certificates, MTA-STS against real HTTPS policy servers, TLS-RPT, SPF and DMARC.
Every report is validated against docs/report.schema.json by the `mx` fixture. The exact
verdicts are the contract: "listed" and "not listed" only from real answers.
"""
from __future__ import annotations

import pytest

from mxh import assert_problems, codes, findings, record

AP = "--allow-private"
LISTS = "zen.dnsbl.test,slow.dnsbl.test,dbl.dnsbl.test"


def probe_args(mx, *extra):
    return (AP, "--ca-file", str(mx.world.ca_file), "--ports", "25", "--connect-timeout", "2", *extra)


def address(report: dict, host: str, ip: str) -> dict:
    hits = [a for a in record(report, host)["addresses"] if a["ip"] == ip]
    assert len(hits) == 1, record(report, host)["addresses"]
    return hits[0]


def by_zone(results: list[dict]) -> dict:
    return {r["zone"]: r for r in results}


@pytest.fixture(scope="module")
def runs(mx):
    """Every check of this module at once (the Mxhealth fixture caches results)."""
    calls = [((d, *probe_args(mx)), {"no_smtp": False}) for d in (
        "smtp.test", "ptr.test", "danebad.test", "pkix.test", "stsbad.test", "stswrongcert.test",
        "stsnopolicy.test", "stsnotxt.test", "stsuncovered.test", "ststesting.test", "spfplus.test",
        "spfmulti.test", "spfnone.test", "spfsoft.test", "sts404.test", "stsmxcert.test", "stsnone.test")]
    calls += [(("bl.test", AP), {"resolver": "127.0.0.2", "blocklists": LISTS}),
              (("listed.test", AP), {"blocklists": LISTS}),
              (("dane.insecure.test", AP), {})]
    mx.prefetch(calls)
    return mx


def check(runs, domain):
    return runs.check(domain, *probe_args(runs), no_smtp=False)


# ---- a domain where everything is right --------------------------------------------------

def test_smtp_test_is_healthy_with_every_side_check_good(runs):
    run = check(runs, "smtp.test")
    rep = run.report
    assert rep["verdict"] == "healthy" and run.returncode == 0, rep["findings"]
    assert_problems(rep, [])
    for host, ips in (("mx1.smtp.test", ["198.51.100.25", "2001:db8:25::25"]),
                      ("mx2.smtp.test", ["203.0.113.25", "2001:db8:26::25"])):
        for ip in ips:
            ptr = address(rep, host, ip)["ptr"]
            assert ptr["status"] == "ok" and ptr["names"] == [host], ptr
            assert ptr["forward_confirmed"] is True and ptr["matches_mx"] is True
        dane = record(rep, host)["dane"]
        assert dane["status"] == "match", dane
        assert dane["dnssec"] == "secure"
        assert (dane["matched"]["usage"], dane["matched"]["selector"], dane["matched"]["matching_type"]) == (3, 1, 1)
        port25 = [p for p in record(rep, host)["smtp_probes"] if p["port"] == 25]
        assert port25 and all(p["dane"]["verified"] is True for p in port25), port25
    assert any(e["type"] == "TLSA" and e["name"] == "_25._tcp.mx1.smtp.test" and e["status"] == "secure"
               for e in rep["dnssec"]), rep["dnssec"]
    assert rep["spf"]["status"] == "ok" and rep["spf"]["all"] == "-all", rep["spf"]
    assert rep["dmarc"]["status"] == "ok" and rep["dmarc"]["policy"] == "reject", rep["dmarc"]
    assert rep["tls_rpt"]["status"] == "ok" and rep["tls_rpt"]["rua"], rep["tls_rpt"]
    sts = rep["mta_sts"]
    assert sts["status"] == "ok", sts
    assert sts["policy"]["mode"] == "enforce" and sts["policy"]["mx"] == ["*.smtp.test"]
    assert {c["host"]: (c["covered"], c["certificate_ok"]) for c in sts["mx_coverage"]} == \
        {"mx1.smtp.test": (True, True), "mx2.smtp.test": (True, True)}


def test_text_output_shows_the_side_checks(runs):
    run = runs.check("smtp.test", *probe_args(runs), no_smtp=False, json_out=False)
    assert "PTR mx1.smtp.test (confirmed)" in run.stdout, run.stdout
    assert "DANE: the port-25 certificate matches TLSA 3 1 1" in run.stdout
    assert "Policies: SPF -all, DMARC p=reject, MTA-STS enforce, TLS-RPT yes" in run.stdout


# ---- reverse DNS ---------------------------------------------------------------------------

def test_reverse_dns_cases(runs):
    rep = check(runs, "ptr.test").report
    expected = {"mx1.ptr.test": ("198.51.100.131", "ok", ["mx1.ptr.test"], True, True),
                "mx2.ptr.test": ("198.51.100.132", "mismatch", ["other.ptr.test"], True, False),
                "mx3.ptr.test": ("198.51.100.133", "unconfirmed", ["ghost.ptr.test"], False, False),
                "mx4.ptr.test": ("198.51.100.134", "none", [], None, None)}
    for host, (ip, status, names, confirmed, matches) in expected.items():
        ptr = address(rep, host, ip)["ptr"]
        assert (ptr["status"], ptr["names"], ptr["forward_confirmed"]) == (status, names, confirmed), (host, ptr)
        if status != "none":
            assert ptr["matches_mx"] is matches, (host, ptr)
    assert {(f["code"], f["host"], f["ip"]) for f in findings(rep, severity="warning")} >= {
        ("ptr.mismatch", "mx2.ptr.test", "198.51.100.132"),
        ("ptr.unconfirmed", "mx3.ptr.test", "198.51.100.133"),
        ("ptr.none", "mx4.ptr.test", "198.51.100.134")}
    assert not findings(rep, host="mx1.ptr.test", code="ptr.mismatch")
    assert rep["verdict"] == "needs_attention"


def test_reverse_dns_is_not_asked_for_addresses_that_are_not_contacted(mx):
    """Without --allow-private the world's documentation addresses are not public: no PTR
    or blocklist questions are asked about them."""
    rep = mx.check("smtp.test").report
    for rec in rep["mx_records"]:
        for a in rec["addresses"]:
            assert a["ptr"] is None and a["blocklists"] == [], a


# ---- blocklists ------------------------------------------------------------------------------

def test_blocklist_return_codes(runs):
    """zen.dnsbl.test answers with Spamhaus ZEN's codes; slow.dnsbl.test never answers (the
    world's DNS proxy on 127.0.0.2 drops those queries); dbl.dnsbl.test is a domain list."""
    run = runs.check("bl.test", AP, resolver="127.0.0.2", blocklists=LISTS)
    rep = run.report
    zen = {ip: by_zone(address(rep, host, ip)["blocklists"])["zen.dnsbl.test"] for host, ip in (
        ("mx1.bl.test", "198.51.100.141"), ("mx2.bl.test", "198.51.100.142"), ("mx3.bl.test", "198.51.100.143"),
        ("mx4.bl.test", "198.51.100.144"), ("mx5.bl.test", "198.51.100.145"), ("mx5.bl.test", "2001:db8:141::141"))}
    assert zen["198.51.100.141"]["status"] == "listed" and zen["198.51.100.141"]["codes"] == ["127.0.0.2"]
    assert any("SBL" in m for m in zen["198.51.100.141"]["meanings"])
    assert zen["198.51.100.142"]["status"] == "listed"
    assert zen["198.51.100.142"]["codes"] == ["127.0.0.10", "127.0.0.4"] or \
        sorted(zen["198.51.100.142"]["codes"]) == ["127.0.0.10", "127.0.0.4"]
    assert any("XBL" in m for m in zen["198.51.100.142"]["meanings"])
    assert any("PBL" in m for m in zen["198.51.100.142"]["meanings"])
    # Refused through this resolver, rewritten by it, invalid: unknown, never listed or clean.
    for ip, words in (("198.51.100.143", "refused to answer through your resolver"),
                      ("198.51.100.144", "rewrote the answer"),
                      ("198.51.100.145", "127.0.0.1")):
        assert zen[ip]["status"] == "unknown", zen[ip]
        assert words in zen[ip]["reason"], zen[ip]
    assert "DQS" in zen["198.51.100.143"]["reason"]
    assert zen["2001:db8:141::141"]["status"] == "listed" and zen["2001:db8:141::141"]["codes"] == ["127.0.0.3"]
    # The list that never answers is unknown for every address it was asked about.
    for host, ip in (("mx1.bl.test", "198.51.100.141"), ("mx4.bl.test", "198.51.100.144")):
        slow = by_zone(address(rep, host, ip)["blocklists"])["slow.dnsbl.test"]
        assert slow["status"] == "unknown" and slow["reason"], slow
    # Findings: listed is an error, unknown is a note; nothing says "clean" for an error.
    listed = {(f["ip"], f["severity"]) for f in findings(rep, code="dnsbl.listed")}
    assert listed == {("198.51.100.141", "error"), ("198.51.100.142", "error"), ("2001:db8:141::141", "error")}
    unknown_ips = {f["ip"] for f in findings(rep, code="dnsbl.unknown")}
    assert {"198.51.100.143", "198.51.100.144", "198.51.100.145"} <= unknown_ips
    # A listed MX address hurts mail sent from it, not mail to it: attention, not broken.
    assert rep["assessment"]["dimensions"]["reputation"]["status"] == "error"
    assert rep["assessment"]["headline"]["kind"] == "listed"
    assert rep["verdict"] == "needs_attention" and run.returncode == 1
    assert run.seconds < 15, f"the blocklist deadline did not hold: {run.seconds:.1f} s"


def test_domain_blocklist(runs):
    rep = runs.check("listed.test", AP, blocklists=LISTS).report
    dbl = by_zone(record(rep, "mx.listed.test")["domain_blocklists"])["dbl.dnsbl.test"]
    assert dbl["status"] == "listed" and dbl["codes"] == ["127.0.1.2"], dbl
    zen = by_zone(address(rep, "mx.listed.test", "198.51.100.146")["blocklists"])["zen.dnsbl.test"]
    assert zen["status"] == "not_listed" and zen["codes"] == [] and zen["reason"] is None
    assert severity_of_code(rep, "dnsbl.domain_listed") == {"error"}
    assert rep["assessment"]["dimensions"]["reputation"]["status"] == "error"
    assert rep["verdict"] == "needs_attention"


def severity_of_code(rep, code):
    return {f["severity"] for f in findings(rep, code=code)}


def test_blocklists_none_and_bad_choices(mx):
    rep = mx.check("bl.test", AP, blocklists="none").report
    assert all(a["blocklists"] == [] for r in rep["mx_records"] for a in r["addresses"])
    assert "dnsbl.listed" not in codes(rep)
    bad = mx.check("bl.test", AP, blocklists="not a zone", json_out=False)
    assert bad.returncode == 3 and "--blocklists" in bad.stderr, bad.describe()


# ---- DANE ----------------------------------------------------------------------------------

def test_dane_mismatch_is_an_error(runs):
    rep = check(runs, "danebad.test").report
    dane = record(rep, "mx.danebad.test")["dane"]
    assert dane["status"] == "mismatch" and dane["dnssec"] == "secure" and dane["matched"] is None, dane
    assert severity_of_code(rep, "dane.mismatch") == {"error"}
    assert rep["verdict"] == "broken"


def test_dane_pkix_usages_are_unusable(runs):
    rep = check(runs, "pkix.test").report
    dane = record(rep, "mx.pkix.test")["dane"]
    assert dane["status"] == "unusable", dane
    assert [t["usage"] for t in dane["tlsa"]] == [1] and dane["tlsa"][0]["usable"] is False
    assert severity_of_code(rep, "dane.unusable") == {"warning"}


def test_dane_without_dnssec_is_ignored(runs):
    rep = runs.check("dane.insecure.test", AP).report  # in the unsigned child zone
    dane = record(rep, "mx.dane.insecure.test")["dane"]
    assert dane["status"] == "insecure" and dane["dnssec"] == "insecure", dane
    assert severity_of_code(rep, "dane.insecure") == {"warning"}


# ---- MTA-STS -------------------------------------------------------------------------------

@pytest.mark.parametrize("domain, status, code, severity", [
    # A policy that cannot be fetched or used costs the protection, not mail (RFC 8461 §5):
    # a warning. A policy in force that refuses the MX host costs MTA-STS senders the mail.
    ("stsbad.test", "invalid", "mta_sts.invalid", "warning"),
    ("stswrongcert.test", "bad_certificate", "mta_sts.bad_certificate", "warning"),
    ("stsnopolicy.test", "unreachable", "mta_sts.unreachable", "warning"),
    ("stsnotxt.test", "policy_only", "mta_sts.policy_without_txt", "warning"),
    ("stsuncovered.test", "mx_not_covered", "mta_sts.mx_not_covered", "error"),
    ("sts404.test", "txt_only", "mta_sts.txt_without_policy", "warning"),
])
def test_mta_sts_failures(runs, domain, status, code, severity):
    rep = check(runs, domain).report
    assert rep["mta_sts"]["status"] == status, rep["mta_sts"]
    assert severity_of_code(rep, code) == {severity}, rep["findings"]
    assert rep["verdict"] == ("broken" if severity == "error" else "needs_attention")


def test_mta_sts_testing_mode(runs):
    rep = check(runs, "ststesting.test").report
    assert rep["mta_sts"]["status"] == "ok" and rep["mta_sts"]["policy"]["mode"] == "testing"
    assert severity_of_code(rep, "mta_sts.testing") == {"info"}
    assert rep["verdict"] == "healthy"


def test_mta_sts_enforce_needs_valid_mx_certificates(runs):
    """stsmxcert.test enforces a good policy, but its MX presents a certificate for another
    name: senders that enforce MTA-STS will not deliver to it."""
    rep = check(runs, "stsmxcert.test").report
    sts = rep["mta_sts"]
    assert sts["policy"]["mode"] == "enforce", sts
    assert [(c["host"], c["covered"], c["certificate_ok"]) for c in sts["mx_coverage"]] == \
        [("mx.wrongname.bad.test", True, False)], sts["mx_coverage"]
    assert severity_of_code(rep, "mta_sts.cert_invalid") == {"error"}
    assert rep["verdict"] == "broken"


def test_mta_sts_mode_none(runs):
    rep = check(runs, "stsnone.test").report
    assert rep["mta_sts"]["policy"]["mode"] == "none", rep["mta_sts"]
    assert severity_of_code(rep, "mta_sts.none_mode") == {"info"}


def test_mta_sts_policy_needs_a_trusted_certificate(mx):
    """Without the world's CA, the policy host's certificate is untrusted, as a sender sees it."""
    rep = mx.check("smtp.test", AP).report
    assert rep["mta_sts"]["status"] == "bad_certificate", rep["mta_sts"]


def test_mta_sts_policy_host_at_a_non_public_address_is_not_contacted(mx):
    """Without --allow-private, the world's policy host (a documentation address) is never
    contacted, like the MX hosts: its server's log shows no request."""
    log = mx.world.state / "mtasts.log"
    before = log.read_text() if log.exists() else ""
    rep = mx.check("smtp.test", "--ca-file", str(mx.world.ca_file)).report
    assert rep["mta_sts"]["status"] == "unreachable", rep["mta_sts"]
    assert "non-public" in rep["mta_sts"]["policy"]["error"]
    after = log.read_text() if log.exists() else ""
    assert after == before, "the policy host was contacted without --allow-private"


# ---- SPF, DMARC and TLS-RPT ---------------------------------------------------------------

@pytest.mark.parametrize("domain, spf, all_, problems", [
    ("spfplus.test", "ok", "+all", {"spf.pass_all": "error", "dmarc.policy_none": "warning"}),
    ("spfmulti.test", "multiple", None, {"spf.multiple": "error"}),
    ("spfnone.test", "none", None, {"spf.none": "warning", "dmarc.none": "warning"}),
    ("spfsoft.test", "ok", "~all", {}),
])
def test_spf_and_dmarc(runs, domain, spf, all_, problems):
    rep = check(runs, domain).report
    assert rep["spf"]["status"] == spf and rep["spf"]["all"] == all_, rep["spf"]
    got = {f["code"]: f["severity"] for f in rep["findings"]
           if f["code"].split(".")[0] in ("spf", "dmarc") and f["severity"] != "info"}
    assert got == problems, rep["findings"]


def test_tls_rpt_invalid(runs):
    rep = check(runs, "stsbad.test").report
    assert rep["tls_rpt"]["status"] == "invalid", rep["tls_rpt"]
    assert severity_of_code(rep, "tls_rpt.invalid") == {"warning"}


def test_nonexistent_domain_has_no_policy_noise(mx):
    rep = mx.check("nosuch.test", AP).report
    assert rep["spf"] is None and rep["dmarc"] is None and rep["mta_sts"] is None
    assert_problems(rep, ["domain.nxdomain"])


def test_blocklist_config_file(mx, tmp_path):
    config = tmp_path / "blocklists.conf"
    config.write_text("# the world's stand-in for Spamhaus ZEN\nzen.dnsbl.test\n\n")
    rep = mx.check("bl.test", AP, "--blocklist-config", str(config), blocklists=None).report
    zones = {r["zone"] for r in address(rep, "mx1.bl.test", "198.51.100.141")["blocklists"]}
    assert zones == {"zen.dnsbl.test"}
    assert severity_of_code(rep, "dnsbl.listed") == {"error"}
    missing = mx.check("bl.test", AP, "--blocklist-config", str(tmp_path / "nope"), blocklists=None,
                       json_out=False)
    assert missing.returncode == 3 and "nope" in missing.stderr, missing.describe()

"""The sender model, the assessment and the headline, one world domain per rule
(docs/report.md, "senders" and "assessment"; tests/world/README.md, "The senders world").

Each case asserts all four senders' outcomes, the six dimension statuses, the headline kind and
the verdict exactly. The DANE outcomes are also checked against Postfix's posttls-finger in
test_dane_reference.py; the text output, the popup and the report page are checked to tell the
same story here and in tests/e2e.
"""
from __future__ import annotations

import re

import pytest

import mxh

AP = "--allow-private"

D = "delivered_verified"
E = "delivered_encrypted"
U = "delivered_unencrypted"
DEF = "deferred"
B = "bounced"
UNK = "unknown"


def args(mx, *extra):
    return (AP, "--ca-file", str(mx.world.ca_file), "--ports", "25", "--connect-timeout", "2", *extra)


# domain -> (verdict, headline kind, {dimension: status}, (opportunistic, dnssec_validating, dane, mta_sts))
# Statuses in the order delivery, encryption, authentication, sender_policies, reputation, dns_integrity.
CASES = {
    # Everything right: DANE-EE and an enforced MTA-STS policy both verify.
    "smtp.test": ("healthy", "healthy", "ok ok ok ok ok ok", (E, E, D, D)),
    # DANE-EE matching the key of a server whose certificate expired: DANE senders check the key
    # only (RFC 7672 §3.1.1), so they deliver verified; nothing else checks: a warning.
    "daneexpired.test": ("needs_attention", "authentication_weak", "ok ok warning ok ok ok", (E, E, D, E)),
    # DANE-EE with a certificate for another name: the same.
    "danewrongname.test": ("needs_attention", "authentication_weak", "ok ok warning ok ok ok", (E, E, D, E)),
    # DANE-TA with a certificate for another name: DANE-TA checks the name, DANE senders defer.
    "danetawrongname.test": ("broken", "verifying_senders_defer", "ok ok error ok ok ok", (E, E, DEF, E)),
    "danetagood.test": ("healthy", "healthy", "ok ok ok ok ok ok", (E, E, D, E)),
    # The TLSA record matches over IPv4 only: DANE senders retry over IPv4 and deliver verified.
    "danehalf.test": ("needs_attention", "authentication_weak", "ok ok warning ok warning ok", (E, E, D, E)),
    # A TLSA record of another key: DANE senders defer.
    "danebad.test": ("broken", "verifying_senders_defer", "ok ok error ok warning ok", (E, E, DEF, E)),
    # Expired signatures on the MX RRset: validating senders get SERVFAIL; the others deliver.
    "sigexpired.test": ("broken", "dnssec_bogus", "ok ok ok unknown ok error", (E, DEF, DEF, E)),
    # MTA-STS enforce and an expired MX certificate: MTA-STS senders refuse it.
    "stsexpired.test": ("broken", "verifying_senders_defer", "ok ok error ok ok ok", (E, E, E, DEF)),
    # The same in testing mode: senders report and deliver.
    "ststestingexpired.test": ("needs_attention", "authentication_weak", "ok ok warning ok ok ok", (E, E, E, E)),
    # An expired certificate and no policy at all: nobody refuses it.
    "expired.bad.test": ("needs_attention", "authentication_weak", "ok ok warning ok ok ok", (E, E, E, E)),
    # A policy that cannot be fetched: MTA-STS senders deliver as if there were none (RFC 8461 §5).
    "stsnopolicy.test": ("needs_attention", "authentication_weak", "ok ok warning ok ok ok", (E, E, D, E)),
    # A policy in force that does not list the MX: MTA-STS senders pass it over and defer.
    "stsuncovered.test": ("broken", "verifying_senders_defer", "ok ok error ok ok ok", (E, E, D, DEF)),
    # A dead primary with a working backup: mail arrives through the backup.
    "deadprimary.test": ("needs_attention", "delivery_degraded", "warning ok ok ok ok ok", (E, E, D, E)),
    # No STARTTLS: everybody delivers in plaintext (no policy asks for more).
    "nostarttls.bad.test": ("broken", "unencrypted", "ok error not_applicable ok ok ok", (U, U, U, U)),
    # A 554 greeting on the only MX: no one can deliver.
    "greet554.bad.test": ("broken", "undeliverable", "error not_applicable not_applicable ok ok ok",
                          (DEF, DEF, DEF, DEF)),
    # Rate-limited: inconclusive, never broken.
    "greet421.bad.test": ("needs_attention", "delivery_inconclusive", "unknown unknown unknown ok ok ok",
                          (UNK, UNK, UNK, UNK)),
    # Null MX: the domain declares it takes no mail.
    "nullmx.test": ("needs_attention", "no_mail_accepted", "warning not_applicable not_applicable ok "
                    "not_applicable ok", (B, B, B, B)),
    # A domain that does not exist.
    "nosuch.test": ("broken", "undeliverable", "error not_applicable not_applicable unknown unknown ok",
                    (B, B, B, B)),
    # Receiving works; no SPF or DMARC for mail sent in the domain's name.
    "spfnone.test": ("needs_attention", "sender_policies", "ok ok ok warning ok ok", (E, E, D, E)),
}


@pytest.fixture(scope="module")
def runs(mx):
    mx.prefetch([((domain, *args(mx)), {"no_smtp": False}) for domain in CASES])
    return mx


@pytest.mark.parametrize("domain", list(CASES))
def test_sender_rule(runs, domain):
    verdict, kind, statuses, outcomes = CASES[domain]
    run = runs.check(domain, *args(runs), no_smtp=False)
    rep = run.report
    expected_statuses = dict(zip(mxh.DIMENSIONS, statuses.split()))
    expected_outcomes = dict(zip(mxh.SENDER_KINDS, outcomes))
    got = (rep["verdict"], rep["assessment"]["headline"]["kind"], mxh.statuses(rep), mxh.outcomes(rep))
    assert got == (verdict, kind, expected_statuses, expected_outcomes), (
        f"{domain}: headline {rep['assessment']['headline']['text']!r}\n"
        f"senders: {rep['senders']}\nfindings: {[(f['code'], f['severity']) for f in rep['findings']]}")
    assert run.returncode == mxh.EXIT_FOR_VERDICT[verdict]


def test_via_names_the_host_that_takes_the_mail(runs):
    rep = runs.check("deadprimary.test", *args(runs), no_smtp=False).report
    assert {k: v["via"] for k, v in rep["senders"].items()} == {k: "mx1.smtp.test" for k in mxh.SENDER_KINDS}
    text = rep["assessment"]["headline"]["text"]
    assert "mx.blackhole.bad.test does not answer" in text and "backup mx1.smtp.test accepts" in text, text
    assert rep["senders"]["opportunistic"]["reason"].startswith("Most mail servers deliver to mx1.smtp.test")


def test_expired_certificate_severity_follows_who_refuses_it(runs):
    """tls.cert_expired is an error only where a sender refuses the certificate."""
    for domain, severity in (("expired.bad.test", "warning"), ("ststestingexpired.test", "warning"),
                             ("daneexpired.test", "warning"), ("stsexpired.test", "error")):
        rep = runs.check(domain, *args(runs), no_smtp=False).report
        assert {f["severity"] for f in mxh.findings(rep, code="tls.cert_expired")} == {severity}, domain
    rep = runs.check("stsexpired.test", *args(runs), no_smtp=False).report
    text = rep["assessment"]["headline"]["text"]
    assert "MTA-STS" in text and "expired on" in text and "will not deliver" in text, text


def test_one_dnssec_bogus_finding_per_zone(runs):
    rep = runs.check("sigexpired.test", *args(runs), no_smtp=False).report
    assert len(mxh.findings(rep, code="dnssec.bogus")) == 1, rep["findings"]
    text = rep["assessment"]["headline"]["text"]
    assert "validate DNSSEC cannot find the mail servers" in text and "no one" not in text.lower(), text


def test_bogus_answers_are_looked_up_again_without_validation(runs):
    """The MX of sigexpired.test fails validation; non-validating senders still see mx1.smtp.test,
    so it is probed and reported, and the DNSSEC state stays bogus."""
    rep = runs.check("sigexpired.test", *args(runs), no_smtp=False).report
    assert [r["host"] for r in rep["mx_records"]] == ["mx1.smtp.test"]
    assert mxh.record(rep, "mx1.smtp.test")["smtp_probes"][0]["status"] == "ok"
    assert [e["status"] for e in rep["dnssec"] if e["name"] == "sigexpired.test" and e["type"] == "MX"] == ["bogus"]


def test_a_resolver_that_fails_validation_is_no_verdict_about_the_domain(mx):
    """Through a trust anchor that the world's keys fail, NXDOMAIN is not "does not exist":
    could not check, and the reason says why."""
    wrong = str(mx.world.state / "wrong.ta")
    run = mx.check("nosuch.test", AP, "--trust-anchor", wrong, trust_anchor=False)
    rep = run.report
    assert rep["verdict"] == "could_not_check" and run.returncode == 3, run.describe()
    assert rep["error"]["code"] == "dns.untrusted"
    assert "fail DNSSEC validation" in rep["assessment"]["headline"]["text"]
    assert "does not exist" not in rep["assessment"]["headline"]["text"].split(":")[0]
    # A positive answer is still used, unvalidated, and says DNSSEC could not be checked.
    rep = mx.check("smtp.test", AP, "--trust-anchor", wrong, trust_anchor=False).report
    assert rep["assessment"]["dimensions"]["dns_integrity"]["status"] == "unknown"
    assert "failed validation through this resolver" in rep["resolver"]["note"]


def test_the_text_output_tells_the_same_story(runs):
    """The CLI's text puts the verdict, the same headline and the same statuses first."""
    for domain in ("smtp.test", "deadprimary.test", "stsexpired.test", "nullmx.test", "greet421.bad.test"):
        rep = runs.check(domain, *args(runs), no_smtp=False).report
        run = runs.check(domain, *args(runs), no_smtp=False, json_out=False)
        lines = run.stdout.splitlines()
        assert lines[1].strip() == rep["assessment"]["headline"]["text"], run.stdout
        for label, dimension in zip(("Delivery", "Encryption", "Authentication", "Sender policies", "Reputation",
                                     "DNS integrity"), mxh.DIMENSIONS):
            status = rep["assessment"]["dimensions"][dimension]["status"].replace("not_applicable", "n/a")
            assert [ln for ln in lines if re.match(rf"^  {label}\s+{status}\s", ln)], (dimension, run.stdout)
        # notes fold: no [note] line without --verbose
        assert not [ln for ln in lines if "[note]" in ln], run.stdout

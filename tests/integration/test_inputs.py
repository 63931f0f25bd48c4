"""What mxhealth accepts as TARGET, and how it rejects bad input (exit 3, one
line "mxhealth: <message>" on stderr, nothing on stdout)."""

from __future__ import annotations

import re

import pytest

from mxh import mx_summary

AP = "--allow-private"


@pytest.mark.parametrize("target", [
    "postmaster@healthy.test",
    "https://healthy.test/x",
    "Healthy.TEST.",
    "HEALTHY.test",
])
def test_target_forms(mx, target):
    run = mx.check(target, AP)
    rep = run.report
    assert run.returncode == 0, run.describe()
    assert rep["verdict"] == "healthy"
    assert rep["input"] == target
    assert rep["domain"] == "healthy.test"
    assert rep["domain_unicode"] == "healthy.test"
    assert mx_summary(rep) == [(10, "mx1.healthy.test"), (20, "mx2.healthy.test")]


LONG_NAME = "x" + ".".join(["a" * 59] * 5)
assert len(LONG_NAME) == 300

BAD_INPUTS = {
    "empty": "",
    "300-chars": LONG_NAME,
    "space": "exa mple.com",
    "empty-label": "a..b",
    "email-without-domain": "user@",
    # a control character anywhere (issue 12 item 5): never read as some other domain
    "crlf-smtp": "ok.example\r\nRCPT TO:<x@healthy.test>",
    "trailing-crlf": "healthy.test\r\n",
    "esc": "\x1b[2Jhealthy.test",
    "display-name-crlf": "Jane\r\n<jane@healthy.test>",
}
CONTROL = {"crlf-smtp", "trailing-crlf", "esc", "display-name-crlf"}


@pytest.mark.parametrize("json_flag", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("target", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input(mx, world, target, json_flag):
    args = ["check", target]
    if json_flag:
        args.append("--json")
    args += ["--no-smtp", "--resolver", "127.0.0.1", "--trust-anchor", str(world.trust_anchor)]
    run = mx.raw(*args)
    assert run.returncode >= 0, f"crashed\n{run.describe()}"
    assert run.returncode == 3, run.describe()
    assert run.stdout == "", f"stdout must be empty\n{run.describe()}"
    lines = run.stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr\n{run.describe()}"
    assert lines[0].startswith("mxhealth: "), run.describe()
    assert len(lines[0]) > len("mxhealth: "), "empty message"
    assert run.stderr.endswith("\n"), "stderr line not terminated"
    if target in (BAD_INPUTS[name] for name in CONTROL):
        assert "control character" in lines[0] and "\x1b" not in lines[0] and "\r" not in lines[0], lines[0]


def test_version(mx):
    run = mx.raw("--version")
    assert run.returncode == 0, run.describe()
    rep = mx.report("single.test", AP)
    assert rep["version"] in run.stdout, run.describe()
    assert re.search(r"\d+\.\d+\.\d+", run.stdout)


def test_help(mx):
    run = mx.raw("--help")
    assert run.returncode == 0, run.describe()
    assert "check" in run.stdout + run.stderr, run.describe()

"""pytest fixtures for the mxhealth integration tests.

Environment (CTest sets these):
  MXHEALTH_BIN       absolute path of the built mxhealth binary
  MXH_WORLD_STATE    state directory of a running test world (tests/world/world.sh up DIR)
  MXH_REPORT_SCHEMA  path of docs/report.schema.json
  MXH_NETNS          network namespace of the world (default: from DIR/env, else "mxhw")
  MXH_PROTOCOL_SCHEMA_DIR  directory of the native messaging schemas (message.schema.json,
                     request.schema.json); default docs/protocol of this checkout. Their
                     references to ../report.schema.json resolve to the report schema next to
                     that directory.

For a manual run without MXH_WORLD_STATE the session brings a world up in a
temporary directory itself and takes it down at the end; MXHEALTH_BIN then
defaults to build/native-host/mxhealth and MXH_REPORT_SCHEMA to
docs/report.schema.json of this checkout.

Every run of the binary happens inside the world's network namespace (only a
loopback interface), so no query can reach a real network.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import mxh  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
WORLD_SH = REPO / "tests" / "world" / "world.sh"


def _read_env_file(path: pathlib.Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


class World:
    def __init__(self, state: pathlib.Path, netns: str, trust_anchor: pathlib.Path,
                 ca_file: pathlib.Path | None = None):
        self.state = state
        self.netns = netns
        self.trust_anchor = trust_anchor
        # the SMTP world's test CA (tests/world/world.sh writes STATE/ca.pem)
        self.ca_file = ca_file or state / "ca.pem"


@pytest.fixture(scope="session")
def world():
    if os.geteuid() != 0:
        pytest.fail("the integration tests need root (ip netns exec)")
    state_env = os.environ.get("MXH_WORLD_STATE")
    own = not state_env
    if own:
        state = pathlib.Path(tempfile.mkdtemp(prefix="mxh-world-"))
        proc = subprocess.run([str(WORLD_SH), "up", str(state)], capture_output=True,
                              text=True, timeout=120)
        if proc.returncode != 0:
            pytest.fail(f"world.sh up failed:\n{proc.stderr}")
    else:
        state = pathlib.Path(state_env)
    try:
        env_file = _read_env_file(state / "env")
        netns = os.environ.get("MXH_NETNS") or env_file.get("MXH_NETNS") or "mxhw"
        ta = pathlib.Path(env_file.get("MXH_TRUST_ANCHOR") or state / "test.ta")
        if not ta.is_file():
            pytest.fail(f"trust anchor {ta} missing: is the world in {state} up?")
        probe = subprocess.run(
            ["ip", "netns", "exec", netns, "dig", "+short", "+time=2", "+tries=1",
             "@127.0.0.1", "SOA", "test."],
            capture_output=True, text=True, timeout=30)
        if "ns.test." not in probe.stdout:
            pytest.fail(f"the test world (namespace {netns}, state {state}) does not answer: "
                        f"{probe.stdout!r} {probe.stderr!r}")
        ca = pathlib.Path(env_file.get("MXH_CA_FILE") or state / "ca.pem")
        yield World(state, netns, ta, ca)
    finally:
        if own:
            proc = subprocess.run([str(WORLD_SH), "down", str(state)], capture_output=True,
                                  text=True, timeout=120)
            if proc.returncode == 0:
                shutil.rmtree(state, ignore_errors=True)
            else:
                print(f"world.sh down failed:\n{proc.stderr}", file=sys.stderr)


@pytest.fixture(scope="session")
def binary() -> str:
    path = os.environ.get("MXHEALTH_BIN") or str(REPO / "build" / "native-host" / "mxhealth")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"mxhealth binary not found or not executable: {path} (set MXHEALTH_BIN)")
    return os.path.abspath(path)


_RFC3339_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _is_rfc3339(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339_RE.match(value):
        return False
    text = value.replace("z", "Z").replace("t", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    datetime.datetime.fromisoformat(text)  # raises ValueError when impossible
    return True


def _format_checker():
    import jsonschema
    from jsonschema import Draft202012Validator

    base = getattr(Draft202012Validator, "FORMAT_CHECKER", None)
    checker = jsonschema.FormatChecker()
    if base is not None:
        checker.checkers = dict(base.checkers)
    if "date-time" not in checker.checkers:
        # jsonschema only checks date-time when rfc3339-validator is installed
        checker.checks("date-time", raises=ValueError)(_is_rfc3339)
    return checker


@pytest.fixture(scope="session")
def validator():
    from jsonschema import Draft202012Validator

    path = pathlib.Path(os.environ.get("MXH_REPORT_SCHEMA") or REPO / "docs" / "report.schema.json")
    if not path.is_file():
        pytest.fail(f"report schema not found: {path} (set MXH_REPORT_SCHEMA)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_format_checker())


def _protocol_validator(name: str):
    """A validator for docs/protocol/NAME whose references to ../report.schema.json
    resolve to the report schema file, offline.

    The schema is loaded with its file URI as base URI, and the report schema is put
    into the resolver's store under its file URI *and* its $id: jsonschema 4.10
    switches the resolution scope to a document's $id when it enters it, so the
    report's own "#/$defs/..." references are looked up under that $id (without the
    store entry it would try to download https://mxhealth.org/schema/report-1.json)."""
    from jsonschema import Draft202012Validator, RefResolver

    folder = pathlib.Path(os.environ.get("MXH_PROTOCOL_SCHEMA_DIR")
                          or REPO / "docs" / "protocol").resolve()
    path = folder / name
    report_path = (folder.parent / "report.schema.json").resolve()
    for p in (path, report_path):
        if not p.is_file():
            pytest.fail(f"schema not found: {p} (set MXH_PROTOCOL_SCHEMA_DIR)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    store = {report_path.as_uri(): report}
    if report.get("$id"):
        store[report["$id"]] = report
    resolver = RefResolver(base_uri=path.as_uri(), referrer=schema, store=store)
    return Draft202012Validator(schema, resolver=resolver, format_checker=_format_checker())


@pytest.fixture(scope="session")
def message_validator():
    """Validates any message of the native messaging host (docs/protocol/message.schema.json)."""
    return _protocol_validator("message.schema.json")


@pytest.fixture(scope="session")
def request_validator():
    """Validates any native messaging request (docs/protocol/request.schema.json)."""
    return _protocol_validator("request.schema.json")


class Mxhealth:
    """Runs `mxhealth check` inside the world; results are cached per argument list."""

    def __init__(self, binary: str, world: World, validator):
        self.binary = binary
        self.world = world
        self.validator = validator
        self._cache: dict[tuple, mxh.Run] = {}
        self.env = dict(os.environ)
        self.env["LC_ALL"] = "C.UTF-8"
        # `check` without --compare never touches the history; should it, it is not the
        # real home's (tests/integration/test_history.py tests the history)
        self.env["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="mxh-xdg-")
        self.env.pop("MXHEALTH_DNS_DEBUG", None)

    def argv(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.world.netns, self.binary, *args]

    def raw(self, *args: str, timeout: float = mxh.SUBPROCESS_TIMEOUT) -> mxh.Run:
        """Run the binary (inside the namespace) with exactly these arguments."""
        key = ("raw",) + args
        if key not in self._cache:
            result = mxh.run(self.argv(*args), timeout=timeout, env=self.env)
            assert result.returncode >= 0, \
                f"mxhealth died from signal {-result.returncode}\n{result.describe()}"
            self._cache[key] = result
        return self._cache[key]

    def check(self, target: str, *extra: str, resolver: str | None = "127.0.0.1",
              trust_anchor: bool = True, json_out: bool = True, no_smtp: bool = True,
              blocklists: str | None = "none",
              timeout: float = mxh.SUBPROCESS_TIMEOUT) -> mxh.Run:
        """`mxhealth check TARGET [--json] [--no-smtp] [--resolver R] [--trust-anchor TA] EXTRA...`

        With --json, the report is parsed, validated against the schema and the
        contract's general rules, and stored in `.report`."""
        args = ["check", target]
        if json_out:
            args.append("--json")
        if no_smtp:
            args.append("--no-smtp")
        if resolver is not None:
            args += ["--resolver", resolver]
        if trust_anchor:
            args += ["--trust-anchor", str(self.world.trust_anchor)]
        # The world's DNS refuses the real blocklists' zones: each would be an "unknown" note.
        # Blocklist tests name the world's own lists.
        if blocklists is not None:
            args += ["--blocklists", blocklists]
        args += list(extra)
        key = ("check",) + tuple(args)
        if key in self._cache:
            return self._cache[key]
        result = mxh.run(self.argv(*args), timeout=timeout, env=self.env)
        assert result.returncode >= 0, \
            f"mxhealth died from signal {-result.returncode}\n{result.describe()}"
        if json_out and result.stdout.strip():
            try:
                result.report = json.loads(result.stdout)
            except json.JSONDecodeError as exc:
                raise AssertionError(f"stdout is not one JSON document: {exc}\n{result.describe()}")
            errors = sorted(self.validator.iter_errors(result.report), key=lambda e: list(e.path))
            assert not errors, "report does not match the schema:\n" + "\n".join(
                f"  at /{'/'.join(str(p) for p in e.path)}: {e.message[:300]}" for e in errors[:20]
            ) + f"\n{result.describe()}"
            try:
                mxh.check_invariants(result.report, result.returncode, target,
                                     smtp_disabled=no_smtp)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{result.describe()}") from None
        self._cache[key] = result
        return result

    def prefetch(self, calls: list[tuple[tuple, dict]], workers: int = 6) -> None:
        """Run several check() calls at the same time (each is cached, so the
        tests that make the same call later get the result at once). Errors are
        ignored here: the test that makes the call runs it again and reports."""
        import concurrent.futures

        def one(call):
            args, kwargs = call
            try:
                self.check(*args, **kwargs)
            except Exception:  # noqa: BLE001 -- the test itself will report it
                pass

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, calls))

    def report(self, target: str, *extra: str, **kwargs) -> dict:
        """Like check(), but insists on a JSON report and returns it."""
        result = self.check(target, *extra, **kwargs)
        assert result.report is not None, f"no JSON report on stdout\n{result.describe()}"
        return result.report


@pytest.fixture(scope="session")
def mx(binary, world, validator) -> Mxhealth:
    runner = Mxhealth(binary, world, validator)
    yield runner
    shutil.rmtree(runner.env["XDG_DATA_HOME"], ignore_errors=True)


@pytest.fixture
def world_options(world):
    """Check options for the test world in native messaging requests (the CLI tests' --resolver,
    --trust-anchor, --allow-private and --ca-file)."""
    return {"resolver": ["127.0.0.1"], "trust_anchor": str(world.trust_anchor),
            "allow_private": True, "ca_file": str(world.ca_file), "blocklists": []}

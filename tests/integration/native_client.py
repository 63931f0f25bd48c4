"""A browser's side of native messaging, for the tests of the `mxhealth` host (docs/protocol.md).

test_native_host.py (the contract), test_hostile_native.py (hostile input) and
test_history.py (the cache and the history) talk to the real binary through NativeHost: it
starts the host inside the test world's network namespace as a browser does, writes frames
to its stdin (a 4-byte length in native byte order, then UTF-8 JSON) and parses the whole of
its stdout as frames on a reader thread. Every message is validated against
docs/protocol/message.schema.json, so a stray byte on stdout, an over-long message or a
message outside the schema fails the test that caused it; every wait has a deadline, so a
hang fails too. Under GNU time the host's own peak RSS is known once it has exited.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import signal
import struct
import subprocess
import tempfile
import threading
import time

import mxh

MAX_IN = 1024 * 1024          # docs/protocol.md, Limits: the largest frame the host reads ...
MAX_OUT = 1_000_000           # ... and the largest message it sends
ANSWER_TIMEOUT = 10.0         # any answer that is not a check's result
CHECK_TIMEOUT = 30.0          # a check of the world (the slowest the tests run takes ~1 s)
EXIT_TIMEOUT = 5.0            # exit after a framing error or the end of input

GNU_TIME = "/usr/bin/time"    # the peak RSS of exactly the host (see NativeHost.__init__)

# The types of the last message of a request: not progress, not result_part.
FINAL_TYPES = {"hello", "result", "error", "cancelled", "cancel", "registrable_domain", "history",
               "clear_history", "validate_options"}
# The types that end a check's stream.
CHECK_END_TYPES = ("result", "error", "cancelled")


def frame(body: bytes) -> bytes:
    return struct.pack("=I", len(body)) + body


def encode(message) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def id_key(value):
    """JSON ids compare by type and value: 1, "1" and true are different ids."""
    return type(value).__name__, value


# message.schema.json's definition of each message type (progress: by stage)
_DEFINITION_OF_TYPE = {"hello": "Hello", "result": "Result", "result_part": "ResultPart", "error": "Error",
                       "cancelled": "Cancelled", "cancel": "Cancel", "registrable_domain": "RegistrableDomain",
                       "history": "History", "clear_history": "ClearHistory",
                       "validate_options": "ValidateOptions"}
_DEFINITION_OF_STAGE = {"dns": "ProgressDns", "probe": "ProgressProbe", "side": "ProgressSide"}


def schema_errors(validator, message) -> list[str]:
    """What is wrong with a message by message.schema.json, in words; [] when nothing."""
    errors = list(validator.iter_errors(message))
    if not errors:
        return []
    # The top level is a oneOf over the message kinds, whose error says little: validate
    # against the kind the message claims to be, to say what is wrong with it.
    kind = None
    if isinstance(message, dict):
        kind = _DEFINITION_OF_STAGE.get(message.get("stage")) if message.get("type") == "progress" \
            else _DEFINITION_OF_TYPE.get(message.get("type"))
    if kind:
        detailed = list(validator.evolve(schema={"$ref": f"#/$defs/{kind}"}).iter_errors(message))
        if detailed:
            errors = detailed
    return [f"at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}"
            for e in errors[:10]]


class NativeHost:
    """One host process, started as a browser starts it, and everything it wrote."""

    def __init__(self, binary: str, args: list[str], netns: str, env: dict, validator,
                 rss_limit_kb: int | None = None):
        self.validator = validator
        self.rss_limit_kb = rss_limit_kb   # finish() checks the peak RSS against it, if any
        # GNU time forks the host from its own small image. Without it the peak RSS is our
        # child's from wait4, which on Linux starts at this Python process's own high-water
        # mark (kept across fork and exec): an upper bound only.
        self.timed = os.access(GNU_TIME, os.X_OK)
        self.rss_file = tempfile.NamedTemporaryFile(prefix="mxh-rss-", suffix=".txt")
        self.argv = ["ip", "netns", "exec", netns] + \
            ([GNU_TIME, "-f", "%M", "-o", self.rss_file.name] if self.timed else []) + [binary, *args]
        self.stderr_file = tempfile.TemporaryFile()
        # A session of its own: the host is a child of time, so stop() ends the whole group
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr_file, env=env, bufsize=0, start_new_session=True)
        self.cond = threading.Condition()   # reentrant: describe() may run while it is held
        self.messages: list[dict] = []      # every message, in order of arrival
        self.arrival: list[float] = []      # monotonic time of each message
        self.problems: list[str] = []       # stdout that is not a frame of a valid message
        # Validating a hello takes longer than the host takes to send it: a flood measures
        # the host, so its messages are validated at the end (finish) instead of on arrival.
        self.defer_validation = False
        self.unvalidated: list[dict] = []
        self.raw = bytearray()              # all of stdout
        self.consumed = 0                   # bytes of stdout parsed as complete frames
        self.eof = False
        self.stdin_closed_at: float | None = None
        self.returncode: int | None = None  # -N: killed by signal N
        self.max_rss_kb: int | None = None
        self._last_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # ---- stdout ----------------------------------------------------------------------

    def _read(self) -> None:
        fd = self.proc.stdout.fileno()
        broken = False
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError as exc:
                with self.cond:
                    self.problems.append(f"reading stdout: {exc}")
                break
            if not chunk:
                break
            with self.cond:
                self.raw += chunk
                while not broken and len(self.raw) - self.consumed >= 4:
                    start = self.consumed
                    (length,) = struct.unpack("=I", self.raw[start:start + 4])
                    if length == 0 or length > MAX_OUT:
                        self.problems.append(
                            f"stdout byte {start}: frame length {length} (must be 1..{MAX_OUT}); "
                            f"bytes there: {bytes(self.raw[start:start + 64])!r}")
                        broken = True
                        break
                    if len(self.raw) - start - 4 < length:
                        break
                    body = bytes(self.raw[start + 4:start + 4 + length])
                    self.consumed = start + 4 + length
                    self._message(body, start)
                self.cond.notify_all()
        with self.cond:
            if self.consumed != len(self.raw) and not broken:
                self.problems.append(
                    f"stdout ends inside a frame: {len(self.raw) - self.consumed} bytes after the "
                    f"last complete frame: {bytes(self.raw[self.consumed:self.consumed + 64])!r}")
            self.eof = True
            self.cond.notify_all()

    def _message(self, body: bytes, offset: int) -> None:
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problems.append(f"stdout byte {offset}: frame is not UTF-8 JSON ({exc}): "
                                 f"{body[:200]!r}")
            return
        if self.defer_validation:
            self.unvalidated.append(message)
        else:
            self._validate(message)
        self.messages.append(message)
        self.arrival.append(time.monotonic())

    def _validate(self, message) -> None:
        errors = schema_errors(self.validator, message)
        if errors:
            self.problems.append("message does not match message.schema.json:\n    "
                                 + "\n    ".join(errors)
                                 + f"\n  message: {json.dumps(message)[:1500]}")

    def describe(self) -> str:
        with self.cond:
            last = [json.dumps(m)[:600] for m in self.messages[-30:]]
            problems = list(self.problems)
        self.stderr_file.seek(0)
        stderr = self.stderr_file.read().decode("utf-8", errors="replace")
        return (f"argv: {self.argv}\nexit: {self.returncode}  peak RSS: {self.max_rss_kb} KB\n"
                f"problems: {problems}\nstderr: {stderr[-3000:]!r}\n"
                f"last messages:\n  " + "\n  ".join(last))

    # ---- stdin -----------------------------------------------------------------------

    def try_write(self, data: bytes) -> bool:
        """False when the host no longer reads (it has exited, or stdin is closed)."""
        view = memoryview(data)
        try:
            while view:  # an unbuffered pipe may take part of it at a time
                view = view[self.proc.stdin.write(view) or 0:]
            return True
        except (BrokenPipeError, ValueError):
            return False

    def write(self, data: bytes) -> None:
        assert self.try_write(data), f"the host stopped reading its stdin\n{self.describe()}"

    def send_body(self, body: bytes) -> None:
        """One frame around any bytes, JSON or not."""
        self.write(frame(body))

    def send(self, message) -> None:
        self.send_body(encode(message))

    def request(self, type_: str, params=None, id_=None):
        """Sends a request (without params when they are None); returns its id, a fresh
        string id unless one is given."""
        if id_ is None:
            self._last_id += 1
            id_ = f"r{self._last_id}"
        message = {"id": id_, "type": type_}
        if params is not None:
            message["params"] = params
        self.send(message)
        return id_

    def close_stdin(self) -> None:
        if not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
            self.stdin_closed_at = time.monotonic()

    # ---- waiting ---------------------------------------------------------------------

    def wait_until(self, predicate, timeout: float, what: str):
        """Waits until predicate() (called with the lock held) returns something true."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if self.problems:
                    # fail at once, and with the real cause, rather than time out
                    raise AssertionError(f"bad output on stdout while waiting for {what}:\n"
                                         + "\n".join(self.problems) + "\n" + self.describe())
                value = predicate()
                if value:
                    return value
                if self.eof:
                    raise AssertionError(f"the host closed stdout while waiting for {what}\n"
                                         + self.describe())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout} s (the host hangs)\n"
                                         + self.describe())
                self.cond.wait(left)

    def next_message(self, index: int, timeout: float = ANSWER_TIMEOUT) -> dict:
        """The message number index + 1 (the first is index 0)."""
        self.wait_until(lambda: len(self.messages) > index, timeout, f"message number {index + 1}")
        with self.cond:
            return self.messages[index]

    def answer(self, id_, timeout: float = ANSWER_TIMEOUT, start: int = 0) -> dict:
        """The answer to the request with this id: its first message of a type that ends a
        request (FINAL_TYPES), from message number start + 1 on."""
        def found():
            hits = [m for m in self.messages[start:] if id_key(m.get("id")) == id_key(id_)
                    and m.get("type") in FINAL_TYPES]
            return hits[0] if hits else None
        return self.wait_until(found, timeout, f"the answer to {id_!r}")

    def call(self, type_: str, params=None, id_=None, timeout: float = ANSWER_TIMEOUT) -> dict:
        """Sends a request and returns its answer (an earlier request's answer with the
        same id does not count)."""
        start = len(self.messages)
        return self.answer(self.request(type_, params, id_), timeout, start)

    def stream(self, id_, timeout: float = CHECK_TIMEOUT) -> list[dict]:
        """Every message of a check up to its last one (result, error or cancelled)."""
        def done():
            msgs = [m for m in self.messages if id_key(m.get("id")) == id_key(id_)]
            if msgs and msgs[-1].get("type") in CHECK_END_TYPES:
                return msgs
            return None
        return self.wait_until(done, timeout, f"end of the stream of check {id_!r}")

    def wait_exit(self, timeout: float = EXIT_TIMEOUT) -> int:
        """Reaps the host (time, with the host's exit code) and reads its peak RSS."""
        if self.returncode is not None:
            return self.returncode
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"the host did not exit within {timeout} s\n{self.describe()}")
            time.sleep(0.01)
        self.returncode = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.returncode  # reaped here: Popen must not wait again
        self.max_rss_kb = usage.ru_maxrss
        if self.timed:
            lines = pathlib.Path(self.rss_file.name).read_text().splitlines()
            signalled = [line for line in lines if "terminated by signal" in line]
            if signalled:
                self.returncode = -int(signalled[0].split()[-1])
            if lines and lines[-1].strip().isdigit():
                self.max_rss_kb = int(lines[-1])
        self.reader.join(EXIT_TIMEOUT)
        return self.returncode

    def finish(self, expect_exit: int | None = 0, rss_limit_kb: int | None = None) -> int:
        """Ends the session (closes stdin) and checks the whole of it: no signal, stdout all
        frames, every message valid, the exit code (unless expect_exit is None) and the peak
        RSS (against rss_limit_kb, else the host's own limit, if any)."""
        self.close_stdin()
        code = self.wait_exit()
        for message in self.unvalidated:
            self._validate(message)
        assert code >= 0, f"the host died from signal {-code}\n{self.describe()}"
        assert not self.problems, "bad output on stdout:\n" + "\n".join(self.problems) + \
            "\n" + self.describe()
        assert self.eof and self.consumed == len(self.raw), f"stdout is not all frames\n{self.describe()}"
        if expect_exit is not None:
            assert code == expect_exit, f"exit code {code}, expected {expect_exit}\n{self.describe()}"
        limit = rss_limit_kb if rss_limit_kb is not None else self.rss_limit_kb
        if limit is not None:
            assert not mxh.MEMORY_BOUNDS_APPLY or self.max_rss_kb < limit, \
                f"peak RSS {self.max_rss_kb} KB (limit {limit} KB)\n{self.describe()}"
        return code

    def stop(self) -> None:
        """Whatever happened: nothing of this host is left running."""
        if self.returncode is None:
            self.close_stdin()
            try:
                self.wait_exit(EXIT_TIMEOUT)
            except AssertionError:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass  # it ended just now
                self.wait_exit(EXIT_TIMEOUT)
        self.rss_file.close()
        self.stderr_file.close()


def host_env(data_home: pathlib.Path) -> dict:
    """The environment of a host whose history goes to data_home, never to the real home."""
    env = dict(os.environ, LC_ALL="C.UTF-8", XDG_DATA_HOME=str(data_home))
    env.pop("MXHEALTH_DNS_DEBUG", None)
    return env


@contextlib.contextmanager
def hosts(binary: str, netns: str, validator, rss_limit_kb: int | None = None):
    """Yields start(env, *args), which starts `binary ARGS` in netns with that environment
    as a NativeHost; every host started is stopped at the end."""
    started: list[NativeHost] = []

    def start(env: dict, *args: str) -> NativeHost:
        started.append(NativeHost(binary, list(args), netns, env, validator, rss_limit_kb))
        return started[-1]

    try:
        yield start
    finally:
        for one in started:
            one.stop()

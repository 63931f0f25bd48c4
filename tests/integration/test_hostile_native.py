"""Hostile native messaging input against the `mxhealth` host (issue 12).

Every test starts the real binary as a browser does (argv[1] is a chrome-extension://
origin) inside the world's network namespace, under GNU time so that the peak RSS of the
host itself is known, and writes to its stdin what a broken or malicious extension could:
lengths of 0, 1, 2^31, 2^32 - 1 and 64 MiB, frames that stop early, 100,000 levels of
nesting, invalid UTF-8, every field of every request type with the wrong type
(docs/protocol/request.schema.json and the hello reply's option table say which), control
characters in every string, 2,000 hellos at once, requests after a cancel, unknown request
types and duplicate ids.

For each, what docs/protocol.md promises: an error message of the documented kind (with
the request's id, or null when it cannot be read), every byte of stdout a frame whose
message matches docs/protocol/message.schema.json, no error text with a raw control
character, no crash (exit code, never a signal), no hang (every answer and every exit has a
deadline), and then either the next request is served or, after a framing error, the host
exits with the documented status.

Whole file: about 10 s.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import struct
import threading
import time

import pytest

import mxh
import native_client
from native_client import ANSWER_TIMEOUT, CHECK_TIMEOUT, EXIT_TIMEOUT, MAX_IN, NativeHost, encode, frame, id_key

HERE = pathlib.Path(__file__).resolve().parent

ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
FAST_S = 2.0 * mxh.SANITIZER_SLOWDOWN  # what "at once" may take here (the contract says 1 s)
RSS_LIMIT_KB = 64 * 1024       # the host idles at ~15 MB; no input here may make it grow much ...
BUSY_RSS_LIMIT_KB = 128 * 1024  # ... 8 checks hanging on a silent server are still bounded ...
FULL_CHECKS_RSS_LIMIT_KB = 40 * 1024  # ... and 8 full checks at once take ~35 MB (docs/protocol.md, Limits)
FLOOD = 2000

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@pytest.fixture
def host(binary, world, message_validator, tmp_path):
    """Factory: host() starts one host process as Chromium does (argv[1] the extension's
    origin), whose peak RSS finish() holds to RSS_LIMIT_KB; every one is stopped at the end of
    the test. Its history goes to the test's own XDG_DATA_HOME."""
    env = native_client.host_env(tmp_path / "xdg-data")
    with native_client.hosts(binary, world.netns, message_validator, rss_limit_kb=RSS_LIMIT_KB) as start:
        yield lambda: start(env, ORIGIN)


@pytest.fixture
def quick_options(world):
    """Check options for a check of the world that takes well under a second: no probe, the
    world's DNS, no blocklist, never from the cache and never in the history."""
    return {"no_smtp": True, "resolver": ["127.0.0.1"], "trust_anchor": str(world.trust_anchor),
            "allow_private": True, "blocklists": [], "timeout": 5, "fresh": True, "history": False}


@pytest.fixture
def slow_options(world):
    """A check that hangs until cancelled: the world's silent.bad.test accepts and never greets."""
    return {"ports": [25], "greeting_timeout": 60, "timeout": 120, "resolver": ["127.0.0.1"],
            "trust_anchor": str(world.trust_anchor), "allow_private": True, "blocklists": [],
            "fresh": True, "history": False}


def assert_error(message: dict, code, id_=None, option: str | None = None) -> None:
    """An error message of the documented kind: `code` exactly, or a prefix ending in '.'."""
    assert message.get("type") == "error" and message.get("ok") is False, message
    got = message["error"]["code"]
    assert got.startswith(code) if code.endswith(".") else got == code, f"error {got}, expected {code}: {message}"
    assert id_key(message["id"]) == id_key(id_), f"error id {message['id']!r}, expected {id_!r}"
    text = message["error"]["message"]
    assert text and len(text) < 2000 and not CONTROL.search(text), f"error message {text!r}"
    if option is not None:
        assert message["error"].get("option") == option, f"error.option, expected {option}: {message}"


def assert_serving(h: NativeHost, tag: str = "still-serving") -> None:
    answer = h.call("hello", id_=tag)
    assert answer["type"] == "hello" and answer["ok"] is True, answer


# ------------------------------------------------------------------------------------
# Framing
# ------------------------------------------------------------------------------------

@pytest.mark.parametrize("length, code", [
    (0, "frame.empty"),
    (2 ** 31, "frame.too_large"),
    (2 ** 32 - 1, "frame.too_large"),
    (MAX_IN + 1, "frame.too_large"),
], ids=["0", "2^31", "2^32-1", "1MiB+1"])
def test_framing_error_ends_the_session_at_once(host, length, code):
    """A length of 0 or over 1 MiB, with stdin left open and nothing after it: one error with
    id null, then exit 1, at once (the host reads nothing of the announced bytes)."""
    h = host()
    sent = time.monotonic()
    h.write(struct.pack("=I", length))
    assert_error(h.next_message(0, FAST_S), code, None)
    h.wait_exit(FAST_S)
    assert time.monotonic() - sent < FAST_S
    h.finish(expect_exit=1)
    assert len(h.messages) == 1, h.describe()


def test_64mib_frame_is_refused_unread(host):
    """A 64 MiB frame, the largest Chromium sends, really sent: frame.too_large and exit 1
    at once, without buffering it (the peak RSS stays far below 64 MiB)."""
    h = host()
    length = 64 * 1024 * 1024
    written = {"bytes": 0}

    def send_everything() -> None:
        if not h.try_write(struct.pack("=I", length)):
            return
        chunk = b"[" * (1 << 20)
        for _ in range(64):
            if not h.try_write(chunk):
                return
            written["bytes"] += len(chunk)

    writer = threading.Thread(target=send_everything, daemon=True)
    sent = time.monotonic()
    writer.start()
    assert_error(h.next_message(0, FAST_S), "frame.too_large", None)
    h.wait_exit(FAST_S)
    took = time.monotonic() - sent
    writer.join(EXIT_TIMEOUT)
    h.finish(expect_exit=1)
    print(f"64 MiB frame: refused in {took:.3f} s after {written['bytes']} bytes of body were written; "
          f"peak RSS {h.max_rss_kb} KB")
    assert took < FAST_S, f"took {took:.2f} s"
    assert not mxh.MEMORY_BOUNDS_APPLY or h.max_rss_kb < 32 * 1024, f"peak RSS {h.max_rss_kb} KB after a 64 MiB frame"
    assert written["bytes"] < length, "the host read the whole 64 MiB"


@pytest.mark.parametrize("body, code", [
    (b"{", "frame.invalid_json"),
    (b"7", "frame.invalid_json"),
    (b"\xff", "frame.invalid_json"),
    (b"{}", "request.invalid"),
    (b"[]", "frame.invalid_json"),
], ids=["1:{", "1:7", "1:0xff", "2:{}", "2:[]"])
def test_tiny_frames_are_answered_and_the_session_goes_on(host, body, code):
    """Frames of length 1 and 2: well framed, so an error (id null) and the next request is served."""
    h = host()
    h.send_body(body)
    assert_error(h.next_message(0), code, None)
    assert_serving(h)
    h.finish()


@pytest.mark.parametrize("data", [
    struct.pack("=I", 100) + b"0123456789",
    struct.pack("=I", 100),
    struct.pack("=I", 100)[:3],
    struct.pack("=I", MAX_IN) + b'{"id": 1, "type": "hello"}',
], ids=["10-of-100", "length-only", "3-bytes-of-length", "26-bytes-of-1MiB"])
def test_truncated_frame_ends_cleanly(host, data):
    """The input ends inside a frame: frame.truncated (id null), exit 0."""
    h = host()
    h.write(data)
    h.close_stdin()
    h.wait_exit(FAST_S)
    h.finish(expect_exit=0)
    assert [m["error"]["code"] for m in h.messages] == ["frame.truncated"], h.describe()
    assert_error(h.messages[0], "frame.truncated", None)


@pytest.mark.parametrize("body", [
    b"[" * 100_000,
    b"[" * 500_000 + b"]" * 500_000,
    b'{"id": 1, "type": "hello", "params": {"a": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}}",
    b'{"id": 1, "type": "check", "params": {"target": ' + b"[" * 200_000 + b"]" * 200_000 + b"}}",
], ids=["100k-unclosed-arrays", "500k-nested-arrays", "100k-nested-objects-in-params", "200k-deep-target"])
def test_deep_nesting_is_refused(host, body):
    """Deep nesting is refused as invalid JSON before a deep structure exists (no stack
    overflow, no memory blow-up), and the session goes on."""
    assert len(body) <= MAX_IN
    h = host()
    h.send_body(body)
    assert_error(h.next_message(0), "frame.invalid_json", None)
    assert_serving(h)
    h.finish()


@pytest.mark.parametrize("body", [
    b'{"id": 1, "type": "hello", "params": {"x": "\xff"}}',
    b'{"id": 1, "type": "hello", "params": {"x": "\xc0\xaf"}}',          # overlong "/"
    b'{"id": 1, "type": "hello", "params": {"x": "\xed\xa0\x80"}}',      # a UTF-16 surrogate
    b'{"id": 1, "type": "hello", "params": {"x": "\xf4\x90\x80\x80"}}',  # above U+10FFFF
    b'{"id": 1, "type": "hello", "params": {"x": "\xe2\x82"}}',          # cut in a character
    b'{"id": 1, "type": "hello", "params": {"x": "\\ud800"}}',            # a lone surrogate escape
    b'{"id": 1, "type": "hello", "params": {"\xff": 1}}',                # in a member name
    b'{"id": "\xe9", "type": "hello"}',                                  # Latin-1, in the id
    b"\xfe\xff\x00{\x00}",                                               # UTF-16
], ids=["ff", "overlong", "surrogate", "above-10ffff", "cut", "escaped-surrogate", "in-name",
        "latin1-id", "utf16"])
def test_invalid_utf8_is_refused(host, body):
    """Not UTF-8 (or UTF-8 of no character): frame.invalid_json, and the session goes on."""
    h = host()
    h.send_body(body)
    assert_error(h.next_message(0), "frame.invalid_json", None)
    assert_serving(h)
    h.finish()


def test_nul_and_garbage_after_the_json_are_refused(host):
    """A frame is exactly its JSON: '{...} trailing' is frame.invalid_json, and so must be
    '{...}\\0trailing'."""
    h = host()
    h.send_body(b'{"id": 1, "type": "hello"}\x00{garbage')
    assert_error(h.next_message(0), "frame.invalid_json", None)
    h.finish()


# ------------------------------------------------------------------------------------
# Wrong types, field by field
# ------------------------------------------------------------------------------------

def request_schema() -> dict:
    folder = pathlib.Path(os.environ.get("MXH_PROTOCOL_SCHEMA_DIR") or HERE.parents[1] / "docs" / "protocol")
    return json.loads((folder / "request.schema.json").read_text(encoding="utf-8"))


def request_fields(schema: dict) -> list[tuple[str, str, str]]:
    """(request type, params field, kind) for every params field of every request type in
    the schema; kind is "id", "options" or the JSON type of a plain field."""
    fields = []
    defs = schema["$defs"]
    for choice in schema["oneOf"]:
        definition = defs[choice["$ref"].split("/")[-1]]
        request_type = definition["properties"]["type"]["const"]
        params = definition["properties"].get("params", {})
        if "$ref" in params:
            params = defs[params["$ref"].split("/")[-1]]
        for name, spec in params.get("properties", {}).items():
            ref = spec.get("$ref", "")
            kind = "id" if ref.endswith("/Id") else "options" if ref.endswith("/CheckOptions") else spec["type"]
            fields.append((request_type, name, kind))
    return fields


# Values of every JSON type but the right one (null counts as a wrong type: the schema allows
# no null anywhere).
WRONG_FOR_KIND = {
    "string": [None, 1, 1.5, True, [], {}, ["x"]],
    "id": [None, 1.5, True, [], {}],
    "options": [1, "x", True, [], 1.5],
}
WRONG_FOR_OPTION_TYPE = {
    "boolean": ["true", 1, 0, None, [], {}],
    "seconds": ["5", 5.5, 5.0, True, None, [], {}, [5]],
    "port_list": [25, "25", None, {}, [25.5], ["25"], [True], [None], [[25]]],
    "address_list": ["127.0.0.1", None, True, {}, [1], [None], [["127.0.0.1"]], [{}]],
    "zone_list": ["zen.dnsbl.test", None, True, {}, [1], [None], [["zen.dnsbl.test"]]],
    "path": [1, True, None, [], {}, ["/tmp"]],
    "host_name": [1, True, None, [], {}, ["mx.example"]],
    "dqs_key": [1, True, None, [], {}, ["abc"]],
}
REQUEST_ERROR_FOR_KIND = {"string": "request.invalid", "id": "request.invalid", "options": "input.usage"}


def test_request_schema_fields_are_known():
    """Every params field of request.schema.json has wrong values below (a new field or kind
    must be added to WRONG_FOR_KIND)."""
    fields = request_fields(request_schema())
    assert {kind for _, _, kind in fields} <= set(WRONG_FOR_KIND), fields
    assert {(t, n) for t, n, _ in fields} >= {("check", "target"), ("check", "options"), ("cancel", "id"),
                                              ("registrable_domain", "host"), ("history", "domain"),
                                              ("clear_history", "domain"), ("validate_options", "options")}


def test_wrong_types_of_the_envelope_are_refused(host):
    """id, type and params of every request type with values of the wrong type: request.invalid
    (id null when the id is what is wrong), and the session goes on."""
    h = host()
    schema = request_schema()
    types = schema["properties"]["type"]["enum"]
    n = 0
    for bad_id in WRONG_FOR_KIND["id"] + ["", "x" * 129]:
        n += 1
        index = len(h.messages)
        h.send({"id": bad_id, "type": "hello"})
        assert_error(h.next_message(index), "request.invalid", None)
    for bad_type in [None, 1, True, [], {}, ["hello"]]:
        n += 1
        assert_error(h.call(bad_type, id_=f"type-{n}"), "request.invalid", f"type-{n}")
    for request_type in types:
        for bad_params in [None, 1, "x", True, [], ["x"]]:
            n += 1
            h.send({"id": n, "type": request_type, "params": bad_params})
            assert_error(h.answer(n), "request.invalid", n)
    assert_serving(h)
    h.finish()


def test_wrong_types_of_every_params_field_are_refused(host, quick_options):
    """Every params field of every request type (from request.schema.json) with values of
    every wrong type: the documented error, with the request's id; nothing runs."""
    h = host()
    n = 0
    wrong = []
    for request_type, name, kind in request_fields(request_schema()):
        for bad in WRONG_FOR_KIND[kind]:
            n += 1
            params = {"target": "healthy.test", "options": quick_options} if request_type == "check" else {}
            params = dict(params, **{name: bad})
            answer = h.call(request_type, params, id_=n)
            try:
                assert_error(answer, REQUEST_ERROR_FOR_KIND[kind], n)
            except AssertionError as exc:
                wrong.append(f"{request_type}.params.{name} = {bad!r}: {exc}"[:400])
    assert not wrong, "\n".join(wrong)
    assert not [m for m in h.messages if m["type"] in ("progress", "result")], "a check ran"
    assert_serving(h)
    h.finish()


def option_cases(options: list[dict]) -> list[tuple[str, object]]:
    cases = []
    for option in options:
        assert option["type"] in WRONG_FOR_OPTION_TYPE, \
            f"option {option['name']} has the type {option['type']}, which this test does not know"
        cases += [(option["name"], bad) for bad in WRONG_FOR_OPTION_TYPE[option["type"]]]
    return cases


def test_wrong_types_of_every_check_option_are_refused(host, quick_options):
    """Every check option and request option of the hello reply's tables, with values of
    every wrong type, in a check: input.usage naming the option; nothing runs."""
    h = host()
    capabilities = h.call("hello", id_="hello")["capabilities"]
    cases = option_cases(capabilities["options"] + capabilities["request_options"])
    for n, (name, bad) in enumerate(cases):
        answer = h.call("check", {"target": "healthy.test", "options": dict(quick_options, **{name: bad})}, id_=n)
        assert answer["type"] == "error", f"options.{name} = {bad!r}: {json.dumps(answer)[:300]}"
        assert_error(answer, "input.usage", n, option=name)
    assert not [m for m in h.messages if m["type"] in ("progress", "result")], "a check ran"
    h.finish()


def test_wrong_types_of_every_check_option_are_problems_in_validate_options(host):
    """The same values in validate_options: an answer valid false whose first problem names
    the option (the options page shows it)."""
    h = host()
    capabilities = h.call("hello", id_="hello")["capabilities"]
    for n, (name, bad) in enumerate(option_cases(capabilities["options"])):
        answer = h.call("validate_options", {"options": {name: bad}}, id_=n)
        where = f"options.{name} = {bad!r}: {json.dumps(answer)[:300]}"
        assert answer["type"] == "validate_options" and answer["valid"] is False, where
        assert answer["problems"][0]["option"] == name, where
        assert not CONTROL.search(answer["problems"][0]["message"]), where
    h.finish()


def test_validate_options_refuses_wrong_request_options(host):
    """fresh and history share the options object, and a check refuses them with the wrong
    type (input.usage): validate_options, asked before saving, must say so too."""
    h = host()
    answer = h.call("validate_options", {"options": {"fresh": 1, "history": "x"}}, id_=1)
    assert answer["type"] == "validate_options" and answer["valid"] is False, answer
    h.finish()


def test_more_than_8_resolvers_are_refused_even_repeated(host, quick_options):
    """resolver takes at most 8 addresses (docs/protocol.md): also 9 times the same one.
    (Today 87,000 copies of one address go through, and each is listed in the report's
    resolver.servers: a 1 MB request makes a report too large to send.)"""
    h = host()
    answer = h.call("check", {"target": "healthy.test",
                              "options": dict(quick_options, resolver=["127.0.0.1"] * 9)}, id_=1)
    assert_error(answer, "input.usage", 1, option="resolver")
    h.finish()


def test_a_bad_resolver_is_blamed_on_the_resolver(host, quick_options):
    """A resolver that is no address next to a usable trust anchor: dns.config naming
    resolver, not trust_anchor (the options page would point at the wrong setting)."""
    h = host()
    answer = h.call("check", {"target": "healthy.test",
                              "options": dict(quick_options, resolver=["not-an-address"])}, id_=1)
    assert_error(answer, "dns.config", 1, option="resolver")
    h.finish()


# ------------------------------------------------------------------------------------
# Control characters in every string field
# ------------------------------------------------------------------------------------

CONTROL_STRINGS = ["\r\n", "\x00", "\x1b[31m", "\x7f"]


@pytest.mark.parametrize("id_", [f"id{c}x" for c in CONTROL_STRINGS] + ["\x00", "\u2028\u202e"],
                         ids=["crlf", "nul", "esc", "del", "only-nul", "ls-rlo"])
def test_control_characters_in_an_id_are_echoed_exactly(host, id_):
    """Any string of 1 to 128 characters is an id: echoed exactly (JSON-escaped on the wire)."""
    h = host()
    answer = h.call("hello", id_=id_)
    assert answer["type"] == "hello" and answer["id"] == id_, answer
    answer = h.call("cancel", {"id": id_}, id_=id_)
    assert answer == {"id": id_, "type": "cancel", "ok": True, "found": False}, answer
    h.finish()


@pytest.mark.parametrize("type_", [f"hello{c}" for c in CONTROL_STRINGS] + ["\x00hello", "check\r\n"],
                         ids=["crlf", "nul", "esc", "del", "nul-first", "check-crlf"])
def test_control_characters_in_a_type_are_an_unknown_type(host, type_):
    """A type with a control character is no type: request.unknown_type, its text escaped."""
    h = host()
    assert_error(h.call(type_, {}, id_=1), "request.unknown_type", 1)
    assert_serving(h)
    h.finish()


# (id, target) -- every one must be an input.* error: a control character never reaches a
# DNS query, a report, a log line or the history.
TARGETS = [
    ("nul", "healthy.test\x00"),
    ("esc-first", "\x1b[31mhealthy.test"),
    ("del", "healthy.test\x7f"),
    ("crlf-smtp-single-label", "ok.example\r\nRCPT TO:<x@example>"),
    ("trailing-crlf", "healthy.test\r\n"),
    ("trailing-lf", "healthy.test\n"),
    ("address-crlf-smtp", "x@healthy.test\r\nRCPT TO:<x@healthy.test>"),
    ("domain-crlf-smtp", "healthy.test\r\nRCPT TO:<x@healthy.test>"),
    ("display-name-crlf", "Jane\r\n<jane@healthy.test>"),
    ("url-crlf-header", "https://healthy.test/\r\nX-Header: y"),
    ("nul-in-local-part", "x\x00@healthy.test"),
    ("osc-in-local-part", "\x1b]0;title\x07x@healthy.test"),
]


@pytest.mark.parametrize("target", [pytest.param(t, id=name) for name, t in TARGETS])
def test_control_characters_in_a_target_are_refused(host, quick_options, target):
    """Every target with a control character anywhere, also in the part of an address or URL
    that is not the domain, is an input.* error: nothing is checked."""
    h = host()
    answer = h.call("check", {"target": target, "options": quick_options}, id_=1, timeout=CHECK_TIMEOUT)
    assert answer["type"] == "error", \
        f"the target {target!r} was checked: {json.dumps(answer)[:400]}"
    assert_error(answer, "input.invalid_character", 1)
    assert_serving(h)
    h.finish()


DOMAIN_PARAMETERS = [("registrable_domain", "host"), ("history", "domain"), ("clear_history", "domain")]
BAD_DOMAINS = {"crlf": "mail.google.com\r\n", "nul": "google.com\x00", "esc": "\x1b[2Jgoogle.com", "only-nul": "\x00"}


@pytest.mark.parametrize("request_type, field, bad", [
    pytest.param(t, f, v, id=f"{t}-{name}")
    for t, f in DOMAIN_PARAMETERS for name, v in BAD_DOMAINS.items()])
def test_control_characters_in_a_domain_parameter_are_refused(host, quick_options, request_type, field, bad):
    """An input.* error, and a clear_history with such a domain forgets nothing."""
    h = host()
    if request_type == "clear_history":
        checked = h.call("check", {"target": "nullmx.test", "options": dict(quick_options, history=True)},
                         id_="c", timeout=CHECK_TIMEOUT)
        assert checked["type"] == "result", json.dumps(checked)[:300]
    assert_error(h.call(request_type, {field: bad}, id_=1), "input.", 1)
    if request_type == "clear_history":
        assert len(h.call("history", {"domain": "nullmx.test"}, id_="h")["entries"]) == 1, "the history was cleared"
    assert_serving(h)
    h.finish()


@pytest.mark.parametrize("option, value, code", [
    ("ehlo", "me.test\r\nMAIL FROM:<x@example>", "input.usage"),
    ("ehlo", "me.test\x00", "input.usage"),
    ("ehlo", "\x1b[31mme.test", "input.usage"),
    ("blocklists", ["zen.dnsbl.test\r\n"], "input.usage"),
    ("blocklists", ["zen.dnsbl.test\x00"], "input.usage"),
    ("dqs_key", "abc\r\ndef", "input.usage"),
    ("dqs_key", "abc\x00", "input.usage"),
    ("resolver", ["127.0.0.1\r\n"], "input.usage"),
    ("resolver", ["127.0.0.1\x00"], "input.usage"),
    ("resolver", ["\x1b127.0.0.1"], "input.usage"),
    ("trust_anchor", "/nonexistent/test.ta\r\n", "input.usage"),
    ("trust_anchor", "/nonexistent/\x1b[31mtest.ta", "input.usage"),
], ids=["ehlo-crlf", "ehlo-nul", "ehlo-esc", "blocklist-crlf", "blocklist-nul", "dqs-crlf", "dqs-nul",
        "resolver-crlf", "resolver-nul", "resolver-esc", "anchor-crlf", "anchor-esc"])
def test_control_characters_in_a_check_option_are_refused(host, quick_options, option, value, code):
    """The documented error naming the option; the EHLO name in particular never carries a
    line break into an SMTP conversation. (Without a trust anchor in the options for the
    resolver cases: see test_a_bad_resolver_is_blamed_on_the_resolver.)"""
    options = dict(quick_options, **{option: value})
    if option == "resolver":
        del options["trust_anchor"]
    h = host()
    answer = h.call("check", {"target": "healthy.test", "options": options}, id_=1, timeout=CHECK_TIMEOUT)
    assert_error(answer, code, 1, option=option)
    assert_serving(h)
    h.finish()


@pytest.mark.parametrize("option, value", [
    pytest.param("trust_anchor", "{ta}\x00junk", id="anchor-nul"),
    pytest.param("ca_file", "{ca}\x00junk", id="ca-nul"),
    pytest.param("trust_anchor", "{ta}\r\n", id="anchor-crlf"),
    pytest.param("ca_file", "{ca}\r\n", id="ca-crlf"),
])
def test_control_characters_in_a_path_are_a_problem(host, world, option, value):
    """A path with a control character after the name of a good file is not that file:
    validate_options reports the option (a NUL must not cut the name short)."""
    path = value.format(ta=world.trust_anchor, ca=world.ca_file)
    h = host()
    answer = h.call("validate_options", {"options": {option: path}}, id_=1)
    assert answer["type"] == "validate_options", answer
    assert answer["valid"] is False and answer["problems"][0]["option"] == option, answer
    assert not CONTROL.search(answer["problems"][0]["message"]), answer
    h.finish()


# ------------------------------------------------------------------------------------
# Floods, cancels, unknown types, duplicate ids
# ------------------------------------------------------------------------------------

def test_flood_of_hellos_is_answered(host, record_property):
    """2,000 hellos in one write: every one answered once, with its id, in bounded memory."""
    h = host()
    h.defer_validation = True
    data = b"".join(frame(encode({"id": i, "type": "hello"})) for i in range(FLOOD))
    sent = time.monotonic()
    writer = threading.Thread(target=h.try_write, args=(data,), daemon=True)
    writer.start()
    h.wait_until(lambda: len(h.messages) >= FLOOD, 60, f"{FLOOD} answers")
    took = time.monotonic() - sent
    writer.join(EXIT_TIMEOUT)
    ids = sorted(m["id"] for m in h.messages)
    assert ids == list(range(FLOOD)), "hellos lost or answered twice"
    assert all(m["type"] == "hello" and m["ok"] is True for m in h.messages)
    rate = FLOOD / took
    record_property("hellos_per_second", round(rate))
    print(f"{FLOOD} hellos in {took:.2f} s: {rate:.0f}/s")
    assert rate > 200, f"{rate:.0f} hellos/s"
    h.finish()
    print(f"peak RSS after the flood: {h.max_rss_kb} KB")


def test_requests_after_a_cancel_are_served(host, quick_options, slow_options):
    """A check cancelled while it waits for a greeting; right after: a second cancel of it,
    a hello, a registrable_domain, an unknown type and a new check with the same id are all
    answered, and the cancelled check sends nothing more."""
    h = host()
    h.request("check", {"target": "silent.bad.test", "options": slow_options}, id_="slow")
    h.wait_until(lambda: any(m.get("id") == "slow" and m.get("stage") == "dns" for m in h.messages),
                 ANSWER_TIMEOUT, "progress dns of the slow check")
    sent = time.monotonic()
    h.request("cancel", {"id": "slow"}, id_="c1")
    h.request("cancel", {"id": "slow"}, id_="c2")
    h.request("hello", id_="h")
    h.request("registrable_domain", {"host": "mail.google.com"}, id_="r")
    h.request("frobnicate", {}, id_="u")
    cancelled = h.answer("slow", FAST_S)
    assert cancelled["type"] == "cancelled", cancelled
    assert time.monotonic() - sent < FAST_S
    assert h.answer("c1") == {"id": "c1", "type": "cancel", "ok": True, "found": True}
    second = h.answer("c2")
    assert second["type"] == "cancel" and second["ok"] is True, second  # found: either, they may cross
    assert h.answer("h")["type"] == "hello"
    assert h.answer("r")["domain"] == "google.com"
    assert_error(h.answer("u"), "request.unknown_type", "u")
    index = h.messages.index(cancelled)
    again = h.call("check", {"target": "nullmx.test", "options": quick_options}, id_="slow", timeout=CHECK_TIMEOUT)
    assert again["type"] == "result" and again["report"]["domain"] == "nullmx.test", json.dumps(again)[:500]
    late = [m for m in h.messages[index + 1:] if m.get("id") == "slow" and m.get("stage") == "probe"]
    assert not late, f"the cancelled check went on: {late}"
    h.finish()


UNKNOWN_TYPES = ["frobnicate", "", "HELLO", "Hello", "hello ", " hello", "hel lo", "ｈｅｌｌｏ", "héllo",
                 "__proto__", "constructor", "result", "progress", "error", "cancelled", "x" * 100_000]


def test_unknown_request_types_are_refused(host):
    """Type names that are not request types (case, spaces, look-alikes, message types, a
    100,000-character name): request.unknown_type with the id, a short error text, and the
    session goes on."""
    h = host()
    for n, type_ in enumerate(UNKNOWN_TYPES):
        assert_error(h.call(type_, {}, id_=n), "request.unknown_type", n)
    assert_serving(h)
    h.finish()


def test_duplicate_ids(host, slow_options, quick_options):
    """While check "dup" runs: a second check "dup" is request.duplicate_id and the first goes
    on; other requests with the id "dup" are answered as usual; 7 and "7" are two ids; a
    cancel whose own id is "dup" ends the check."""
    h = host()
    h.request("check", {"target": "silent.bad.test", "options": slow_options}, id_="dup")
    h.wait_until(lambda: any(m.get("id") == "dup" and m.get("stage") == "dns" for m in h.messages),
                 ANSWER_TIMEOUT, "progress dns of 'dup'")
    start = len(h.messages)
    h.request("check", {"target": "silent.bad.test", "options": slow_options}, id_="dup")
    assert_error(h.answer("dup", start=start), "request.duplicate_id", "dup")
    start = len(h.messages)
    assert h.call("hello", id_="dup")["type"] == "hello"
    assert h.call("registrable_domain", {"host": "a.b.example.com"}, id_="dup")["domain"] == "example.com"
    seven = h.call("check", {"target": "nullmx.test", "options": quick_options}, id_=7, timeout=CHECK_TIMEOUT)
    seven_string = h.call("check", {"target": "nullmx.test", "options": quick_options}, id_="7",
                          timeout=CHECK_TIMEOUT)
    assert seven["type"] == seven_string["type"] == "result", (seven["type"], seven_string["type"])
    assert not [m for m in h.messages[start:] if m.get("id") == "dup" and m["type"] in ("result", "cancelled")], \
        "the first check 'dup' ended"
    start = len(h.messages)
    h.request("cancel", {"id": "dup"}, id_="dup")
    answers = h.wait_until(lambda: [m["type"] for m in h.messages[start:] if m.get("id") == "dup"]
                           if len([m for m in h.messages[start:] if m.get("id") == "dup"]) >= 2 else None,
                           FAST_S, "the cancel answer and cancelled")
    assert sorted(answers) == ["cancel", "cancelled"], answers
    h.finish()


def test_eight_full_checks_at_once_stay_under_40_mb(host, world):
    """Issue 12 item 7: 8 full checks of smtp.test at once (2 MX hosts, 4 addresses, 12 probes
    with STARTTLS, reverse DNS, blocklists, SPF, DMARC, MTA-STS each) peak under 40 MB."""
    options = {"resolver": ["127.0.0.1"], "trust_anchor": str(world.trust_anchor), "ca_file": str(world.ca_file),
               "allow_private": True, "fresh": True, "history": False}
    h = host()
    for i in range(8):
        h.request("check", {"target": "smtp.test", "options": options}, id_=f"full{i}")
    for i in range(8):
        answer = h.answer(f"full{i}", timeout=60 * mxh.SANITIZER_SLOWDOWN)
        assert answer["type"] == "result" and answer["report"]["verdict"] == "healthy", json.dumps(answer)[:400]
    h.close_stdin()
    h.wait_exit()
    h.finish(rss_limit_kb=FULL_CHECKS_RSS_LIMIT_KB)
    print(f"peak RSS with 8 full checks at once: {h.max_rss_kb} KB")


def test_more_checks_than_allowed_are_busy(host, slow_options):
    """12 checks at once: 8 run, 4 are request.busy; hello is still answered; the end of input
    ends them all at once."""
    h = host()
    for i in range(12):
        h.request("check", {"target": "silent.bad.test", "options": slow_options}, id_=f"s{i}")
    busy = h.wait_until(lambda: [m for m in h.messages if m["type"] == "error"]
                        if len([m for m in h.messages if m["type"] == "error"]) >= 4 else None,
                        ANSWER_TIMEOUT, "4 busy errors")
    for message in busy:
        assert_error(message, "request.busy", message["id"])
    assert_serving(h)
    time.sleep(0.3)
    assert len([m for m in h.messages if m["type"] == "error"]) == 4, h.describe()
    closed = time.monotonic()
    h.close_stdin()
    h.wait_exit(FAST_S)
    assert time.monotonic() - closed < FAST_S
    h.finish(rss_limit_kb=BUSY_RSS_LIMIT_KB)
    print(f"peak RSS with 8 checks running: {h.max_rss_kb} KB")
    assert not [m for m in h.messages if m["type"] == "result"]

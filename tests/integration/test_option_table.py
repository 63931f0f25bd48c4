"""The one option table (native-host/src/checks/options/option_table.cpp) and the three places
that show it to the outside agree: the hello reply's capabilities.options, the check-options
schema in docs/protocol/request.schema.json and `mxhealth --help`. A limit or default changed
in the table and not in the schema fails here; so does an option one of them forgets.

These need no test world: hello, validate_options and --help ask no DNS.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import struct
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "protocol" / "request.schema.json"


def exchange(binary: str, *requests: dict) -> list[dict]:
    """Sends the requests to one `mxhealth native` and returns its answers."""
    data = b"".join(struct.pack("=I", len(b)) + b for b in (json.dumps(r).encode() for r in requests))
    env = dict(os.environ, HOME="/nonexistent", XDG_DATA_HOME="/nonexistent")
    out = subprocess.run([binary, "native"], input=data, capture_output=True, timeout=30, env=env).stdout
    answers = []
    while out:
        (length,) = struct.unpack("=I", out[:4])
        answers.append(json.loads(out[4:4 + length]))
        out = out[4 + length:]
    return answers


@pytest.fixture(scope="module")
def hello(binary) -> dict:
    (answer,) = exchange(binary, {"id": 1, "type": "hello"})
    return answer["capabilities"]


@pytest.fixture(scope="module")
def schema_options() -> dict:
    return json.loads(SCHEMA.read_text())["$defs"]["CheckOptions"]["properties"]


@pytest.fixture(scope="module")
def help_text(binary) -> str:
    run = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_same_options_in_the_same_order(hello, schema_options):
    advertised = [o["name"] for o in hello["options"] + hello["request_options"]]
    assert advertised == list(schema_options), "hello's options and the schema's differ"
    assert hello["default_ports"] == next(o["default"] for o in hello["options"] if o["name"] == "ports")


def schema_view(option: dict) -> dict:
    """What the schema must say of an option, derived from hello's entry of the table."""
    kind = option["type"]
    view: dict = {"x-mxhealth-type": kind}
    if option["default"] is not None:
        view["default"] = option["default"]
    if kind == "boolean":
        view["type"] = "boolean"
    elif kind == "seconds":
        view.update(type="integer", minimum=option["minimum"], maximum=option["maximum"])
    elif kind == "port_list":
        view.update(type="array", minItems=option["min_items"], maxItems=option["max_items"],
                    items={"type": "integer", "minimum": option["minimum"], "maximum": option["maximum"]})
    elif kind in ("address_list", "zone_list"):
        view.update(type="array", maxItems=option["max_items"])
        view["items.maxLength"] = option["max_length"]
    elif kind == "dqs_key":
        view.update(type="string", pattern=f"^[A-Za-z0-9]{{1,{option['max_length']}}}$")
    else:
        view.update(type="string", maxLength=option["max_length"])
    return view


def test_every_type_limit_and_default_agrees_with_the_schema(hello, schema_options):
    for option in hello["options"] + hello["request_options"]:
        described = schema_options[option["name"]]
        for key, value in schema_view(option).items():
            if key == "items.maxLength":
                assert described["items"]["maxLength"] == value, option["name"]
            elif key == "items":
                assert {k: described["items"][k] for k in value} == value, option["name"]
            else:
                assert described.get(key) == value, (option["name"], key, described.get(key), value)
        if option["default"] is None:
            assert "default" not in described, option["name"]


def test_help_lists_every_option_with_its_help_and_limits(hello, help_text):
    flat = re.sub(r"\s+", " ", help_text)
    for option in hello["options"]:
        assert f" {option['flag']} " in flat or flat.endswith(option["flag"]), option["flag"]
        assert option["help"] in flat, option["help"]
        if option["type"] == "seconds":
            assert f"(default {option['default']}, {option['minimum']} to {option['maximum']})" in flat
        if "max_items" in option:
            assert f"at most {option['max_items']}" in flat, option["flag"]


def test_the_host_refuses_each_limit_it_advertises(binary, hello):
    """validate_options names the option for a value one past each advertised limit."""
    over = {}
    for option in hello["options"]:
        if option["type"] == "seconds":
            over[option["name"]] = option["maximum"] + 1
        elif option["type"] == "port_list":
            over[option["name"]] = list(range(1000, 1001 + option["max_items"]))
        elif option["type"] == "zone_list":
            over[option["name"]] = [f"l{i}.example" for i in range(option["max_items"] + 1)]
        elif option["type"] == "address_list":
            over[option["name"]] = [f"127.0.0.{i}" for i in range(1, option["max_items"] + 2)]
        elif option["type"] == "boolean":
            over[option["name"]] = "yes"
        else:
            over[option["name"]] = "x" * (option["max_length"] + 1)
    (answer,) = exchange(binary, {"id": 2, "type": "validate_options", "params": {"options": over}})
    assert answer["valid"] is False, answer
    named = [p["option"] for p in answer["problems"]]
    assert named == [o["name"] for o in hello["options"]], answer
    for problem in answer["problems"]:
        assert "--" not in problem["message"], problem


def test_a_check_request_and_the_command_line_refuse_the_same_value(binary, hello):
    """Both front ends call the one validation: the same value, the same words after the name."""
    (answer,) = exchange(binary, {"id": 3, "type": "check", "params": {"target": "example.test",
                                                                       "options": {"reply_timeout": 0}}})
    assert answer["error"]["code"] == "input.usage" and answer["error"]["option"] == "reply_timeout", answer
    run = subprocess.run([binary, "check", "example.test", "--reply-timeout", "0"], capture_output=True,
                         text=True, timeout=30)
    assert run.returncode == 3
    request_words = answer["error"]["message"].split("'reply_timeout' ", 1)[1]
    assert request_words in run.stderr, (request_words, run.stderr)

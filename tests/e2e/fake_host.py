#!/usr/bin/python3
"""A stand-in native host for the extension's failure paths (tests/e2e/host_problems.test.mjs):
one that is too old, one that never answers, one that dies after hello. Started by Chromium
through a small wrapper script that passes the mode first."""

import json
import struct
import sys
import time


def read_frame():
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        return None
    (length,) = struct.unpack("=I", header)
    if length > 1024 * 1024:
        return None
    return json.loads(sys.stdin.buffer.read(length))


def send(message):
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(struct.pack("=I", len(body)) + body)
    sys.stdout.buffer.flush()


def main():
    mode = sys.argv[1]
    while True:
        request = read_frame()
        if request is None:
            return
        if mode == "silent":
            continue  # reads everything, answers nothing
        if request.get("type") == "hello":
            if mode == "old":
                send({"id": request["id"], "type": "hello", "ok": True, "host_version": "0.0.1",
                      "protocol_version": 0, "capabilities": {"messages": ["hello"]}})
                continue
            send({"id": request["id"], "type": "hello", "ok": True, "host_version": "0.1.0",
                  "protocol_version": 1,
                  "capabilities": {"messages": ["hello", "check", "cancel", "registrable_domain",
                                                "history", "clear_history"],
                                   "checks": ["mx", "dnssec", "smtp", "tls"],
                                   "default_ports": [25, 587, 465]}})
            continue
        if mode == "dies":
            time.sleep(0.2)
            sys.exit(3)  # a crash in the middle of a check


main()

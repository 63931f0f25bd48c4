#!/usr/bin/python3
"""A stand-in native host for the extension's failure paths (tests/e2e/host_problems.test.mjs):
one that is too old, one that never answers, one that dies after hello, and one that answers
checks with a report of an older host (no assessment, senders or finding dimensions); and
(tests/e2e/option_table.test.mjs) one whose option table has other defaults and limits than
the real host's, and which writes every request it gets to $MXH_FAKE_LOG. Started by
Chromium through a small wrapper script (harness.mjs fakeHost) that passes the mode first."""

import json
import os
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


# A report as hosts before issue 19 wrote it: no assessment, no senders, no finding dimensions.
def old_report(target):
    probe = {"ip": "198.51.100.25", "port": 25, "probe_kind": "relay", "status": "ok", "tcp_connected": True,
             "greeting": "220 mx1.smtp.test ESMTP", "supports_starttls": True, "tls_negotiated": True,
             "error": None, "plaintext_after_starttls": False,
             "tls": {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384", "key_exchange": "x25519",
                     "certificate": {"subject": "CN=mx1.smtp.test", "issuer": "CN=Other CA", "not_after": "2027-01-01T00:00:00Z",
                                     "days_left": 60},
                     "chain_verified": False, "verify_error": "unable to get local issuer certificate", "hostname_match": True},
             "dane": None}
    return {"version": "0.1.0", "input": target, "domain": target, "domain_unicode": target,
            "checked_at": "2026-11-26T11:48:27.275Z", "duration_ms": 12, "verdict": "needs_attention", "error": None,
            "null_mx": False, "smtp_probe_enabled": True, "all_tls_ok": True, "any_smtp_ok": True,
            "mx_records": [{"priority": 10, "host": "mx1.smtp.test", "ips": ["198.51.100.25"], "reachable": True,
                            "error": None, "implicit": False, "cname": None, "smtp_probe": probe, "smtp_probes": [probe]}],
            "findings": [{"code": "tls.untrusted", "severity": "warning", "host": "mx1.smtp.test", "ip": "198.51.100.25",
                          "reference": "RFC 5280",
                          "message": "The certificate of mx1.smtp.test does not verify: unable to get local issuer certificate."}],
            "dnssec": [], "resolver": {"mode": "system", "servers": ["127.0.0.1"], "dnssec_validation": False, "note": None},
            "changes_since_last": None}


# The option table of mode "table": other defaults and limits than the real host's, so that a
# page that shows them can only have them from the hello.
TABLE_OPTIONS = [
    {"name": "ports", "flag": "--ports", "type": "port_list", "default": [587, 25], "minimum": 1, "maximum": 65535,
     "min_items": 1, "max_items": 3, "help": "the ports to probe"},
    {"name": "timeout", "flag": "--timeout", "type": "seconds", "default": 42, "minimum": 1, "maximum": 99,
     "help": "limit for the whole check"},
    {"name": "no_smtp", "flag": "--no-smtp", "type": "boolean", "default": False, "help": "DNS checks only"},
    {"name": "resolver", "flag": "--resolver", "type": "address_list", "default": [], "min_items": 0, "max_items": 2,
     "max_length": 2048, "help": "the DNS resolvers to ask"},
    {"name": "trust_anchor", "flag": "--trust-anchor", "type": "path", "default": None, "max_length": 2048, "help": "a trust anchor"},
    {"name": "allow_private", "flag": "--allow-private", "type": "boolean", "default": True, "help": "non-public addresses"},
    {"name": "ehlo", "flag": "--ehlo", "type": "host_name", "default": None, "max_length": 253, "help": "the EHLO name"},
    {"name": "ca_file", "flag": "--ca-file", "type": "path", "default": None, "max_length": 2048, "help": "extra CAs"},
    {"name": "connect_timeout", "flag": "--connect-timeout", "type": "seconds", "default": 7, "minimum": 2, "maximum": 50,
     "help": "limit for the TCP connection"},
    {"name": "greeting_timeout", "flag": "--greeting-timeout", "type": "seconds", "default": 21, "minimum": 1, "maximum": 50,
     "help": "limit for the greeting"},
    {"name": "reply_timeout", "flag": "--reply-timeout", "type": "seconds", "default": 11, "minimum": 1, "maximum": 50,
     "help": "limit for each reply"},
    {"name": "tls_timeout", "flag": "--tls-timeout", "type": "seconds", "default": 12, "minimum": 1, "maximum": 50,
     "help": "limit for the TLS handshake"},
    {"name": "blocklists", "flag": "--blocklists", "type": "zone_list", "default": ["one.dnsbl.test", "two.dnsbl.test"],
     "min_items": 0, "max_items": 3, "max_length": 200, "help": "the blocklists"},
    {"name": "dqs_key", "flag": "--dqs-key", "type": "dqs_key", "default": None, "max_length": 64, "help": "a DQS key"},
]
TABLE_REQUEST_OPTIONS = [
    {"name": "fresh", "type": "boolean", "default": False, "help": "no cached result"},
    {"name": "history", "type": "boolean", "default": False, "help": "record the result"},
]


# Mode "table": the old report's MX host probed on ports 26, 25 and 587 (in that order in the
# report), after a dns message that names the ports and a probe message for each.
def table_check(request):
    report = old_report(request["params"]["target"])
    record = report["mx_records"][0]
    first = record["smtp_probes"][0]
    probes = [dict(first, port=port, probe_kind={587: "submission"}.get(port, "relay")) for port in (26, 25, 587)]
    record["smtp_probes"] = probes
    send({"id": request["id"], "type": "progress", "stage": "dns", "domain": report["domain"], "null_mx": False,
          "ports": [587, 25, 26], "smtp_probe": True,
          "mx_records": [{k: record[k] for k in ("priority", "host", "ips", "error", "implicit", "cname")}]})
    for probe in probes[:2]:
        send({"id": request["id"], "type": "progress", "stage": "probe", "host": record["host"], "probe": probe})
    time.sleep(2)  # the page shows "2 of 3 probes done" meanwhile
    send({"id": request["id"], "type": "result", "ok": True, "cached": False, "report": report})


def log(request):
    path = os.environ.get("MXH_FAKE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(request) + "\n")


def main():
    mode = sys.argv[1]
    while True:
        request = read_frame()
        if request is None:
            return
        log(request)
        if mode == "silent":
            continue  # reads everything, answers nothing
        if request.get("type") == "hello":
            if mode == "old":
                send({"id": request["id"], "type": "hello", "ok": True, "host_version": "0.0.1",
                      "protocol_version": 0, "capabilities": {"messages": ["hello"]}})
                continue
            capabilities = {"messages": ["hello", "check", "cancel", "registrable_domain", "history", "clear_history"],
                            "checks": ["mx", "dnssec", "smtp", "tls"],
                            "default_ports": [25, 587, 465]}
            if mode == "table":
                capabilities.update(checks=["mx", "dnssec", "smtp", "tls", "dnsbl"], default_ports=[587, 25],
                                    options=TABLE_OPTIONS, request_options=TABLE_REQUEST_OPTIONS)
            send({"id": request["id"], "type": "hello", "ok": True, "host_version": "0.1.0",
                  "protocol_version": 1, "capabilities": capabilities})
            continue
        if mode == "table" and request.get("type") == "check":
            table_check(request)
            continue
        if mode == "oldreport" and request.get("type") == "check":
            send({"id": request["id"], "type": "result", "ok": True, "cached": False,
                  "report": old_report(request["params"]["target"])})
            continue
        if mode in ("oldreport", "table") and request.get("type") in ("history", "clear_history"):
            send({"id": request["id"], "type": request["type"], "ok": True, "domain": "smtp.test", "entries": [], "removed": 0})
            continue
        if mode == "dies":
            time.sleep(0.2)
            sys.exit(3)  # a crash in the middle of a check


main()

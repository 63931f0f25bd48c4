#!/usr/bin/python3
"""A stand-in native host for the extension's failure paths (tests/e2e/host_problems.test.mjs):
one that is too old, one that never answers, one that dies after hello, and one that answers
checks with a report of an older host (no assessment, senders or finding dimensions). Started
by Chromium through a small wrapper script that passes the mode first."""

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
        if mode == "oldreport" and request.get("type") == "check":
            send({"id": request["id"], "type": "result", "ok": True, "cached": False,
                  "report": old_report(request["params"]["target"])})
            continue
        if mode == "oldreport" and request.get("type") in ("history", "clear_history"):
            send({"id": request["id"], "type": request["type"], "ok": True, "domain": "smtp.test", "entries": [], "removed": 0})
            continue
        if mode == "dies":
            time.sleep(0.2)
            sys.exit(3)  # a crash in the middle of a check


main()

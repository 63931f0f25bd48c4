#!/usr/bin/python3
"""Makes the reverse zones of the mxhealth test world from zones/ptr.map.

    ptrzones.py --map zones/ptr.map --forward zones/test.zone [--forward ...] \\
                --serial N --out DIR

writes DIR/ZONE.zone for every reverse zone below (unsigned: the reverse
trees are not under the world's trust anchor for test.) and prints the zone
names, one per line.  Before that it checks the map against the forward zone
templates and fails (exit 1, reason on stderr) when

  - an address of the map is in none of the reverse zones;
  - a PTR name does not resolve back to its address in the forward zones,
    CNAMEs followed (unless the name is written "~name.", a deliberately
    unconfirmed PTR);
  - an address of an MX host (or of an implicit-MX domain listed with
    --implicit) has no line in the map (write "ADDRESS -" for "no PTR on
    purpose").

Map format, one address per line ("#" starts a comment):

    ADDRESS   NAME. [NAME. ...]     PTR records (several names: several PTRs)
    ADDRESS   -                     deliberately no PTR (NXDOMAIN)
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

REVERSE_ZONES = [
    "100.51.198.in-addr.arpa",      # 198.51.100.0/24  (RFC 5737)
    "113.0.203.in-addr.arpa",       # 203.0.113.0/24   (RFC 5737)
    "10.in-addr.arpa",              # 10.0.0.0/8       (RFC 1918; 10.1.2.3 of private.test)
    "8.b.d.0.1.0.0.2.ip6.arpa",     # 2001:db8::/32    (RFC 3849)
]


def fail(msg: str) -> None:
    print(f"ptrzones.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def read_map(path: str) -> list[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, list[str]]]:
    entries, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            try:
                addr = ipaddress.ip_address(words[0])
            except ValueError:
                fail(f"{path}:{lineno}: not an address: {words[0]}")
            if addr in seen:
                fail(f"{path}:{lineno}: {addr} is listed twice")
            seen.add(addr)
            names = words[1:]
            if not names:
                fail(f"{path}:{lineno}: no name (write '-' for no PTR)")
            if names == ["-"]:
                names = []
            for n in names:
                if not n.endswith("."):
                    fail(f"{path}:{lineno}: write the name absolute, with the final dot: {n}")
            entries.append((addr, names))
    return entries


def read_forward(paths: list[str]):
    """(addresses by owner, MX targets) of zone templates; owners lower-case, no final dot."""
    addrs: dict[str, set] = {}
    cnames: dict[str, str] = {}
    mx_targets: set[str] = set()
    for path in paths:
        origin, owner = "", ""
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip() or line.lstrip().startswith(";"):
                    continue
                words = line.split()
                if words[0] == "$ORIGIN":
                    origin = words[1].lower().rstrip(".")
                    continue
                if words[0].startswith("$"):
                    continue
                if not line[0].isspace():
                    o = words[0].lower()
                    owner = origin if o == "@" else o.rstrip(".") if o.endswith(".") else f"{o}.{origin}"
                    words = words[1:]
                if len(words) < 3 or words[0] != "IN":
                    continue
                rtype, rdata = words[1], words[2:]
                if rtype in ("A", "AAAA"):
                    addrs.setdefault(owner, set()).add(ipaddress.ip_address(rdata[0]))
                elif rtype == "CNAME":
                    t = rdata[0].lower()
                    cnames[owner] = t.rstrip(".") if t.endswith(".") else f"{t}.{origin}"
                elif rtype == "MX" and len(rdata) >= 2 and rdata[1] != ".":
                    t = rdata[1].lower()
                    mx_targets.add(t.rstrip(".") if t.endswith(".") else f"{t}.{origin}")
    return addrs, cnames, mx_targets


def addresses_of(name: str, addrs: dict, cnames: dict) -> set:
    """The addresses a name resolves to in the zones, following CNAMEs (at most 8)."""
    name = name.lower().rstrip(".")
    for _ in range(8):
        if name not in cnames:
            break
        name = cnames[name]
    return addrs.get(name, set())


def zone_of(addr) -> str | None:
    rev = addr.reverse_pointer
    for z in REVERSE_ZONES:
        if rev.endswith("." + z):
            return z
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--map", required=True)
    ap.add_argument("--forward", action="append", default=[], help="a forward zone template")
    ap.add_argument("--implicit", action="append", default=[],
                    help="an implicit-MX host (no MX record; its addresses need PTRs too)")
    ap.add_argument("--serial", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    entries = read_map(args.map)
    addrs, cnames, mx_targets = read_forward(args.forward)
    by_zone: dict[str, list[str]] = {z: [] for z in REVERSE_ZONES}
    mapped = set()
    for addr, names in entries:
        z = zone_of(addr)
        if z is None:
            fail(f"{addr} is in none of the reverse zones {', '.join(REVERSE_ZONES)}")
        mapped.add(addr)
        rel = addr.reverse_pointer[: -len(z) - 1]
        for n in names:
            unconfirmed = n.startswith("~")
            n = n.lstrip("~")
            if not unconfirmed and addr not in addresses_of(n, addrs, cnames):
                fail(f"PTR {addr} -> {n} does not resolve back: the zones give {n} no address {addr} "
                     f"(write ~{n} for a deliberately unconfirmed PTR)")
            by_zone[z].append(f"{rel:<64} IN PTR {n}")
    for host in sorted(mx_targets | {h.lower().rstrip(".") for h in args.implicit}):
        for a in sorted(addresses_of(host, addrs, cnames), key=str):
            if a not in mapped:
                fail(f"{a} (address of the MX host {host}) has no line in {args.map} "
                     f"(write '{a} -' for no PTR on purpose)")
    os.makedirs(args.out, exist_ok=True)
    for z, records in by_zone.items():
        with open(os.path.join(args.out, f"{z}.zone"), "w", encoding="utf-8") as f:
            f.write(f"; generated by tests/world/ptrzones.py from {os.path.basename(args.map)} -- unsigned\n"
                    f"$ORIGIN {z}.\n$TTL 300\n"
                    f"@ IN SOA ns.test. hostmaster.test. ( {args.serial} 3600 600 86400 300 )\n"
                    f"@ IN NS  ns.test.\n")
            f.write("\n".join(records) + ("\n" if records else ""))
        print(z)
    return 0


if __name__ == "__main__":
    sys.exit(main())

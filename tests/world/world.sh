#!/usr/bin/env bash
# The mxhealth DNS test world: an authoritative NSD serving a DNSSEC-signed
# zone "test." (plus an unsigned and a bogus child) inside a private network
# namespace.  See tests/world/README.md.
#
#   world.sh up STATE_DIR     (re)create the world, state and keys in STATE_DIR
#   world.sh down STATE_DIR   stop NSD, delete the namespace
#
# Environment: MXH_NETNS  name of the network namespace (default "mxhw").
# Needs root, nsd, ldnsutils (ldns-keygen, ldns-signzone, ldns-key2ds),
# dnsutils (dig) and iproute2.
#
# No traffic ever leaves the namespace: it only has a loopback interface.
set -euo pipefail

NS="${MXH_NETNS:-mxhw}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ZONES_SRC="$HERE/zones"

die() { echo "world.sh: error: $*" >&2; exit 1; }
log() { echo "world.sh: $*" >&2; }

usage() {
    echo "usage: $0 up|down STATE_DIR   (env MXH_NETNS, default mxhw)" >&2
    exit 2
}

need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "required program '$c' not found"
    done
}

# True if PID is alive and is an nsd process.
is_nsd() {
    local pid="$1" comm
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    [[ "$comm" == nsd* ]]
}

# Wait (bounded) until PID is gone.  Returns 1 if it is still there.
wait_gone() {
    local pid="$1" tries="$2"
    while (( tries-- > 0 )); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    ! kill -0 "$pid" 2>/dev/null
}

# Stop one nsd (main) process and its process group (setsid made it a
# group leader; the group only holds NSD's own children).
stop_nsd() {
    local pid="$1"
    is_nsd "$pid" || return 0
    log "stopping nsd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 100; then
        log "nsd (pid $pid) ignored SIGTERM, sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 50 || die "could not stop nsd (pid $pid)"
    fi
    # NSD's children (xfrd, server) normally exit with the parent.
    if pgrep -g "$pid" >/dev/null 2>&1; then
        kill -KILL -- "-$pid" 2>/dev/null || true
        sleep 0.2
    fi
}

do_down() {
    local state="$1" pid
    if [[ -f "$state/nsd.pid.world" ]]; then
        pid="$(cat "$state/nsd.pid.world" 2>/dev/null || true)"
        stop_nsd "$pid"
        rm -f "$state/nsd.pid.world"
    fi
    if ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$NS"; then
        # Left-overs of an earlier world (e.g. another STATE_DIR) in OUR
        # namespace: stop any nsd still running in it, by pid.
        for pid in $(ip netns pids "$NS" 2>/dev/null || true); do
            if is_nsd "$pid"; then
                stop_nsd "$pid"
            fi
        done
        ip netns del "$NS" 2>/dev/null || true
        ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$NS" \
            && die "could not delete network namespace $NS"
    fi
    rm -rf "/etc/netns/$NS"
    rm -f "$state/env"
}

keygen() {  # keygen DIR ZONE [-k]  -> prints key base name (absolute)
    local dir="$1" zone="$2"; shift 2
    (cd "$dir" && ldns-keygen -a ECDSAP256SHA256 "$@" "$zone") \
        | tail -n 1 | sed "s|^|$dir/|"
}

render() {  # render TEMPLATE OUT
    sed -e "s/@SERIAL@/$SERIAL/g" "$1" > "$2"
}

sign() {  # sign ZONEFILE ORIGIN OUT KEYBASE...
    local zf="$1" origin="$2" out="$3"; shift 3
    ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" -o "$origin" -f "$out" "$zf" "$@" \
        || die "ldns-signzone failed for $origin"
}

do_up() {
    local state="$1"
    need ip nsd ldns-keygen ldns-signzone ldns-key2ds dig setsid
    [[ "$(id -u)" == 0 ]] || die "must run as root (network namespaces, port 53)"
    [[ -d "$ZONES_SRC" ]] || die "zone templates not found in $ZONES_SRC"

    do_down "$state"

    local keys="$state/keys" zones="$state/zones"
    rm -rf "$keys" "$zones"
    mkdir -p "$keys" "$zones"
    rm -f "$state/nsd.log" "$state/nsd.pid" "$state/nsd.stdout" "$state/test.ta"
    rm -rf "$state"/nsd-xfr-*

    SERIAL="$(date -u +%s)"
    INCEPTION=$(( SERIAL - 86400 ))          # tolerate clock skew
    EXPIRATION=$(( SERIAL + 30 * 86400 ))

    # --- keys (fresh every time) -------------------------------------------
    local test_ksk test_zsk bogus_ksk bogus_zsk decoy
    test_ksk="$(keygen "$keys" test. -k)"
    test_zsk="$(keygen "$keys" test.)"
    bogus_ksk="$(keygen "$keys" bogus.test. -k)"
    bogus_zsk="$(keygen "$keys" bogus.test.)"
    decoy="$(keygen "$keys" bogus.test. -k)"   # its DS goes into test.: mismatch
    local k
    for k in "$test_ksk" "$test_zsk" "$bogus_ksk" "$bogus_zsk" "$decoy"; do
        [[ -f "$k.key" && -f "$k.private" ]] || die "ldns-keygen did not create $k.key/.private"
    done

    # --- zones ---------------------------------------------------------------
    # bogus.test: signed with its own keys
    render "$ZONES_SRC/bogus.test.zone" "$zones/bogus.test.zone"
    sign "$zones/bogus.test.zone" bogus.test. "$zones/bogus.test.zone.signed" \
        "$bogus_ksk" "$bogus_zsk"

    # insecure.test: not signed at all
    render "$ZONES_SRC/insecure.test.zone" "$zones/insecure.test.zone"

    # test.: template + DS of the DECOY key for bogus.test, then signed
    render "$ZONES_SRC/test.zone" "$zones/test.zone"
    {
        echo "; DS for bogus.test. -- deliberately of a key the child does NOT use"
        ldns-key2ds -n -2 "$decoy.key"
    } >> "$zones/test.zone"
    sign "$zones/test.zone" test. "$zones/test.zone.signed" "$test_ksk" "$test_zsk"

    # sanity: the published DS must not match the child's real key
    local real_ds bad_ds
    real_ds="$(ldns-key2ds -n -2 "$bogus_ksk.key" | awk '{print $NF}')"
    bad_ds="$(ldns-key2ds -n -2 "$decoy.key" | awk '{print $NF}')"
    [[ "$real_ds" != "$bad_ds" ]] || die "decoy DS equals the real DS of bogus.test"

    # --- trust anchor for test. (DS of the KSK, SHA-256) --------------------
    ldns-key2ds -n -2 "$test_ksk.key" > "$state/test.ta"
    grep -q '[[:space:]]DS[[:space:]]' "$state/test.ta" || die "could not create $state/test.ta"

    # --- NSD configuration ---------------------------------------------------
    cat > "$state/nsd.conf" <<EOF
# generated by tests/world/world.sh -- do not edit
server:
    ip-address: 127.0.0.1@53
    ip-address: ::1@53
    do-ip4: yes
    do-ip6: yes
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$zones"
    pidfile: "$state/nsd.pid"
    zonelistfile: "$state/zone.list"
    xfrdfile: "$state/xfrd.state"
    xfrdir: "$state"
    logfile: "$state/nsd.log"
    verbosity: 1
    hide-version: yes
    hide-identity: yes
    refuse-any: no

remote-control:
    control-enable: no

zone:
    name: "test."
    zonefile: "$zones/test.zone.signed"

zone:
    name: "insecure.test."
    zonefile: "$zones/insecure.test.zone"

zone:
    name: "bogus.test."
    zonefile: "$zones/bogus.test.zone.signed"
EOF
    rm -f "$state/zone.list" "$state/xfrd.state"
    nsd-checkconf "$state/nsd.conf" || die "nsd-checkconf rejected $state/nsd.conf"

    # --- namespace -------------------------------------------------------------
    ip netns add "$NS" || die "could not create network namespace $NS"
    ip -n "$NS" link set lo up
    mkdir -p "/etc/netns/$NS"
    printf 'nameserver 127.0.0.1\n' > "/etc/netns/$NS/resolv.conf"

    # Wait until ::1 is usable in the namespace (IPv6 DAD is skipped on lo,
    # but give the kernel a moment).
    local _
    for _ in $(seq 50); do
        ip -n "$NS" -6 addr show dev lo 2>/dev/null | grep -q '::1/128' && break
        sleep 0.1
    done

    # --- start NSD -------------------------------------------------------------
    # setsid: own session and process group (no controlling terminal). This
    # script has no job control, so the background child is not a group
    # leader and setsid execs in place: $! is NSD's pid (ip netns exec execs too).
    setsid ip netns exec "$NS" nsd -d -c "$state/nsd.conf" \
        >"$state/nsd.stdout" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" > "$state/nsd.pid.world"

    local up=0 deadline=$(( SECONDS + 10 ))
    while (( SECONDS < deadline )); do
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        if ip netns exec "$NS" dig +short +time=1 +tries=1 @127.0.0.1 SOA test. 2>/dev/null \
                | grep -q 'ns.test.'; then
            up=1
            break
        fi
        sleep 0.1
    done
    if (( ! up )); then
        echo "world.sh: error: NSD did not come up in namespace $NS" >&2
        echo "---- $state/nsd.stdout ----" >&2; cat "$state/nsd.stdout" >&2 2>/dev/null || true
        echo "---- $state/nsd.log ----" >&2; tail -n 30 "$state/nsd.log" >&2 2>/dev/null || true
        do_down "$state" || true
        exit 1
    fi
    is_nsd "$pid" || { do_down "$state" || true; die "process $pid is not nsd"; }
    # IPv6 listener too
    ip netns exec "$NS" dig +short +time=1 +tries=2 @::1 SOA test. | grep -q 'ns.test.' \
        || { do_down "$state" || true; die "NSD does not answer on ::1 in namespace $NS"; }

    cat > "$state/env" <<EOF
MXH_NETNS=$NS
MXH_TRUST_ANCHOR=$state/test.ta
MXH_WORLD_STATE=$state
EOF
    log "world is up: namespace $NS, nsd pid $pid, trust anchor $state/test.ta"
}

[[ $# -eq 2 ]] || usage
cmd="$1"
[[ -n "$2" ]] || usage
mkdir -p "$2"
STATE="$(cd "$2" && pwd -P)"

case "$cmd" in
    up)   do_up "$STATE" ;;
    down) need ip; do_down "$STATE"; log "world is down (namespace $NS)" ;;
    *)    usage ;;
esac

#!/usr/bin/env bash
# The mxhealth test world: an authoritative NSD serving a DNSSEC-signed
# zone "test." (plus an unsigned and a bogus child, and the unsigned reverse
# zones), and the SMTP world: two real Postfix instances, a scriptable
# misbehaving SMTP server (badsmtp.py), a throwaway test CA and nftables rules;
# and for issue 6 a DNS proxy that drops one test blocklist (dnsproxy.py) and
# the MTA-STS policy servers (mtasts.py); for issue 19 a validating unbound
# (the resolver of the reference DANE sender) -- all inside a private network
# namespace.  See tests/world/README.md.
#
#   world.sh up STATE_DIR     (re)create the world, state and keys in STATE_DIR
#   world.sh down STATE_DIR   stop every server, delete the namespace
#
# Environment: MXH_NETNS  name of the network namespace (default "mxhw").
# Needs root, nsd, ldnsutils (ldns-keygen, ldns-signzone, ldns-key2ds),
# dnsutils (dig), iproute2, openssl, postfix, nftables, bsdutils (script),
# unbound and /usr/bin/python3.
#
# No traffic ever leaves the namespace: it only has a loopback interface, and
# every server address is on that interface.
set -euo pipefail

NS="${MXH_NETNS:-mxhw}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ZONES_SRC="$HERE/zones"
BADSMTP="$HERE/badsmtp.py"
DNSPROXY="$HERE/dnsproxy.py"
MTASTS="$HERE/mtasts.py"
PTRZONES="$HERE/ptrzones.py"
PYTHON=/usr/bin/python3

# --- the SMTP world's addresses (they must match zones/test.zone) ------------
PF1_NAME=mx1.smtp.test
PF1_ADDRS=(198.51.100.25 2001:db8:25::25)
PF2_NAME=mx2.smtp.test
PORT25BLOCKED_ADDR=198.51.100.125          # mx.port25blocked.bad.test, served by Postfix mx2
PF2_ADDRS=(203.0.113.25 2001:db8:26::25 "$PORT25BLOCKED_ADDR")
REFUSED_ADDR=203.0.113.119                 # mx.refused.bad.test: nothing listens
BLACKHOLE_ADDR=203.0.113.120               # mx.blackhole.bad.test: nftables drops all TCP
POSTFIX_PORTS=(25 587 465)

# --- issue 6 --------------------------------------------------------------------
PROXY_ADDR=127.0.0.2                       # dnsproxy.py: forwards to NSD, drops SLOW_ZONE
SLOW_ZONE=slow.dnsbl.test

# --- issue 19 -------------------------------------------------------------------
VALIDATOR_ADDR=127.0.0.4                   # unbound: validating resolver, forwards to NSD

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

# True if PID is alive and is an unbound process.
is_unbound() {
    local pid="$1" comm
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    [[ "$comm" == unbound ]]
}

# True if PID is gone (a zombie counts as gone: it only waits to be reaped).
pid_gone() {
    local pid="$1" state
    kill -0 "$pid" 2>/dev/null || return 0
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 0
    [[ -z "$state" || "$state" == Z ]]
}

# Wait (bounded) until PID is gone.  Returns 1 if it is still there.
wait_gone() {
    local pid="$1" tries="$2"
    while (( tries-- > 0 )); do
        pid_gone "$pid" && return 0
        sleep 0.1
    done
    pid_gone "$pid"
}

# Stop one daemon that is the leader of its own process group (setsid), and
# whatever is left in that group (the group only holds the daemon's children).
stop_daemon() {
    local pid="$1" label="$2"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    pid_gone "$pid" && return 0
    log "stopping $label (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 100; then
        log "$label (pid $pid) ignored SIGTERM, sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 50 || die "could not stop $label (pid $pid)"
    fi
    # children normally exit with (or right after) their parent
    local tries=30
    while (( tries-- > 0 )) && pgrep -g "$pid" >/dev/null 2>&1; do
        sleep 0.1
    done
    if pgrep -g "$pid" >/dev/null 2>&1; then
        log "$label (pid $pid): killing what is left of its process group"
        kill -KILL -- "-$pid" 2>/dev/null || true
        sleep 0.2
    fi
}

# Stop one nsd (main) process and its process group (setsid made it a
# group leader; the group only holds NSD's own children).
stop_nsd() {
    is_nsd "$1" || return 0
    stop_daemon "$1" nsd
}

# True if PID is a Postfix master; with a second argument, the master of the
# instance whose configuration directory is DIR (postfix -c DIR puts
# MAIL_CONFIG=DIR into the master's environment).
is_postfix_master() {
    local pid="$1" dir="${2:-}" comm
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    [[ "$comm" == master ]] || return 1
    [[ -z "$dir" ]] && return 0
    { tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | grep -qxF "MAIL_CONFIG=$dir"
}

# True if PID is a badsmtp.py server.
is_badsmtp() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q 'badsmtp\.py'
}

# True if PID is one of our Python servers (dnsproxy.py, mtasts.py).
is_pyserver() {
    local pid="$1" script="$2"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$script"
}

# A Postfix daemon (a child of some master; they all run as user postfix).
is_postfix_child() {
    local pid="$1" comm
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    case "$comm" in
        smtpd|qmgr|tlsmgr|postlogd|anvil|cleanup|trivial-rewrite|proxymap|bounce|discard|error|scache|pickup|showq) ;;
        *) return 1 ;;
    esac
    [[ "$(stat -c %U "/proc/$pid" 2>/dev/null)" == postfix ]]
}

# SIGTERM to every server of the world in STATE at once (each verified by its
# PID file and what the process is), so that they shut down in parallel; the
# stop_* calls in do_down then only wait (and clean up what is left).
signal_world() {
    local state="$1" pid f name
    for name in mtasts dnsproxy; do
        pid="$(cat "$state/$name.pid" 2>/dev/null || true)"
        is_pyserver "$pid" "$HERE/$name.py" && kill -TERM "$pid" 2>/dev/null
    done
    pid="$(cat "$state/badsmtp.pid" 2>/dev/null || true)"
    is_badsmtp "$pid" && kill -TERM "$pid" 2>/dev/null
    for f in "$state"/postfix/*/queue/pid/master.pid; do
        [[ -f "$f" ]] || continue
        pid="$(tr -dc '0-9' < "$f" 2>/dev/null || true)"
        is_postfix_master "$pid" "${f%/queue/pid/master.pid}/etc" && kill -TERM "$pid" 2>/dev/null
    done
    pid="$(cat "$state/nsd.pid.world" 2>/dev/null || true)"
    is_nsd "$pid" && kill -TERM "$pid" 2>/dev/null
    pid="$(cat "$state/unbound.pid.world" 2>/dev/null || true)"
    is_unbound "$pid" && kill -TERM "$pid" 2>/dev/null
    return 0
}

do_down() {
    local state="$1" pid f dir name
    signal_world "$state"
    # the MTA-STS servers and the DNS proxy
    for name in mtasts dnsproxy; do
        if [[ -f "$state/$name.pid" ]]; then
            pid="$(cat "$state/$name.pid" 2>/dev/null || true)"
            if is_pyserver "$pid" "$HERE/$name.py"; then stop_daemon "$pid" "$name.py"; fi
            rm -f "$state/$name.pid" "$state/$name.ready"
        fi
    done
    # the SMTP world: badsmtp.py, then the Postfix instances
    if [[ -f "$state/badsmtp.pid" ]]; then
        pid="$(cat "$state/badsmtp.pid" 2>/dev/null || true)"
        if is_badsmtp "$pid"; then stop_daemon "$pid" badsmtp.py; fi
        rm -f "$state/badsmtp.pid" "$state/badsmtp.ready"
    fi
    for f in "$state"/postfix/*/queue/pid/master.pid; do
        [[ -f "$f" ]] || continue
        dir="${f%/queue/pid/master.pid}/etc"
        pid="$(tr -dc '0-9' < "$f" 2>/dev/null || true)"
        if is_postfix_master "$pid" "$dir"; then stop_daemon "$pid" "postfix master of $dir"; fi
    done
    if [[ -f "$state/nsd.pid.world" ]]; then
        pid="$(cat "$state/nsd.pid.world" 2>/dev/null || true)"
        stop_nsd "$pid"
        rm -f "$state/nsd.pid.world"
    fi
    if [[ -f "$state/unbound.pid.world" ]]; then
        pid="$(cat "$state/unbound.pid.world" 2>/dev/null || true)"
        if is_unbound "$pid"; then stop_daemon "$pid" unbound; fi
        rm -f "$state/unbound.pid.world" "$state/unbound.pid"
    fi
    if ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$NS"; then
        # Left-overs of an earlier world (e.g. another STATE_DIR) in OUR
        # namespace: stop our kinds of servers still running in it, by pid.
        for pid in $(ip netns pids "$NS" 2>/dev/null || true); do
            pid_gone "$pid" && continue
            if is_nsd "$pid"; then
                stop_nsd "$pid"
            elif is_unbound "$pid"; then
                stop_daemon "$pid" unbound
            elif is_postfix_master "$pid"; then
                stop_daemon "$pid" "postfix master"
            elif is_badsmtp "$pid"; then
                stop_daemon "$pid" badsmtp.py
            elif is_pyserver "$pid" dnsproxy.py; then
                stop_daemon "$pid" dnsproxy.py
            elif is_pyserver "$pid" mtasts.py; then
                stop_daemon "$pid" mtasts.py
            fi
        done
        # Postfix daemons whose master is gone
        for pid in $(ip netns pids "$NS" 2>/dev/null || true); do
            pid_gone "$pid" && continue
            if is_postfix_child "$pid"; then
                log "killing orphaned postfix daemon $(cat "/proc/$pid/comm" 2>/dev/null) (pid $pid)"
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done
        for pid in $(ip netns pids "$NS" 2>/dev/null || true); do
            pid_gone "$pid" && continue
            log "warning: process $pid ($({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-80)) still runs in namespace $NS; not ours to stop"
        done
        # the addresses on lo and the nftables rules go with the namespace
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

render() {  # render TEMPLATE OUT  (the TLSA_* values come from tlsa_values)
    sed -e "s/@SERIAL@/$SERIAL/g" \
        -e "s/@TLSA_MX1_SPKI@/$TLSA_MX1_SPKI/g" \
        -e "s/@TLSA_MX2_SPKI@/$TLSA_MX2_SPKI/g" \
        -e "s/@TLSA_MX1_CERT@/$TLSA_MX1_CERT/g" \
        -e "s/@TLSA_DANEEXPIRED_SPKI@/$TLSA_DANEEXPIRED_SPKI/g" \
        -e "s/@TLSA_DANEWRONGNAME_SPKI@/$TLSA_DANEWRONGNAME_SPKI/g" \
        -e "s/@TLSA_CA_SPKI@/$TLSA_CA_SPKI/g" "$1" > "$2"
    ! grep -n '@[A-Z0-9_]*@' "$2" >&2 || die "$1: a placeholder was left unreplaced (see above)"
}

sign() {  # sign ZONEFILE ORIGIN OUT KEYBASE...
    local zf="$1" origin="$2" out="$3"; shift 3
    ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" -o "$origin" -f "$out" "$zf" "$@" \
        || die "ldns-signzone failed for $origin"
}

# ---------------------------------------------------------------------------
# The SMTP world
# ---------------------------------------------------------------------------

# "NAME ADDRESS CERT HOST" for every scenario of badsmtp.py (its table is the
# single source of the scenarios).
BAD_SCENARIOS=()
read_scenarios() {
    local line
    BAD_SCENARIOS=()
    while IFS= read -r line; do
        [[ -n "$line" ]] && BAD_SCENARIOS+=("$line")
    done < <("$PYTHON" "$BADSMTP" --list) || die "badsmtp.py --list failed"
    (( ${#BAD_SCENARIOS[@]} > 0 )) || die "badsmtp.py --list printed no scenario"
}

# "DOMAIN ADDRESS CERT CERT_NAME" for every MTA-STS site of mtasts.py (its
# table is the single source of the sites).
STS_SITES=()
read_sts_sites() {
    local line
    STS_SITES=()
    while IFS= read -r line; do
        [[ -n "$line" ]] && STS_SITES+=("$line")
    done < <("$PYTHON" "$MTASTS" --list) || die "mtasts.py --list failed"
    (( ${#STS_SITES[@]} > 0 )) || die "mtasts.py --list printed no site"
}

# zone_has OWNER TYPE VALUE: the template of test. has this record.
zone_has() {
    awk -v o="$1" -v t="$2" -v v="$3" \
        '$1 == o && $2 == "IN" && $3 == t && $4 == v { found = 1 } END { exit !found }' \
        "$ZONES_SRC/test.zone"
}

# The addresses in world.sh / badsmtp.py and the zone must agree: a typo
# would silently turn a scenario into "no route".
check_zone_addresses() {
    local a entry name addr cert host owner
    for a in "${PF1_ADDRS[@]}"; do
        zone_has mx1.smtp "$([[ $a == *:* ]] && echo AAAA || echo A)" "$a" \
            || die "zones/test.zone: mx1.smtp has no address $a"
    done
    for a in "${PF2_ADDRS[@]:0:2}"; do
        zone_has mx2.smtp "$([[ $a == *:* ]] && echo AAAA || echo A)" "$a" \
            || die "zones/test.zone: mx2.smtp has no address $a"
    done
    zone_has mx.port25blocked.bad A "$PORT25BLOCKED_ADDR" || die "zones/test.zone: mx.port25blocked.bad"
    zone_has mx.refused.bad A "$REFUSED_ADDR" || die "zones/test.zone: mx.refused.bad"
    zone_has mx.blackhole.bad A "$BLACKHOLE_ADDR" || die "zones/test.zone: mx.blackhole.bad"
    for entry in "${BAD_SCENARIOS[@]}"; do
        # host mx.NAME.bad.test of the domain NAME.bad.test (or mx.DOMAIN.test of DOMAIN.test)
        read -r name addr cert host <<<"$entry"
        owner="${host%.test}"
        zone_has "$owner" A "$addr" \
            || die "zones/test.zone has no '$owner IN A $addr' (badsmtp.py scenario $name)"
        zone_has "${owner#mx.}" MX 10 || die "zones/test.zone has no 'MX 10' for ${owner#mx.}"
    done
    for entry in "${STS_SITES[@]}"; do
        read -r name addr cert <<<"$entry"
        zone_has "mta-sts.${name%.test}" A "$addr" \
            || die "zones/test.zone has no 'mta-sts.${name%.test} IN A $addr' (mtasts.py site $name)"
    done
}

# Every domain with an MX record in the template of test. has one SPF record
# and a _dmarc record (so that the SPF and DMARC checks add nothing to the
# verdicts of the older cases), except the deliberate SPF/DMARC cases.
check_zone_spf_dmarc() {
    awk '
        $1 ~ /^;/ || $2 != "IN" { next }
        $3 == "MX"                                 { mx[$1] = 1 }
        $3 == "TXT" && $4 ~ /^"v=spf1/             { spf[$1]++ }
        $3 == "TXT" && $4 ~ /^"v=DMARC1/           { dmarc[$1]++ }
        END {
            bad = 0
            for (d in mx) {
                if (d == "spfnone") continue          # no SPF, no DMARC on purpose
                if (!(d in spf))  { print "zones/test.zone: " d ".test has an MX but no SPF record"; bad = 1 }
                if (!(("_dmarc." d) in dmarc)) { print "zones/test.zone: " d ".test has an MX but no _dmarc record"; bad = 1 }
                if (spf[d] > 1 && d != "spfmulti") { print "zones/test.zone: " d ".test has " spf[d] " SPF records"; bad = 1 }
                if (dmarc["_dmarc." d] > 1 && d != "dmarcmulti") { print "zones/test.zone: " d ".test has several DMARC records"; bad = 1 }
            }
            exit bad
        }' "$ZONES_SRC/test.zone" >&2 || die "SPF/DMARC records missing in zones/test.zone (see above)"
}

# Every address of the SMTP world (and of the MTA-STS hosts), one per line.
smtp_addresses() {
    local entry name addr cert
    printf '%s\n' "${PF1_ADDRS[@]}" "${PF2_ADDRS[@]}" "$REFUSED_ADDR" "$BLACKHOLE_ADDR"
    for entry in "${BAD_SCENARIOS[@]}" "${STS_SITES[@]}"; do
        read -r name addr cert _ <<<"$entry"
        echo "$addr"
    done
}

# --- the test CA and the server certificates --------------------------------
# openssl time format for "now + DAYS days"
odate() { date -u -d "@$(( NOW + $1 * 86400 ))" +%Y%m%d%H%M%SZ; }

# leaf NAME KEYTYPE(ec|rsa) FROM_DAYS TO_DAYS DNS_NAME...  (first name is the CN)
leaf() {
    local tls="$1" name="$2" ktype="$3" from="$4" to="$5"; shift 5
    local san="" n
    for n in "$@"; do san+="${san:+,}DNS:$n"; done
    [[ -s "$tls/$name.key" ]] || genkey "$tls/$name.key" "$ktype"   # (genkeys made most already)
    openssl req -new -config "$tls/openssl.cnf" -key "$tls/$name.key" -subj "/CN=$1" \
        -out "$tls/$name.csr" 2>>"$tls/openssl.log" || die "openssl req failed for $name"
    MXH_SAN="$san" openssl ca -batch -config "$tls/openssl.cnf" -notext -extensions v3_leaf \
        -startdate "$(odate "$from")" -enddate "$(odate "$to")" \
        -in "$tls/$name.csr" -out "$tls/$name.crt" >>"$tls/openssl.log" 2>&1 \
        || { cat "$tls/openssl.log" >&2; die "openssl ca failed for $name"; }
}

genkey() {  # genkey FILE ec|rsa
    if [[ "$2" == rsa ]]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>>"${1%/*}/openssl.log"
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>>"${1%/*}/openssl.log"
    fi || die "openssl genpkey failed for $1"
    chmod 600 "$1"
}

# genkeys TLS: every private key of make_certs, in parallel (a key that fails
# here is simply made again, with its error, when it is needed)
genkeys() {
    local tls="$1" k entry name addr cert
    local -a keys=(ca:ec mx1:ec mx2:rsa good:ec expired:ec expiring:ec wrongname:ec selfsigned:ec
                   daneexpired:ec danewrongname:ec danetawrongname:ec danetagood:ec)
    for entry in "${STS_SITES[@]}"; do
        read -r name addr cert _ <<<"$entry"
        [[ "$cert" == - ]] || keys+=("$cert:ec")
    done
    for k in "${keys[@]}"; do
        genkey "$tls/${k%%:*}.key" "${k#*:}" 2>/dev/null &
    done
    wait || true
}

make_certs() {
    local state="$1" tls="$1/tls" entry name addr cert host good=()
    rm -rf "$tls"
    mkdir -p "$tls/newcerts"
    : > "$tls/index.txt"
    openssl rand -hex 8 > "$tls/serial"
    NOW="$(date -u +%s)"
    cat > "$tls/openssl.cnf" <<EOF
# generated by tests/world/world.sh: the world's throwaway test CA
MXH_SAN = DNS:unused.test
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca ]
default_ca = world_ca
[ world_ca ]
certificate = $tls/ca.pem
private_key = $tls/ca.key
database = $tls/index.txt
new_certs_dir = $tls/newcerts
serial = $tls/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::MXH_SAN}
[ v3_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = \${ENV::MXH_SAN}
EOF
    genkeys "$tls"
    [[ -s "$tls/ca.key" ]] || genkey "$tls/ca.key" ec
    openssl req -x509 -new -config "$tls/openssl.cnf" -key "$tls/ca.key" -sha256 \
        -subj "/O=mxhealth test world/CN=Test CA" -extensions v3_ca -days 365 \
        -out "$tls/ca.pem" 2>>"$tls/openssl.log" || die "could not create the test CA"

    # the Postfix instances: mx1 EC P-256, mx2 RSA 2048 (it also serves
    # mx.port25blocked.bad.test); valid from yesterday for 91 days (89 or 90 days left)
    leaf "$tls" mx1 ec -1 90 "$PF1_NAME"
    leaf "$tls" mx2 rsa -1 90 "$PF2_NAME" mx.port25blocked.bad.test
    # badsmtp.py: one certificate for every scenario with cert "good"
    for entry in "${BAD_SCENARIOS[@]}"; do
        read -r name addr cert host <<<"$entry"
        [[ "$cert" == good ]] && good+=("$host")
    done
    leaf "$tls" good ec -1 90 "${good[@]}"
    leaf "$tls" expired ec -100 -10 mx.expired.bad.test
    leaf "$tls" expiring ec -80 10 mx.expiring.bad.test
    leaf "$tls" wrongname ec -1 90 mx.elsewhere.test
    # the senders model (issue 19): DANE-EE with an expired certificate and with
    # another name; DANE-TA (the test CA) with another name and with the right one
    leaf "$tls" daneexpired ec -100 -10 mx.daneexpired.test
    leaf "$tls" danewrongname ec -1 90 mx.elsewhere.test
    leaf "$tls" danetawrongname ec -1 90 mx.elsewhere.test
    leaf "$tls" danetagood ec -1 90 mx.danetagood.test
    # the MTA-STS policy servers (mtasts.py): one certificate per site
    local cert_name
    for entry in "${STS_SITES[@]}"; do
        read -r name addr cert cert_name <<<"$entry"
        [[ "$cert" == - ]] || leaf "$tls" "$cert" ec -1 90 "$cert_name"
    done
    [[ -s "$tls/selfsigned.key" ]] || genkey "$tls/selfsigned.key" ec
    MXH_SAN="DNS:mx.selfsigned.bad.test" openssl req -x509 -new -config "$tls/openssl.cnf" \
        -key "$tls/selfsigned.key" -sha256 -subj "/CN=mx.selfsigned.bad.test" \
        -extensions v3_self -days 90 -out "$tls/selfsigned.crt" 2>>"$tls/openssl.log" \
        || die "could not create the self-signed certificate"
    # every certificate badsmtp.py asks for must exist; CERT.chain.pem is the
    # certificate followed by the test CA's (for the scenarios that send the chain)
    for entry in "${BAD_SCENARIOS[@]}"; do
        read -r name addr cert host <<<"$entry"
        [[ "$cert" == - ]] && continue
        [[ -s "$tls/$cert.crt" ]] || die "no certificate '$cert' for scenario $name"
        cat "$tls/$cert.crt" "$tls/ca.pem" > "$tls/$cert.chain.pem"
    done
    cp "$tls/ca.pem" "$state/ca.pem"
}

# --- TLSA data (DANE), from the certificates just made ---------------------------
# (a PEM block is base64 of the DER bytes, so sed + base64 -d gives the DER)
pem_sha256() { sed '/^-----/d' | base64 -d | sha256sum | awk '{print $1}'; }
spki_sha256() {  # SHA-256 of the DER SubjectPublicKeyInfo of a certificate (selector 1, type 1)
    openssl x509 -in "$1" -noout -pubkey | pem_sha256
}
cert_sha256() {  # SHA-256 of the whole DER certificate (selector 0, type 1)
    openssl x509 -in "$1" | pem_sha256
}
tlsa_values() {
    local tls="$1/tls" v
    TLSA_MX1_SPKI="$(spki_sha256 "$tls/mx1.crt")"
    TLSA_MX2_SPKI="$(spki_sha256 "$tls/mx2.crt")"
    TLSA_MX1_CERT="$(cert_sha256 "$tls/mx1.crt")"
    TLSA_DANEEXPIRED_SPKI="$(spki_sha256 "$tls/daneexpired.crt")"
    TLSA_DANEWRONGNAME_SPKI="$(spki_sha256 "$tls/danewrongname.crt")"
    TLSA_CA_SPKI="$(spki_sha256 "$tls/ca.pem")"       # DANE-TA (2 1 1): the test CA's key
    for v in "$TLSA_MX1_SPKI" "$TLSA_MX2_SPKI" "$TLSA_MX1_CERT" "$TLSA_DANEEXPIRED_SPKI" \
             "$TLSA_DANEWRONGNAME_SPKI" "$TLSA_CA_SPKI"; do
        [[ "$v" =~ ^[0-9a-f]{64}$ ]] || die "could not compute the TLSA data ('$v')"
    done
}

# --- Postfix ------------------------------------------------------------------
# setup_postfix STATE NAME HOSTNAME CERT ADDRESS...
setup_postfix() {
    local state="$1" name="$2" host="$3" cert="$4"; shift 4
    local dir="$state/postfix/$name" a ifaces=""
    for a in "$@"; do
        [[ "$a" == *:* ]] && a="[$a]"
        ifaces+="${ifaces:+, }$a"
    done
    mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
    chown postfix:postfix "$dir/data"
    chmod 700 "$dir/data"
    : > "$state/postfix-$name.log"
    cat > "$dir/etc/main.cf" <<EOF
# generated by tests/world/world.sh -- Postfix instance $name ($host)
# Accepts nothing for delivery: every transport is discard:.
compatibility_level = 3.6
config_directory = $dir/etc
queue_directory = $dir/queue
data_directory = $dir/data
myhostname = $host
mydomain = ${host#*.}
myorigin = \$myhostname
mydestination =
relay_domains =
relayhost =
mynetworks = 127.0.0.0/8
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = $ifaces
inet_protocols = all
local_transport = discard:
default_transport = discard:
relay_transport = discard:
maillog_file = $state/postfix-$name.log
maillog_file_prefixes = $state
smtpd_banner = \$myhostname ESMTP
smtpd_peername_lookup = no
smtpd_tls_cert_file = $state/tls/$cert.crt
smtpd_tls_key_file = $state/tls/$cert.key
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database =
smtpd_relay_restrictions = reject
biff = no
EOF
    cat > "$dir/etc/master.cf" <<'EOF'
# generated by tests/world/world.sh -- no chroot anywhere
# service  type  private unpriv  chroot  wakeup  maxproc command
smtp       inet  n       -       n       -       -       smtpd
submission inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
smtps      inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
proxymap   unix  -       -       n       -       -       proxymap
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
    # the master opens data_directory/master.lock as user postfix, and the
    # daemons use the queue as postfix: the path must be searchable by it
    setpriv --reuid=postfix --regid=postfix --clear-groups -- test -w "$dir/data" \
        || die "user postfix cannot reach $dir/data: make the parent directories of $state searchable (chmod o+x)"
}

# start_postfix STATE NAME: start it (check_listeners then waits until it listens)
start_postfix() {
    local state="$1" name="$2"
    local dir="$state/postfix/$name" out="$state/postfix-$name.start" pid
    # `postfix start` reports problems only on a terminal (and in the log):
    # script(1) gives it one.  The master daemonizes itself (setsid).
    if ! setsid -w ip netns exec "$NS" script -qec "postfix -c $(printf '%q' "$dir/etc") start" /dev/null \
            >"$out" 2>&1 </dev/null; then
        echo "---- $out ----" >&2; cat "$out" >&2 || true
        echo "---- $state/postfix-$name.log ----" >&2; tail -n 20 "$state/postfix-$name.log" >&2 || true
        die "postfix instance $name did not start"
    fi
    pid="$(tr -dc '0-9' < "$dir/queue/pid/master.pid" 2>/dev/null || true)"
    is_postfix_master "$pid" "$dir/etc" || die "postfix instance $name: no master process (pid '$pid')"
}

# check_listeners: every server of the world listens on each of its addresses
# and ports (one `ss` per try, 5 s at most; the servers start in parallel).
check_listeners() {
    local entry name addr cert a port missing="" tries=50
    local -A want=() have=()
    for a in "${PF1_ADDRS[@]}"; do for port in "${POSTFIX_PORTS[@]}"; do want["$(sockname "$a" "$port")"]="postfix mx1"; done; done
    for a in "${PF2_ADDRS[@]}"; do for port in "${POSTFIX_PORTS[@]}"; do want["$(sockname "$a" "$port")"]="postfix mx2"; done; done
    for entry in "${BAD_SCENARIOS[@]}"; do
        read -r name addr cert _ <<<"$entry"
        want["$(sockname "$addr" 25)"]="badsmtp.py ($name)"
    done
    for entry in "${STS_SITES[@]}"; do
        read -r name addr cert _ <<<"$entry"
        [[ "$cert" == - ]] || want["$(sockname "$addr" 443)"]="mtasts.py ($name)"
    done
    want["$(sockname "$PROXY_ADDR" 53)"]="dnsproxy.py (tcp)"
    while (( tries-- > 0 )); do
        have=()
        while read -r a; do have["$a"]=1; done < <(ip netns exec "$NS" ss -Hltn 2>/dev/null | awk '{print $4}')
        missing=""
        for a in "${!want[@]}"; do
            [[ -n "${have[$a]:-}" ]] || missing+="  ${want[$a]}: $a"$'\n'
        done
        [[ -z "$missing" ]] && return 0
        sleep 0.1
    done
    printf '%s' "$missing" >&2
    die "these servers do not listen (see above)"
}

sockname() {  # sockname ADDRESS PORT: how ss prints a listening socket
    if [[ "$1" == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi
}

# --- badsmtp.py, dnsproxy.py and mtasts.py -------------------------------------
# spawn_pyserver STATE NAME ARGS...: start tests/world/NAME.py in the namespace
# (setsid, own process group), PID in STATE/NAME.pid; does not wait.
spawn_pyserver() {
    local state="$1" name="$2"; shift 2
    rm -f "$state/$name.ready" "$state/$name.log"
    setsid ip netns exec "$NS" "$PYTHON" "$HERE/$name.py" "$@" \
        --log "$state/$name.log" --ready "$state/$name.ready" \
        >"$state/$name.stdout" 2>&1 </dev/null &
    echo "$!" > "$state/$name.pid"
}

# wait_pyserver STATE NAME: until it has written STATE/NAME.ready (10 s at most)
wait_pyserver() {
    local state="$1" name="$2" pid deadline=$(( SECONDS + 10 ))
    pid="$(cat "$state/$name.pid")"
    while [[ ! -f "$state/$name.ready" ]] && (( SECONDS < deadline )) && ! pid_gone "$pid"; do
        sleep 0.05
    done
    if [[ ! -f "$state/$name.ready" ]]; then
        echo "---- $state/$name.stdout ----" >&2; cat "$state/$name.stdout" >&2 || true
        die "$name.py did not come up"
    fi
}

# start_servers STATE: badsmtp.py, dnsproxy.py, mtasts.py and the two Postfix
# instances, all at once; returns when every one of them listens.
start_servers() {
    local state="$1" p1 p2 rc1=0 rc2=0
    spawn_pyserver "$state" badsmtp --tls-dir "$state/tls"
    spawn_pyserver "$state" dnsproxy --listen "$PROXY_ADDR" --upstream 127.0.0.1 --drop "$SLOW_ZONE"
    spawn_pyserver "$state" mtasts --tls-dir "$state/tls"
    # (a subshell does not inherit the EXIT trap; its die only ends the subshell)
    start_postfix "$state" mx1 & p1=$!
    start_postfix "$state" mx2 & p2=$!
    wait "$p1" || rc1=$?
    wait "$p2" || rc2=$?     # (both finished before any die: `down` then finds both)
    (( rc1 == 0 )) || die "postfix instance mx1 did not start"
    (( rc2 == 0 )) || die "postfix instance mx2 did not start"
    wait_pyserver "$state" badsmtp
    wait_pyserver "$state" dnsproxy
    wait_pyserver "$state" mtasts
    check_listeners
    ip netns exec "$NS" dig +short +time=1 +tries=2 "@$PROXY_ADDR" SOA test. | grep -q 'ns.test.' \
        || die "dnsproxy.py does not answer on $PROXY_ADDR (udp)"
    ip netns exec "$NS" dig +tcp +short +time=1 +tries=2 "@$PROXY_ADDR" SOA test. | grep -q 'ns.test.' \
        || die "dnsproxy.py does not answer on $PROXY_ADDR (tcp)"
}

# --- addresses and nftables -----------------------------------------------------
setup_smtp_network() {
    local state="$1" a
    while IFS= read -r a; do
        if [[ "$a" == *:* ]]; then
            ip -n "$NS" addr add "$a/128" dev lo nodad || die "could not add $a to lo in $NS"
        else
            ip -n "$NS" addr add "$a/32" dev lo || die "could not add $a to lo in $NS"
        fi
    done < <(smtp_addresses)
    cat > "$state/nftables.conf" <<EOF
# generated by tests/world/world.sh -- loaded inside the namespace $NS only
table inet mxh_world {
    chain input {
        type filter hook input priority filter; policy accept;
        # mx.blackhole.bad.test: a host that never answers (connect timeout)
        ip daddr $BLACKHOLE_ADDR meta l4proto tcp drop
        # mx.port25blocked.bad.test: only port 25 is dropped; 587 and 465 work
        ip daddr $PORT25BLOCKED_ADDR tcp dport 25 drop
    }
}
EOF
    ip netns exec "$NS" nft -f "$state/nftables.conf" || die "nft rejected $state/nftables.conf"
}

# --- the validating resolver (issue 19) ------------------------------------------
# start_validator STATE: start a validating unbound on VALIDATOR_ADDR:53 in
# the namespace (setsid, PID in STATE/unbound.pid.world), with the world's
# trust anchor, forwarding every query to NSD (so it never asks anyone else),
# no chroot, no privilege drop, no remote control; does not wait (see
# wait_validator).  The resolver of the reference DANE sender
# (tests/integration/dane_reference.py: posttls-finger).
start_validator() {
    local state="$1" rz
    {
        cat <<EOF
# generated by tests/world/world.sh -- the world's validating resolver
server:
    interface: $VALIDATOR_ADDR@53
    do-ip4: yes
    do-ip6: no
    do-udp: yes
    do-tcp: yes
    username: ""
    chroot: ""
    directory: "$state"
    pidfile: "$state/unbound.pid"
    logfile: "$state/unbound.log"
    use-syslog: no
    log-time-ascii: yes
    verbosity: 1
    val-log-level: 2
    log-servfail: yes
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    access-control: ::1/128 allow
    do-not-query-localhost: no
    module-config: "validator iterator"
    trust-anchor-file: "$state/test.ta"
    harden-dnssec-stripped: yes
    val-permissive-mode: no
    qname-minimisation: no
    trust-anchor-signaling: no
    # the world's zones are special-use names unbound would answer itself
    local-zone: "test." nodefault
EOF
        for rz in $REVERSE_ZONES; do
            printf '    local-zone: "%s." nodefault\n' "$rz"
        done
        cat <<EOF

remote-control:
    control-enable: no

# everything (the root too) goes to the world's NSD, which refuses what it
# does not serve: no query ever leaves the namespace
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@53
EOF
    } > "$state/unbound.conf"
    rm -f "$state/unbound.log" "$state/unbound.pid"
    unbound-checkconf "$state/unbound.conf" >/dev/null 2>"$state/unbound.stdout" \
        || { cat "$state/unbound.stdout" >&2; die "unbound-checkconf rejected $state/unbound.conf"; }
    setsid ip netns exec "$NS" unbound -d -c "$state/unbound.conf" \
        >"$state/unbound.stdout" 2>&1 </dev/null &
    echo "$!" > "$state/unbound.pid.world"
}

# wait_validator STATE: until unbound answers with validated (AD) answers (10 s at most)
wait_validator() {
    local state="$1" pid deadline
    pid="$(cat "$state/unbound.pid.world")"
    deadline=$(( SECONDS + 10 ))
    while (( SECONDS < deadline )) && ! pid_gone "$pid"; do
        if ip netns exec "$NS" dig +dnssec +time=1 +tries=1 "@$VALIDATOR_ADDR" SOA test. 2>/dev/null \
                | grep -q '^;; flags:.* ad'; then
            is_unbound "$pid" || die "process $pid is not unbound"
            return 0
        fi
        sleep 0.1
    done
    echo "---- $state/unbound.stdout ----" >&2; cat "$state/unbound.stdout" >&2 || true
    echo "---- $state/unbound.log ----" >&2; tail -n 30 "$state/unbound.log" >&2 || true
    die "unbound does not answer on $VALIDATOR_ADDR with validated (AD) answers"
}

# EXIT trap while `up` runs: a failed `up` leaves nothing running.
UP_STATE=""
up_exit() {
    local rc=$?
    if [[ -n "$UP_STATE" ]]; then
        trap - EXIT
        set +e
        echo "world.sh: error: 'up' failed (exit $rc); tearing the partial world down" >&2
        do_down "$UP_STATE"
        exit $(( rc == 0 ? 1 : rc ))
    fi
}

do_up() {
    local state="$1"
    need ip nsd ldns-keygen ldns-signzone ldns-key2ds dig setsid openssl postfix nft script ss setpriv \
         unbound unbound-checkconf
    [[ -x "$PYTHON" ]] || die "$PYTHON not found"
    [[ "$(id -u)" == 0 ]] || die "must run as root (network namespaces, port 53)"
    [[ -d "$ZONES_SRC" ]] || die "zone templates not found in $ZONES_SRC"
    id postfix >/dev/null 2>&1 || die "user postfix missing (is the postfix package installed?)"

    do_down "$state"
    UP_STATE="$state"
    trap up_exit EXIT

    # --- the SMTP world's files: scenarios, test CA, certificates, Postfix ---
    read_scenarios
    read_sts_sites
    check_zone_addresses
    check_zone_spf_dmarc
    # Postfix (user postfix) must be able to reach its queue and data directory
    chmod o+x "$state"
    make_certs "$state"
    tlsa_values "$state"
    rm -rf "$state/postfix"
    rm -f "$state"/postfix-*.log "$state"/postfix-*.start "$state/nftables.conf"
    setup_postfix "$state" mx1 "$PF1_NAME" mx1 "${PF1_ADDRS[@]}"
    setup_postfix "$state" mx2 "$PF2_NAME" mx2 "${PF2_ADDRS[@]}"

    local keys="$state/keys" zones="$state/zones"
    rm -rf "$keys" "$zones"
    mkdir -p "$keys" "$zones"
    rm -f "$state/nsd.log" "$state/nsd.pid" "$state/nsd.stdout" "$state/test.ta" "$state/wrong.ta"
    rm -rf "$state"/nsd-xfr-*

    SERIAL="$(date -u +%s)"
    INCEPTION=$(( SERIAL - 86400 ))          # tolerate clock skew
    EXPIRATION=$(( SERIAL + 30 * 86400 ))

    # --- keys (fresh every time) -------------------------------------------
    local test_ksk test_zsk bogus_ksk bogus_zsk decoy sigexp_ksk sigexp_zsk wrong_ksk
    test_ksk="$(keygen "$keys" test. -k)"
    test_zsk="$(keygen "$keys" test.)"
    bogus_ksk="$(keygen "$keys" bogus.test. -k)"
    bogus_zsk="$(keygen "$keys" bogus.test.)"
    decoy="$(keygen "$keys" bogus.test. -k)"   # its DS goes into test.: mismatch
    sigexp_ksk="$(keygen "$keys" sigexpired.test. -k)"
    sigexp_zsk="$(keygen "$keys" sigexpired.test.)"
    wrong_ksk="$(keygen "$keys" test. -k)"    # in no zone: its DS is STATE/wrong.ta
    local k
    for k in "$test_ksk" "$test_zsk" "$bogus_ksk" "$bogus_zsk" "$decoy" "$sigexp_ksk" \
             "$sigexp_zsk" "$wrong_ksk"; do
        [[ -f "$k.key" && -f "$k.private" ]] || die "ldns-keygen did not create $k.key/.private"
    done

    # --- zones ---------------------------------------------------------------
    # bogus.test: signed with its own keys
    render "$ZONES_SRC/bogus.test.zone" "$zones/bogus.test.zone"
    sign "$zones/bogus.test.zone" bogus.test. "$zones/bogus.test.zone.signed" \
        "$bogus_ksk" "$bogus_zsk"

    # insecure.test: not signed at all
    render "$ZONES_SRC/insecure.test.zone" "$zones/insecure.test.zone"

    # sigexpired.test: signed with its own keys, but every signature expired
    # 10 days ago (valid from 40 days ago); test. gets its correct DS below
    render "$ZONES_SRC/sigexpired.test.zone" "$zones/sigexpired.test.zone"
    ldns-signzone -i "$(( SERIAL - 40 * 86400 ))" -e "$(( SERIAL - 10 * 86400 ))" -o sigexpired.test. \
        -f "$zones/sigexpired.test.zone.signed" "$zones/sigexpired.test.zone" "$sigexp_ksk" "$sigexp_zsk" \
        || die "ldns-signzone failed for sigexpired.test."

    # the reverse zones, unsigned, from zones/ptr.map (checked against the
    # forward zones: every MX address has a line, every PTR resolves back)
    local reverse_zones
    reverse_zones="$("$PYTHON" "$PTRZONES" --map "$ZONES_SRC/ptr.map" \
        --forward "$ZONES_SRC/test.zone" --forward "$ZONES_SRC/insecure.test.zone" \
        --forward "$ZONES_SRC/bogus.test.zone" --forward "$ZONES_SRC/sigexpired.test.zone" \
        --implicit implicit.test --implicit implicitcname.test \
        --serial "$SERIAL" --out "$zones")" || die "could not make the reverse zones from zones/ptr.map"

    # test.: template + DS of the DECOY key for bogus.test + the real DS of
    # sigexpired.test, then signed
    render "$ZONES_SRC/test.zone" "$zones/test.zone"
    {
        echo "; DS for bogus.test. -- deliberately of a key the child does NOT use"
        ldns-key2ds -n -2 "$decoy.key"
        echo "; DS for sigexpired.test. -- correct (the child's signatures have expired)"
        ldns-key2ds -n -2 "$sigexp_ksk.key"
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
    # ... and one that does NOT match the world: the DS of a key for test. that
    # is in no zone (a resolver whose answers fail validation)
    ldns-key2ds -n -2 "$wrong_ksk.key" > "$state/wrong.ta"
    grep -q '[[:space:]]DS[[:space:]]' "$state/wrong.ta" || die "could not create $state/wrong.ta"
    cmp -s "$state/test.ta" "$state/wrong.ta" && die "wrong.ta equals test.ta"

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

zone:
    name: "sigexpired.test."
    zonefile: "$zones/sigexpired.test.zone.signed"
EOF
    local rz
    for rz in $reverse_zones; do
        printf '\nzone:\n    name: "%s."\n    zonefile: "%s"\n' "$rz" "$zones/$rz.zone" >> "$state/nsd.conf"
    done
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

    # the SMTP hosts' addresses on lo (before any server binds to them), and
    # the nftables rules of the black hole and the port-25 block
    setup_smtp_network "$state"

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

    ip netns exec "$NS" dig +short +time=1 +tries=2 @127.0.0.1 -x 198.51.100.25 | grep -qx 'mx1.smtp.test.' \
        || { do_down "$state" || true; die "NSD does not serve the reverse zones"; }

    # --- the servers ---------------------------------------------------------------
    REVERSE_ZONES="$reverse_zones"
    start_validator "$state"
    start_servers "$state"
    wait_validator "$state"
    # the resolver configuration of the reference DANE sender (glibc passes the
    # AD bit on only with trust-ad)
    printf 'nameserver %s\noptions trust-ad edns0\n' "$VALIDATOR_ADDR" > "$state/dane-resolv.conf"

    cat > "$state/env" <<EOF
MXH_NETNS=$NS
MXH_TRUST_ANCHOR=$state/test.ta
MXH_WRONG_TRUST_ANCHOR=$state/wrong.ta
MXH_WORLD_STATE=$state
MXH_CA_FILE=$state/ca.pem
MXH_DNS_PROXY=$PROXY_ADDR
MXH_SLOW_DNSBL=$SLOW_ZONE
MXH_VALIDATING_RESOLVER=$VALIDATOR_ADDR
EOF
    UP_STATE=""
    trap - EXIT
    log "world is up: namespace $NS, nsd pid $pid, trust anchor $state/test.ta, test CA $state/ca.pem, DNS proxy $PROXY_ADDR, validating resolver $VALIDATOR_ADDR"
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

#!/usr/bin/env bash
# Installs what mxhealth needs from Debian 12 packages.
#   installer/install-deps.sh          build dependencies (to build and run mxhealth)
#   installer/install-deps.sh --test   also what the test suite needs (DNS server, tools, pytest)
# Needs root (or sudo). Safe to run again: apt skips what is installed.
set -euo pipefail

build_packages=(
  cmake g++ ninja-build pkg-config ccache
  libpoco-dev libssl-dev nlohmann-json3-dev
  libunbound-dev libevent-dev nettle-dev   # libunbound's pkg-config names libevent and nettle
  libpsl-dev libidn2-dev
  dns-root-data                            # the root zone's DNSSEC trust anchor
  publicsuffix                             # the newest public suffix list for libpsl
)
test_packages=(
  libboost-test-dev
  nsd ldnsutils dnsutils iproute2          # the DNS test world (tests/world)
  unbound unbound-host                     # its validating resolver (the reference DANE sender), unbound-host by hand
  postfix nftables openssl                 # the SMTP test world: real MTAs, a black hole, a test CA
  python3 python3-pytest python3-jsonschema
  time                                     # GNU time: peak memory of a check (tests/integration/test_hostile_*)
    clang clang-format libclang-rt-14-dev      # formatting check; libFuzzer and sanitizer runtimes
  chromium fonts-dejavu-core                 # the extension's end-to-end tests (tests/e2e)
)

packages=("${build_packages[@]}")
case "${1:-}" in
  --test) packages+=("${test_packages[@]}") ;;
  "") packages+=(libboost-test-dev) ;;     # CMake looks for Boost.Test unless tests are off
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Node.js runs the extension's end-to-end tests and its lint (playwright-core and web-ext from
# the npm registry, pinned in tests/e2e/package-lock.json). They need Node 20 or newer; a
# machine without node gets Debian's.
if [ "${1:-}" = --test ] && ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

install_npm_packages() {
  [ "${1:-}" = --test ] || return 0
  local e2e
  e2e="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e" && pwd)"
  if [ -f "$e2e/node_modules/.package-lock.json" ] && cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.mxh-installed-lock"; then
    echo "install-deps: npm packages of tests/e2e already installed"
    return 0
  fi
  echo "install-deps: npm ci in tests/e2e"
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.mxh-installed-lock)
}

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  install_npm_packages "${1:-}"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
# Postfix must not ask questions, and must not be set up as this machine's mail system: the
# tests run their own instances with their own configuration (tests/world/world.sh).
if [[ " ${missing[*]} " == *" postfix "* ]]; then
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"


# NSD's Debian package starts a system-wide nsd; the tests run their own, so stop that one.
if [[ " ${missing[*]} " == *" nsd "* ]] && command -v systemctl >/dev/null 2>&1; then
  $sudo systemctl disable --now nsd >/dev/null 2>&1 || true
fi

# unbound's too (and its resolvconf hook): the world starts its own validating unbound.
if [[ " ${missing[*]} " == *" unbound "* ]] && command -v systemctl >/dev/null 2>&1; then
  $sudo systemctl disable --now unbound unbound-resolvconf >/dev/null 2>&1 || true
fi

# The same for Postfix ("No configuration" normally keeps it from starting, but a machine may
# have had a configuration before). Stop only the system instance (/etc/postfix), by its pid.
if [[ " ${missing[*]} " == *" postfix "* ]]; then
  if command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now postfix >/dev/null 2>&1 || true
  fi
  pidfile="$(postconf -h queue_directory 2>/dev/null || echo /var/spool/postfix)/pid/master.pid"
  if [ -r "$pidfile" ]; then
    pid="$(tr -dc '0-9' < "$pidfile")"
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = master ]; then
      echo "install-deps: stopping the system-wide postfix (pid $pid)"
      $sudo postfix stop >/dev/null 2>&1 || $sudo kill -TERM "$pid" 2>/dev/null || true
    fi
  fi
fi

install_npm_packages "${1:-}"

#!/usr/bin/env bash
# See mxhealth without the internet: brings up the test world (tests/world), builds mxhealth
# if needed, and opens Chromium with the extension pointed at the world's DNS server, test CA
# and mail servers. With a display you get a browser window (close it to end the demo);
# without one, screenshots of the popup and the report are saved and their paths printed.
# Needs root (network namespaces) and `installer/install-deps.sh --test`.
#   sudo tests/world/demo.sh [BUILD_DIR]      (default build/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
export MXH_NETNS="${MXH_NETNS:-mxhdemo}"
state="$(mktemp -d /tmp/mxh-demo.XXXXXX)"

if [ ! -x "$build/native-host/mxhealth" ]; then
  echo "demo: building mxhealth in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target mxhealth
fi
if [ ! -d "$root/tests/e2e/node_modules/playwright-core" ]; then
  echo "demo: run installer/install-deps.sh --test first (it installs Chromium and playwright-core)" >&2
  exit 2
fi

cleanup() { "$here/world.sh" down "$state" || true; rm -rf "$state"; }
trap cleanup EXIT
"$here/world.sh" up "$state"
# Chromium and every mxhealth it starts run inside the world's namespace.
ip netns exec "$MXH_NETNS" env MXHEALTH_BIN="$(cd "$build" && pwd)/native-host/mxhealth" \
  MXH_WORLD_STATE="$state" MXH_E2E_ARTIFACTS="${MXH_E2E_ARTIFACTS:-/tmp/mxh-demo-screenshots}" \
  node "$root/tests/e2e/demo.mjs"

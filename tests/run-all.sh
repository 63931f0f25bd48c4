#!/usr/bin/env bash
# Every test of mxhealth, as CI runs them: the formatting check, an ASan+UBSan build with its
# unit, fuzz-replay and integration tests, a short libFuzzer run (clang), then the
# warnings-as-errors build with all tests (closing summary last). (A ThreadSanitizer build,
# -DMXH_TSAN=ON with `ctest -L concurrency`, is not part of it yet: see tests/tsan.supp.) Needs root for the integration tests (network namespaces). Builds are cached in
# build/ci* and by ccache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="$(nproc)"
main_build="${MXH_BUILD_DIR:-build/ci}"
asan_build="${main_build}-asan"
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))"; }

step "formatting: clang-format"
find native-host tests -name '*.cpp' -o -name '*.h' | sort | xargs clang-format --dry-run -Werror

step "build: ASan+UBSan"
cmake -S . -B "$asan_build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMXH_WERROR=ON -DMXH_SANITIZE=ON >/dev/null
cmake --build "$asan_build" -j "$jobs"

step "tests under ASan+UBSan"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --test-dir "$asan_build" --output-on-failure -j "$jobs"

step "fuzzing: libFuzzer under clang, ${MXH_FUZZ_SECONDS:-10}s per target"
fuzz_build="${main_build}-fuzz"
cmake -S . -B "$fuzz_build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMXH_FUZZ=ON -DMXH_SANITIZE=ON -DMXH_WERROR=ON -DMXH_FUZZ_SECONDS="${MXH_FUZZ_SECONDS:-10}" >/dev/null
cmake --build "$fuzz_build" -j "$jobs"
ctest --test-dir "$fuzz_build" --output-on-failure -j "$jobs"

step "build: warnings as errors"
cmake -S . -B "$main_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMXH_WERROR=ON >/dev/null
cmake --build "$main_build" -j "$jobs"

step "all tests"
ctest --test-dir "$main_build" --output-on-failure -j "$jobs"

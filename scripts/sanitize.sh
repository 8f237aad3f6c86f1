#!/usr/bin/env bash
# sanitize.sh: the whole test suite under sanitizers, one command each.
#   scripts/sanitize.sh asan   ASan+UBSan build of everything (build-asan), then the whole
#                              ctest suite (the Node SDK e2e and browser tests too: they run
#                              the sanitized ebsmock binary)
#   scripts/sanitize.sh tsan   TSan build of everything (build-tsan), then the whole ctest
#                              suite with no exclusions: every threaded test lives in it (the
#                              journal under 64 clients, concurrency, hostile clients, delays
#                              and hangs, faults and admin changes under load, idempotence
#                              races, reset while requests are in flight, the concurrent
#                              harness's client threads against the embedded mock, and the
#                              e2e/browser tests against the sanitized ebsmock binary)
# gcc, as the normal build; any sanitizer report fails the run (halt_on_error). Uses the
# Debian packages of scripts/install-deps.sh only (the sanitizer runtimes come with gcc).
# Sanitized code runs several times slower, so every test's timeout is scaled
# (EBSMOCK_TEST_TIMEOUT_SCALE) instead of the normal build's being loosened.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
jobs=$(nproc)
source scripts/compiler-cache.sh
case "$mode" in
  asan)
    bash scripts/install-deps.sh --node
    build=build-asan
    flags="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$flags" \
      -DEBSMOCK_TEST_TIMEOUT_SCALE=4 "${launcher[@]}"
    cmake --build "$build"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    cd "$build"
    ctest --output-on-failure -j "$jobs" --timeout 1200
    ;;
  tsan)
    bash scripts/install-deps.sh --node
    build=build-tsan
    flags="-O1 -g -fno-omit-frame-pointer -fsanitize=thread"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$flags" \
      -DEBSMOCK_TEST_TIMEOUT_SCALE=8 "${launcher[@]}"
    cmake --build "$build"
    # Suppressions, each with its reason: tests/sanitizers/tsan.supp.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$PWD/tests/sanitizers/tsan.supp"
    cd "$build"
    # gcc 12's TSan runtime cannot map its shadow memory under the high-entropy ASLR of
    # recent kernels ("unexpected memory mapping"); running without ASLR avoids it.
    # Every test, no exclusions: none depends on wall time (delays and hangs wait on a
    # ManualClock the test releases; see mock/clock.h).
    setarch "$(uname -m)" -R ctest --output-on-failure -j "$jobs" --timeout 1200
    ;;
  *)
    echo "usage: $0 asan|tsan" >&2
    exit 2
    ;;
esac

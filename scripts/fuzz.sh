#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan, in build-fuzz)
# and runs them. Installs clang-$FUZZ_CLANG / libclang-rt-$FUZZ_CLANG-dev from Debian when
# missing. FUZZ_CLANG defaults to 16, not 14: clang 14 and 15 reject capturing a
# structured binding in a lambda (C++20 P1091, clang >= 16), which contracts/world.cpp
# does; FUZZ_CLANG=14 works once no source does that.
#   scripts/fuzz.sh TARGET [SECONDS]   run one target (default 600 s)
#   scripts/fuzz.sh all [SECONDS]      every target, at most two at a time (2 cores)
#   scripts/fuzz.sh merge TARGET       minimize the committed corpus plus everything found
#                                      (-merge=1) back into tests/fuzz/corpus/TARGET
#   scripts/fuzz.sh build [TARGET...]  only build (default: every target)
# Targets: rpc_request, scenario_loader, driver_protocol, trace_import (tests/fuzz/*_fuzz.cpp).
# New inputs go to build-fuzz/work/TARGET; crashes
# to build-fuzz/artifacts/TARGET/ (reproduce: build-fuzz/tests/fuzz/fuzz_TARGET FILE);
# logs to build-fuzz/logs/TARGET.log. Exit status 1 when a run found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-fuzz
targets=()
for f in tests/fuzz/*_fuzz.cpp; do name=${f##*/}; targets+=("${name%_fuzz.cpp}"); done
clang_version=${FUZZ_CLANG:-16}
source scripts/compiler-cache.sh  # ~94 instrumented objects: a rebuild after a small change hits the cache
max_corpus_files=200

install_tools() {
  bash scripts/install-deps.sh
  local missing=()
  for p in "clang-$clang_version" "libclang-rt-$clang_version-dev"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "fuzz: installing ${missing[*]}"
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build_targets() {  # TARGET... (default: all)
  local wanted=("$@")
  ((${#wanted[@]})) || wanted=("${targets[@]}")
  install_tools
  # Every library is instrumented (coverage + sanitizers), not only the fuzz targets:
  # tests/fuzz/CMakeLists.txt links -fsanitize=fuzzer into fuzz_* itself. Debug keeps
  # assert()s on; -O1 keeps the runs fast enough.
  if [[ ! -f $build/CMakeCache.txt ]] || ! grep -q "clang++-$clang_version" "$build/CMakeCache.txt"; then
    rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_COMPILER="clang++-$clang_version" -DEBSMOCK_FUZZ=ON \
      -DCMAKE_CXX_FLAGS="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" \
      "${launcher[@]}"
  fi
  cmake --build "$build" --target "${wanted[@]/#/fuzz_}"
}

run_target() {
  local t=$1 seconds=$2
  mkdir -p "$build/work/$t" "$build/artifacts/$t" "$build/logs"
  # An earlier run's crash files stay for reproducing them; only this run's count.
  local started=$build/artifacts/$t/.run-started
  touch "$started"
  echo "fuzz: $t for ${seconds}s (log: build-fuzz/logs/$t.log)"
  # New inputs are written to the first directory; the committed corpus is read only.
  local dict=$root/tests/fuzz/$t.dict
  [[ -f $dict ]] || dict=""
  set +e
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    ${dict:+-dict="$dict"} -artifact_prefix="$build/artifacts/$t/" \
    -print_final_stats=1 "$build/work/$t" "$root/tests/fuzz/corpus/$t" >"$build/logs/$t.log" 2>&1
  local rc=$?
  set -e
  grep -E "^#[0-9]+ *DONE|stat::number_of_executed_units|cov:|ERROR|SUMMARY" "$build/logs/$t.log" | tail -4
  local found
  found=$(find "$build/artifacts/$t" -maxdepth 1 -name 'crash-*' -newer "$started" -printf '%f\n' | head -5)
  if ((rc != 0)) || [[ -n $found ]]; then
    echo "fuzz: $t FOUND A CRASH (exit $rc): $found"
    return 1
  fi
  echo "fuzz: $t clean"
}

merge_target() {
  local t=$1
  local committed=$root/tests/fuzz/corpus/$t merged
  merged=$(mktemp -d)
  "$build/tests/fuzz/fuzz_$t" -merge=1 -timeout=10 -rss_limit_mb=2048 \
    "$merged" "$committed" "$build/work/$t" >"$build/logs/$t.merge.log" 2>&1
  local n
  n=$(ls "$merged" | wc -l)
  if ((n > max_corpus_files)); then
    echo "fuzz: merged corpus of $t has $n files (> $max_corpus_files); left in $merged" >&2
    return 1
  fi
  # libFuzzer names inputs by SHA-1; give the hand-written seeds that survived their names back.
  for f in "$committed"/seed-*; do
    [[ -f $f ]] || continue
    local h
    h=$(sha1sum "$f" | cut -d' ' -f1)
    [[ -f $merged/$h ]] && mv "$merged/$h" "$merged/$(basename "$f")"
  done
  rm -rf "$committed"
  mkdir -p "$committed"
  cp "$merged"/* "$committed"/
  rm -rf "$merged"
  echo "fuzz: tests/fuzz/corpus/$t now has $n files"
}

cmd=${1:-}
case "$cmd" in
  build)
    build_targets "${@:2}" ;;
  all)
    build_targets
    seconds=${2:-600}
    status=0
    for ((i = 0; i < ${#targets[@]}; i += 2)); do
      pids=()
      for t in "${targets[@]:i:2}"; do run_target "$t" "$seconds" & pids+=($!); done
      for p in "${pids[@]}"; do wait "$p" || status=1; done
    done
    exit $status ;;
  merge)
    [[ -n ${2:-} ]] || { echo "usage: $0 merge TARGET" >&2; exit 2; }
    build_targets "$2"
    merge_target "$2" ;;
  *)
    if [[ " ${targets[*]} " != *" $cmd "* ]]; then
      echo "usage: $0 {$(IFS="|"; echo "${targets[*]}")|all} [SECONDS] | merge TARGET | build" >&2
      exit 2
    fi
    build_targets "$cmd"
    run_target "$cmd" "${2:-600}" ;;
esac

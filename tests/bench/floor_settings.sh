#!/usr/bin/env bash
# floor_settings.sh: issue 15's "lower the floor itself" experiments. Runs cpp-httplib
# alone (bench_httplib_floor, ebsmock's own HttpServer) with every request delayed 200 ms
# under wrk -t2 -c1000, once per server setting, the settings interleaved round by round
# so a neighbour's load falls on all of them alike; then ebsmock itself (a [[fault]]
# delay of 200 ms) with the settings it ships. Prints one markdown row per run:
# req/s, p50, p99, max, errors, and the server's CPU ms per 1,000 requests (utime+stime
# of the process from /proc, over the measured run only).
#   BENCH_BIN_DIR=build [BENCH_RUNS=2] [BENCH_DURATION=5] bash tests/bench/floor_settings.sh
# Settings (flags of bench_httplib_floor):
#   slack-50us    the delay's sleep with Linux's default timer slack (before this change)
#   shipped       RealClock's own slack (0.25% of the delay, at most 500 us)
#   slack-1ms     a fixed 1 ms slack
#   prespawn-1024 (with the shipped slack) 1,024 workers started up front instead of grown on demand
#   stack-128k    (with the shipped slack) 128 KiB worker stacks instead of glibc's 8 MiB default
# `floor_settings.sh malloc` instead: glibc's malloc settings (GLIBC_TUNABLES) on ebsmock
# itself under the throughput section's load (wrk -t2 -c64, V3-signed Stop/Describe/Start/
# Describe, 100 pairs, fresh signatures per run), with cpp-httplib alone in the same rounds:
#   defaults      glibc's own (tcache 7 chunks per size)
#   mxfast-0      no fastbins, so no malloc_consolidate before a large-bin malloc
#   tcache-max    tcache_max=4200: cpp-httplib's 4 KB per-request read buffer cached per thread
#   tcache-16/32  tcache_count=16 / 32
# (There, the errors' "s" column counts the mix's documented refusals, e.g. a Stop of a
# pair already stopping: the model's answers, not failures.)
# `floor_settings.sh tail`: where throughput's p99 goes (item 1c), under the same load as
# malloc mode. cpp-httplib alone, then alone plus ebsmock's extra CPU per request as plain
# work (TAIL_BUSY_US, default 4), then the same total with TAIL_LOCKED_US (default 2, about
# what ebsmock holds its world's lock for) of it under one lock every worker shares, under
# one of 100 locks (locks per resource), under one reader-writer lock taken shared by half
# the requests (reads without the exclusive lock: glibc's, then one that spins first and
# wakes every sleeper, never shared and shared by half), then ebsmock itself; its last column, the calls that slept on the world's lock per 1,000
# requests (/__admin/health), is "—" for the floors.
# `floor_settings.sh curve`: the p99 that CPU alone costs, under the same load: cpp-httplib
# alone, alone plus each of CURVE_US (default "2 4 6") microseconds of plain work per
# request and no lock at all, then ebsmock (whose extra CPU is ~6 us a request).
# `floor_settings.sh sched` (the throughput load) and `sched-delay` (the delay load):
# cpp-httplib alone and ebsmock, each under Linux's default scheduling policy and under
# SCHED_BATCH (`chrt --batch 0`: a waking worker does not preempt a running one, so a
# holder of the world's lock is descheduled less often inside it).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-delay}
[[ $mode == delay || $mode == malloc || $mode == tail || $mode == curve || $mode == sched || $mode == sched-delay ]] ||
  { echo "usage: $0 [delay|malloc|tail|curve|sched|sched-delay]" >&2; exit 2; }
bin=${BENCH_BIN_DIR:-build}
runs=${BENCH_RUNS:-2}
duration=${BENCH_DURATION:-5}
port=${BENCH_PORT:-18571}
out=tests/bench/out/floor-settings
mkdir -p "$out"
floor=$bin/tests/bench/bench_httplib_floor
make_requests=$bin/tests/bench/bench_make_requests
# The servers every mode starts: cpp-httplib alone (the delay modes add --delay-ms 200),
# and ebsmock on the throughput load's world or on the delay load's.
floor_cmd=("$floor" --port "$port" --body tests/bench/body.json)
ebsmock_verify=("$bin/harness/ebsmock" serve --scenario "$out/world-verify.toml" --port "$port")
ebsmock_delay=("$bin/harness/ebsmock" serve --scenario "$out/world-delay.toml" --port "$port")
if [[ $mode == malloc || $mode == tail || $mode == curve || $mode == sched ]]; then
  conns=64  # requests: signed_requests, fresh for every run
  "$make_requests" world --pairs 100 --verify true >"$out/world-verify.toml"
else
  conns=1000
  "$make_requests" requests --host "127.0.0.1:$port" --pairs 100 --count 100000 \
    --mix describe --sign none --out "$out/requests.txt"
  "$make_requests" world --pairs 100 --verify false --delay 200ms >"$out/world-delay.toml"
fi

cpu_ms() {
  local f
  read -r -a f <<<"$(cut -d')' -f2- "/proc/$1/stat")"
  echo $(((f[11] + f[12]) * 1000 / $(getconf CLK_TCK)))
}

wait_port() {
  local i
  for ((i = 0; i < 200; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

wrk_run() {  # DURATION -> the BENCH json line
  wrk -t2 -c"$conns" -d"$1s" --timeout 5s -s tests/bench/requests.lua "http://127.0.0.1:$port/" -- \
    "$out/requests.txt" 2 2>&1 | sed -n 's/^BENCH //p'
}

# Signed requests carry nonces a server accepts once (a replay is refused), so the malloc
# and tail modes write fresh ones, more than any server here answers in SECONDS (100,000 a
# second, as bench.sh), for every wrk run.
signed_requests() {  # SECONDS
  [[ $mode != delay && $mode != sched-delay ]] || return 0
  "$make_requests" requests --host "127.0.0.1:$port" --pairs 100 --count $((100000 * $1)) \
    --mix rw --sign v3 --out "$out/requests.txt"
}

# ebsmock's calls that slept on its world's lock so far (/__admin/health); nothing for a
# floor, which has no admin API.
lock_sleeps() {
  curl -s --max-time 5 "http://127.0.0.1:$port/__admin/health" 2>/dev/null |
    python3 -c 'import json, sys
try: print(json.load(sys.stdin)["service_lock"]["sleeps"])
except Exception: pass' || true
}

measure() {  # LABEL COMMAND...: start, warm 3 s, measure, stop, print a row
  local label=$1 pid c0 c1 line sleeps0="" sleeps1=""
  shift
  signed_requests 3
  "$@" >"$out/server.log" 2>&1 &
  pid=$!
  wait_port || { echo "| $label | did not start |"; kill "$pid" 2>/dev/null; return; }
  wrk_run 3 >/dev/null
  signed_requests "$duration"
  sleeps0=$(lock_sleeps)
  c0=$(cpu_ms "$pid")
  line=$(wrk_run "$duration")
  c1=$(cpu_ms "$pid")
  sleeps1=$(lock_sleeps)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  python3 - "$label" "$((c1 - c0))" "$(cut -d' ' -f1 /proc/loadavg)" "$line" "$sleeps0" "$sleeps1" <<'PY'
import json, sys
label, cpu, load, line, before, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
r = json.loads(line)
e = r["errors"]
errs = "/".join(str(e[k]) for k in ("connect", "read", "write", "status", "timeout"))
n = max(r["requests"], 1)
sleeps = f"{(int(after) - int(before)) * 1000 / n:.2f}" if before and after else "—"
print(f"| {label} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.0f} | {errs} | "
      f"{cpu * 1000 / n:.1f} | {sleeps} | {load} |")
PY
}

header() {
  echo "| setting | req/s | p50 ms | p99 ms | max ms | errors c/r/w/s/t | CPU ms / 1,000 req | slept on the world's lock / 1,000 req | load |"
  echo "|---|---|---|---|---|---|---|---|---|"
}

if [[ $mode == sched || $mode == sched-delay ]]; then
  if [[ $mode == sched ]]; then
    ebsmock=("${ebsmock_verify[@]}")
  else
    floor_cmd+=(--delay-ms 200)
    ebsmock=("${ebsmock_delay[@]}")
  fi
  header
  for ((r = 1; r <= runs; r++)); do
    measure "cpp-httplib alone, SCHED_OTHER" "${floor_cmd[@]}"
    measure "cpp-httplib alone, SCHED_BATCH" chrt --batch 0 "${floor_cmd[@]}"
    measure "ebsmock, SCHED_OTHER" "${ebsmock[@]}"
    measure "ebsmock, SCHED_BATCH" chrt --batch 0 "${ebsmock[@]}"
  done
  exit 0
fi

if [[ $mode == tail ]]; then
  busy=${TAIL_BUSY_US:-4}
  locked=${TAIL_LOCKED_US:-2}
  header
  for ((r = 1; r <= runs; r++)); do
    measure "cpp-httplib alone" "${floor_cmd[@]}"
    measure "alone + ${busy} us of work" "${floor_cmd[@]}" --busy-us "$busy"
    measure "alone + $((busy - locked)) us of work + ${locked} us under one lock" "${floor_cmd[@]}" \
      --busy-us "$((busy - locked))" --locked-us "$locked"
    measure "alone + $((busy - locked)) us of work + ${locked} us under one of 100 locks" "${floor_cmd[@]}" \
      --busy-us "$((busy - locked))" --locked-us "$locked" --lock-stripes 100
    measure "alone + $((busy - locked)) us of work + ${locked} us under one reader-writer lock, shared by half" \
      "${floor_cmd[@]}" --busy-us "$((busy - locked))" --locked-us "$locked" --shared-percent 50
    measure "alone + $((busy - locked)) us of work + ${locked} us under one spinning reader-writer lock, never shared" \
      "${floor_cmd[@]}" --busy-us "$((busy - locked))" --locked-us "$locked" --shared-percent 0 --rw-spin 1
    measure "alone + $((busy - locked)) us of work + ${locked} us under one spinning reader-writer lock, shared by half" \
      "${floor_cmd[@]}" --busy-us "$((busy - locked))" --locked-us "$locked" --shared-percent 50 --rw-spin 1
    measure "ebsmock" "${ebsmock_verify[@]}"
  done
  exit 0
fi

if [[ $mode == curve ]]; then
  header
  for ((r = 1; r <= runs; r++)); do
    measure "cpp-httplib alone" "${floor_cmd[@]}"
    for us in ${CURVE_US:-2 4 6}; do
      measure "alone + ${us} us of work" "${floor_cmd[@]}" --busy-us "$us"
    done
    measure "ebsmock" "${ebsmock_verify[@]}"
  done
  exit 0
fi

if [[ $mode == malloc ]]; then
  ebsmock=("${ebsmock_verify[@]}")
  header
  for ((r = 1; r <= runs; r++)); do
    measure "cpp-httplib alone" "${floor_cmd[@]}"
    measure "ebsmock, glibc defaults" "${ebsmock[@]}"
    measure "ebsmock, mxfast-0" env GLIBC_TUNABLES=glibc.malloc.mxfast=0 "${ebsmock[@]}"
    measure "ebsmock, tcache-max" env GLIBC_TUNABLES=glibc.malloc.tcache_max=4200 "${ebsmock[@]}"
    measure "ebsmock, tcache-16" env GLIBC_TUNABLES=glibc.malloc.tcache_count=16 "${ebsmock[@]}"
    measure "ebsmock, tcache-32" env GLIBC_TUNABLES=glibc.malloc.tcache_count=32 "${ebsmock[@]}"
  done
  exit 0
fi

floor_cmd+=(--delay-ms 200)
header
for ((r = 1; r <= runs; r++)); do
  measure "floor, slack-50us (before)" "${floor_cmd[@]}" --timer-slack-us 50
  measure "floor, shipped" "${floor_cmd[@]}"
  measure "floor, slack-1ms" "${floor_cmd[@]}" --timer-slack-us 1000
  measure "floor, shipped + prespawn-1024" "${floor_cmd[@]}" --min-threads 1024
  measure "floor, shipped + stack-128k" "${floor_cmd[@]}" --stack-kb 128
  measure "ebsmock, shipped" "${ebsmock_delay[@]}"
done

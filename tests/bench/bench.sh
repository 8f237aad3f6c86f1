#!/usr/bin/env bash
# bench.sh: THE benchmark command (results: tests/bench/RESULTS.md).
#   bash tests/bench/bench.sh
# Installs what it needs from Debian (wrk, nginx + echo module, valgrind, Java 17) and the
# WireMock jar from npm (package `wiremock`), builds ebsmock (build-bench, the default
# RelWithDebInfo flags), then measures ebsmock against nginx (the ceiling), cpp-httplib
# alone with ebsmock's settings and an empty handler (httplib_floor.cpp), and warmed
# WireMock, in the same run, interleaved round by round, each figure the median of
# BENCH_RUNS runs (default 3) with its spread:
#   throughput  wrk -t2 -c64, V3-signed Stop/Describe/Start/Describe mix against real
#               pairs (verification on, then off; also with 10,000 pairs; and cpp-httplib
#               alone and ebsmock with their workers at wrk's priority, --worker-nice 0)
#   delay       wrk -t2 -c1000, every request delayed 200 ms ([[fault]] action="*"); each
#               server gets BENCH_DELAY_WARM s (default 3) of the same load first, unmeasured,
#               so the figures are of 1,000 parked requests, not of the pool growing to them
#   paced       the throughput section's signed mix at the same offered rates for
#               cpp-httplib alone and ebsmock (bench_paced_load: open loop, latency from
#               when each request was due), at BENCH_PACED_LOADS (fractions of cpp-httplib
#               alone's closed-loop req/s, measured first in the same run; default
#               "0.1 0.3 0.6"), BENCH_PACED_DURATION s each (default 6, after 2 s unmeasured)
#   start       exec -> first answered request (tests/bench/start_probe.cpp): the default
#               world, 100 pairs, 10,000 pairs, 10,000 pairs with tags, nginx, WireMock
#   rss         soak: 10,000 pairs under load with mixed faults (soak-faults.toml) until the
#               journal has seen 1,000,000 entries and 1,000,000 requests were answered;
#               RSS curve, and every answer accounted for; then again with
#               --token-capacity 10000; and heap bytes per remembered ClientToken
#               (tests/bench/token_memory.cpp, an allocator count)
#   profile     callgrind (perf when hardware counters work) of a short signed run
#   harness     `ebsmock contract`: cases/s of the reference client (200 cases of up to 30
#               commands) and catch + shrink time of every builtin mutant, against one
#               sequential connection's request rate as the baseline
#   checker     the linearizability checker (bench_linearizability): per-history wall and
#               CPU ms (p50/p99/max) of 1,000 generated 3x10 and 8x25 histories, valid and
#               corrupted, against replaying each valid history's witness on the model;
#               needs no servers, so BENCH_SECTIONS=checker installs nothing
#   dashboard   wrk -t2 -c64 unsigned Describe, with four dashboards open (four
#               GET /__admin/events streams read by curl, as EventSource would) against
#               none, interleaved round by round; wrk and curl only
#   concurrent  `ebsmock contract --concurrent`: programs/s of the reference client (200
#               programs, each run 3 times; the generator draws no delay faults), beside
#               the sequential harness (200 reference cases of up to 30 commands) in the
#               same run; needs no tools beyond ebsmock, like checker
#   split       not in the default set: it needs a second build. cpp-httplib alone and an
#               ebsmock built with the latency probe (-DEBSMOCK_LATENCY_PROBE=ON: build-bench-probe,
#               or BENCH_PROBE_BIN_DIR), round by round, under the throughput section's load:
#               the client's latency beside the probe's own (/__admin/health's latency_probe,
#               read before and after each run): how long ebsmock's handler took, how long
#               calls waited for the world's lock and held it
# Before and after the throughput and delay sections, 5 s of each CPU's own stalls (a
# thread that never blocks, tests/bench/vcpu_gaps.cpp): how much of the run's time the
# machine itself took away.
# Raw results: tests/bench/out/raw/*.jsonl; table: tests/bench/out/results.md.
# Environment: BENCH_RUNS, BENCH_DURATION (s), BENCH_SECTIONS (any of the sections above;
# all by default), BENCH_JOURNAL_ENTRIES, BENCH_SOAK_REQUESTS, BENCH_RSS_MAX_SECONDS,
# BENCH_PACED_LOADS, BENCH_PACED_DURATION,
# BENCH_BIN_DIR (use that build directory's binaries instead of building build-bench),
# BENCH_PROBE_BIN_DIR (the split section's probe build, instead of building build-bench-probe),
# BENCH_BASELINE_BIN_DIR and BENCH_BASELINE_LABEL (an earlier build of ebsmock, e.g. the
# commit before a change, run in the same throughput, delay and paced rounds as rows
# "ebsmock-before-*": a change compared with what it replaced, on the same machine, in the
# same run).
# Only loopback traffic; every server it starts is stopped by pid on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bench=$root/tests/bench
out=$bench/out
build=$root/build-bench
raw=$out/raw

RUNS=${BENCH_RUNS:-3}
DURATION=${BENCH_DURATION:-10}
THREADS=2
CONNS=64
DELAY_CONNS=1000
WARM=${BENCH_WIREMOCK_WARM:-30}
DELAY_WARM=${BENCH_DELAY_WARM:-3}
PAIRS=100
BIG_PAIRS=10000
JOURNAL_TARGET=${BENCH_JOURNAL_ENTRIES:-1000000}
SOAK_REQUESTS=${BENCH_SOAK_REQUESTS:-1000000}
RSS_MAX_SECONDS=${BENCH_RSS_MAX_SECONDS:-420}
SECTIONS=${BENCH_SECTIONS:-"throughput delay paced start rss profile harness checker dashboard concurrent"}
PACED_LOADS=${BENCH_PACED_LOADS:-"0.1 0.3 0.6"}
PACED_DURATION=${BENCH_PACED_DURATION:-6}
P_MOCK=28480 P_NGINX=28481 P_WM=28482 P_FLOOR=28483
WIREMOCK_VERSION=3.13.2

log() { echo "bench: $*" >&2; }
has_section() { [[ " $SECTIONS " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------
# Set-up.

install_tools() {
  bash scripts/install-deps.sh
  # command:package; a command that is already there (e.g. npm bundled with a Node.js
  # not from Debian) is not reinstalled.
  local needs=(wrk:wrk nginx:nginx-light valgrind:valgrind java:openjdk-17-jre-headless
               python3:python3 npm:npm curl:curl) missing=() n
  for n in "${needs[@]}"; do
    command -v "${n%%:*}" >/dev/null || missing+=("${n#*:}")
  done
  [[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]] || missing+=(libnginx-mod-http-echo)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  wiremock_jar=$out/wiremock/node_modules/wiremock/build/wiremock-standalone-$WIREMOCK_VERSION.jar
  if [[ ! -f $wiremock_jar ]]; then
    log "installing wiremock@$WIREMOCK_VERSION from npm"
    mkdir -p "$out/wiremock"
    (cd "$out/wiremock" && npm install --no-audit --no-fund --loglevel=error "wiremock@$WIREMOCK_VERSION")
  fi
}

build_tools() {
  # BENCH_BIN_DIR: a build directory that already has these targets (no build).
  if [[ -n ${BENCH_BIN_DIR:-} ]]; then
    build=$BENCH_BIN_DIR
  else
    cmake -S . -B "$build" -G Ninja >/dev/null
    cmake --build "$build" --target ebsmock bench_make_requests bench_start_probe bench_httplib_floor bench_paced_load \
      bench_linearizability bench_token_memory bench_vcpu_gaps
  fi
  ebsmock=$build/harness/ebsmock
  ebsmock_before=${BENCH_BASELINE_BIN_DIR:+$BENCH_BASELINE_BIN_DIR/harness/ebsmock}
  make_requests=$build/tests/bench/bench_make_requests
  start_probe=$build/tests/bench/bench_start_probe
  httplib_floor=$build/tests/bench/bench_httplib_floor
  paced_load=$build/tests/bench/bench_paced_load
  linearizability=$build/tests/bench/bench_linearizability
  token_memory=$build/tests/bench/bench_token_memory
  vcpu_gaps=$build/tests/bench/bench_vcpu_gaps
}

# ---------------------------------------------------------------------------------------
# Servers. Each start_* sets a pid; stop_pid ends it by that pid only.

declare -a started_pids=()
cleanup() {
  for p in "${started_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${started_pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_port() {
  local port=$1 i
  for ((i = 0; i < 600; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  log "nothing listens on $port"
  return 1
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${started_pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  started_pids=("${kept[@]}")
}

start_mock() {  # WORLD_FILE [SERVE_ARGS...]; fails when ebsmock exits instead of listening
  # ($mock_bin, when set, is the ebsmock binary to start: the baseline build's.)
  # cpp-httplib sets SO_REUSEPORT: a leftover server on the port would silently take
  # half of the connections, so refuse to start next to one.
  if (exec 3<>"/dev/tcp/127.0.0.1/$P_MOCK") 2>/dev/null; then
    log "port $P_MOCK is already in use"
    return 1
  fi
  "${mock_bin:-$ebsmock}" serve --scenario "$1" --port "$P_MOCK" "${@:2}" >"$out/ebsmock.log" 2>&1 &
  mock_pid=$!
  started_pids+=("$mock_pid")
  local i
  for ((i = 0; i < 600; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$P_MOCK") 2>/dev/null && return 0
    kill -0 "$mock_pid" 2>/dev/null || { log "ebsmock exited: $(tail -5 "$out/ebsmock.log")"; return 1; }
    sleep 0.1
  done
  return 1
}

start_nginx() {
  local dir=$out/nginx body
  mkdir -p "$dir"
  body=$(tr -d '\n' <"$bench/body.json")
  sed -e "s|@PORT@|$P_NGINX|g" -e "s|@DIR@|$dir|g" -e "s|@BODY@|$body|g" \
    "$bench/nginx.conf.in" >"$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -p "$dir" &
  nginx_pid=$!
  started_pids+=("$nginx_pid")
  wait_port "$P_NGINX"
}

start_floor() {  # [DELAY_MS [FLOOR_ARGS...]]: cpp-httplib with ebsmock's settings and an empty handler
  "$httplib_floor" --port "$P_FLOOR" --body "$bench/body.json" --delay-ms "${1:-0}" "${@:2}" \
    >"$out/floor.log" 2>&1 &
  floor_pid=$!
  started_pids+=("$floor_pid")
  wait_port "$P_FLOOR"
}

start_wiremock() {
  # Async responses, so a delayed stub does not hold a Jetty thread per request.
  java -jar "$wiremock_jar" --port "$P_WM" --root-dir "$bench/wiremock" --disable-banner \
    --no-request-journal --disable-request-logging --container-threads 256 \
    --async-response-enabled true --async-response-threads 64 >"$out/wiremock.log" 2>&1 &
  wm_pid=$!
  started_pids+=("$wm_pid")
  wait_port "$P_WM"
}

# RSS of a process and its children (nginx workers), in MB: "current peak".
rss_mb() {
  local pid=$1 cur=0 peak=0 p
  for p in $pid $(pgrep -P "$pid" 2>/dev/null || true); do
    [[ -r /proc/$p/status ]] || continue
    cur=$((cur + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")))
    peak=$((peak + $(awk '/^VmHWM:/ {print $2}' "/proc/$p/status")))
  done
  echo "$((cur / 1024)) $((peak / 1024))"
}

# CPU time (user + system, ms) a server has used so far: the process and its children
# (nginx's workers), each from its own accounting in /proc/PID/stat (fields 14 and 15,
# counted after the parenthesised command name, which may hold spaces). Includes the
# process's exited threads; a child that has exited is not counted, so run_wrk reads it
# around a run in which no server process comes or goes.
cpu_ms() {
  local pid=$1 ticks=0 p rest
  for p in $pid $(pgrep -P "$pid" 2>/dev/null || true); do
    [[ -r /proc/$p/stat ]] || continue
    rest=$(<"/proc/$p/stat") || continue
    rest=${rest##*) }
    read -r -a f <<<"$rest"
    ticks=$((ticks + f[11] + f[12]))
  done
  echo $((ticks * 1000 / $(getconf CLK_TCK)))
}

# Context switches a server's threads have made so far, as "ALL INVOLUNTARY": sums over
# /proc/PID/task/*/status of the process and its children (a process's own status counts
# only its main thread). Threads that have exited are not counted: cpp-httplib's and
# nginx's workers live as long as the server. Steadier than wall-clock figures on a shared
# machine: a lock convoy shows here as switches per request. The involuntary ones are the
# scheduler taking a running worker off its CPU: for ebsmock, one that lands inside the
# world's lock stops every request behind it until that worker runs again.
ctxt_switches() {
  local pid=$1 all=0 forced=0 p t a f
  for p in $pid $(pgrep -P "$pid" 2>/dev/null || true); do
    for t in /proc/$p/task/*/status; do
      [[ -r $t ]] || continue
      read -r a f < <(awk '/^voluntary_ctxt_switches:/ {v = $2} /^nonvoluntary_ctxt_switches:/ {n = $2}
        END {print v + n, n + 0}' "$t" 2>/dev/null || echo "0 0")
      all=$((all + a)) forced=$((forced + f))
    done
  done
  echo "$all $forced"
}

# ebsmock's /__admin/health; nothing from a server without it.
health() {  # PORT
  curl -s --max-time 5 "http://127.0.0.1:$1/__admin/health" 2>/dev/null || true
}

# ebsmock's own count of calls that slept on its world's lock, and for how long in all
# (/__admin/health's service_lock), as "SLEEPS MS"; nothing for another server or an
# ebsmock too old to report it.
lock_sleeps() {  # PORT
  health "$1" | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)["service_lock"]
    print(s["sleeps"], s["slept_ms"])
except Exception:
    pass' || true
}

# A run's share of those sleeps, as JSON members to append to its record
# (',"lock_sleeps":N,"lock_slept_ms":MS'): the health read after the run minus the one
# before; nothing when either read is missing.
lock_fields() {  # BEFORE AFTER
  [[ -n $1 && -n $2 ]] || return 0
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf ",\"lock_sleeps\":%d,\"lock_slept_ms\":%.3f", y[1] - x[1], y[2] - x[2] }'
}

# ---------------------------------------------------------------------------------------
# Load.

# wrk replaying FILE's requests (requests.lua) over CONNS connections for SECONDS.
wrk_load() {  # PORT CONNS FILE PATH_PREFIX SECONDS
  wrk -t"$THREADS" -c"$2" -d"$5s" --timeout 5s -s "$bench/requests.lua" \
    "http://127.0.0.1:$1/" -- "$3" "$THREADS" "$4"
}

# run_wrk LABEL PORT PID CONNS REQUEST_FILE [PATH_PREFIX] [DURATION]: one measured run,
# appended to raw/LABEL.jsonl with the server's RSS afterwards.
run_wrk() {
  local label=$1 port=$2 pid=$3 conns=$4 file=$5 prefix=${6:-} duration=${7:-$DURATION} line rss
  local cpu0 cpu1 cs0 cs1 forced0 forced1 sleeps0="" sleeps1="" lock="" by0="" by1="" bystander=""
  [[ $label == ebsmock* ]] && sleeps0=$(lock_sleeps "$port")
  # WireMock stays up across a section's rounds (it is measured warm): the CPU its idle JVM
  # uses during another server's run is recorded (bystander_cpu_ms), since a neighbour's
  # work would fall on that run's figures (20-30 ms in a 10 s run, twenty-fifth session).
  [[ -n ${wm_pid:-} && $pid != "$wm_pid" ]] && kill -0 "$wm_pid" 2>/dev/null && by0=$(cpu_ms "$wm_pid")
  cpu0=$(cpu_ms "$pid")
  read -r cs0 forced0 < <(ctxt_switches "$pid")
  line=$(wrk_load "$port" "$conns" "$file" "$prefix" "$duration" 2>&1 | tee -a "$out/wrk.log" |
    sed -n 's/^BENCH //p')
  [[ -n $line ]] || { log "$label: wrk printed no result (see out/wrk.log)"; return 1; }
  cpu1=$(cpu_ms "$pid")
  read -r cs1 forced1 < <(ctxt_switches "$pid")
  [[ -n $by0 ]] && by1=$(cpu_ms "$wm_pid") && bystander=",\"bystander_cpu_ms\":$((by1 - by0))"
  read -r cur peak < <(rss_mb "$pid")
  [[ -n $sleeps0 ]] && sleeps1=$(lock_sleeps "$port")
  lock=$(lock_fields "$sleeps0" "$sleeps1")
  line="${line%\}},\"server_cpu_ms\":$((cpu1 - cpu0)),\"server_ctxt_switches\":$((cs1 - cs0)),\"server_preemptions\":$((forced1 - forced0))$lock$bystander,\"rss_mb\":$cur,\"rss_peak_mb\":$peak,\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
  echo "$line" >>"$raw/$label.jsonl"
  log "$label: $line"
}

signed_requests() {  # PAIRS COUNT -> path; fresh timestamps and nonces
  local file=$out/requests-signed-$1.txt
  "$make_requests" requests --host "127.0.0.1:$P_MOCK" --pairs "$1" --count "$2" --mix rw \
    --sign v3 --out "$file"
  echo "$file"
}

# ---------------------------------------------------------------------------------------
# Sections.

throughput() {
  # More signed requests than the fastest server could take in a run, so ebsmock never
  # sees a nonce twice (a wrap is reported and invalidates the run). ebsmock answered
  # 80,589 req/s in a round of the machine's fast regime (nineteenth session), past the
  # 80,000 a second this was.
  local count=$((100000 * DURATION))
  "$make_requests" world --pairs "$PAIRS" --verify true >"$out/world-verify.toml"
  "$make_requests" world --pairs "$PAIRS" --verify false >"$out/world-noverify.toml"
  "$make_requests" world --pairs "$BIG_PAIRS" --verify true >"$out/world-10k-verify.toml"
  local file
  file=$(signed_requests "$PAIRS" "$count")

  start_wiremock
  log "warming WireMock for ${WARM}s"
  run_wrk wiremock-cold "$P_WM" "$wm_pid" "$CONNS" "$file" "" "$WARM"

  local r
  for ((r = 1; r <= RUNS; r++)); do
    log "throughput round $r/$RUNS"
    start_nginx
    run_wrk nginx "$P_NGINX" "$nginx_pid" "$CONNS" "$file"
    stop_pid "$nginx_pid"

    start_floor
    run_wrk httplib-floor "$P_FLOOR" "$floor_pid" "$CONNS" "$file"
    stop_pid "$floor_pid"

    run_wrk wiremock "$P_WM" "$wm_pid" "$CONNS" "$file"

    # ebsmock restarts for every run: fresh world, fresh nonce cache; fresh signatures.
    file=$(signed_requests "$PAIRS" "$count")
    start_mock "$out/world-verify.toml"
    run_wrk ebsmock-verify "$P_MOCK" "$mock_pid" "$CONNS" "$file"
    stop_pid "$mock_pid"

    start_mock "$out/world-noverify.toml"
    run_wrk ebsmock-noverify "$P_MOCK" "$mock_pid" "$CONNS" "$file"
    stop_pid "$mock_pid"

    # Both servers with their workers at the client's priority instead of 10 steps below
    # it (HttpServerOptions::worker_nice): what that default does to the client's p99.
    start_floor 0 --worker-nice 0
    run_wrk httplib-floor-nice0 "$P_FLOOR" "$floor_pid" "$CONNS" "$file"
    stop_pid "$floor_pid"
    file=$(signed_requests "$PAIRS" "$count")
    start_mock "$out/world-verify.toml" --worker-nice 0
    run_wrk ebsmock-verify-nice0 "$P_MOCK" "$mock_pid" "$CONNS" "$file"
    stop_pid "$mock_pid"

    if [[ -n $ebsmock_before ]]; then
      file=$(signed_requests "$PAIRS" "$count")
      mock_bin=$ebsmock_before start_mock "$out/world-verify.toml"
      run_wrk ebsmock-before-verify "$P_MOCK" "$mock_pid" "$CONNS" "$file"
      stop_pid "$mock_pid"
      mock_bin=$ebsmock_before start_mock "$out/world-noverify.toml"
      run_wrk ebsmock-before-noverify "$P_MOCK" "$mock_pid" "$CONNS" "$file"
      stop_pid "$mock_pid"
    fi

    local big
    big=$(signed_requests "$BIG_PAIRS" "$count")
    start_mock "$out/world-10k-verify.toml"
    run_wrk ebsmock-10k-verify "$P_MOCK" "$mock_pid" "$CONNS" "$big"
    stop_pid "$mock_pid"
  done
  stop_pid "$wm_pid"
  wm_pid=""
}

# The split section's probe build: BENCH_PROBE_BIN_DIR, or build-bench-probe made here.
probe_build() {
  if [[ -n ${BENCH_PROBE_BIN_DIR:-} ]]; then
    probe_ebsmock=$BENCH_PROBE_BIN_DIR/harness/ebsmock
  else
    cmake -S . -B "$root/build-bench-probe" -G Ninja -DEBSMOCK_LATENCY_PROBE=ON >/dev/null
    cmake --build "$root/build-bench-probe" --target ebsmock
    probe_ebsmock=$root/build-bench-probe/harness/ebsmock
  fi
}

# /__admin/health's latency_probe, one line of JSON; nothing from a build without it.
latency_probe() {  # PORT
  health "$1" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["latency_probe"]))' 2>/dev/null || true
}

split() {
  local count=$((100000 * DURATION)) file r before after
  "$make_requests" world --pairs "$PAIRS" --verify true >"$out/world-verify.toml"
  probe_build
  for ((r = 1; r <= RUNS; r++)); do
    log "split round $r/$RUNS"
    file=$(signed_requests "$PAIRS" "$count")
    start_floor
    run_wrk split-floor "$P_FLOOR" "$floor_pid" "$CONNS" "$file"
    stop_pid "$floor_pid"

    file=$(signed_requests "$PAIRS" "$count")
    mock_bin=$probe_ebsmock start_mock "$out/world-verify.toml"
    before=$(latency_probe "$P_MOCK")
    [[ -n $before ]] || { log "$probe_ebsmock has no latency probe (built without -DEBSMOCK_LATENCY_PROBE=ON?)"; return 1; }
    run_wrk split-ebsmock "$P_MOCK" "$mock_pid" "$CONNS" "$file"
    after=$(latency_probe "$P_MOCK")
    stop_pid "$mock_pid"
    echo "{\"round\":$r,\"before\":$before,\"after\":$after}" >>"$raw/split-probe.jsonl"
  done
}

# The delay section's unmeasured warm-up of a freshly started server: its first second
# under 1,000 connections is spent starting ~1,000 worker threads (cpp-httplib spawns one
# per parked request), which put the cold floor's p99 at 375-410 ms in a run where the warm
# floor's was ~215 ms: a measure of thread creation, not of how late a 200 ms delay ends.
# nginx's worker count is fixed and WireMock is warmed for $WARM s before the rounds.
delay_warm_up() {  # PORT FILE
  ((DELAY_WARM > 0)) || return 0
  wrk_load "$1" "$DELAY_CONNS" "$2" "" "$DELAY_WARM" >/dev/null 2>&1 || true
}

delay() {
  local file=$out/requests-describe.txt
  "$make_requests" requests --host "127.0.0.1:$P_MOCK" --pairs "$PAIRS" --count 100000 \
    --mix describe --sign none --out "$file"
  "$make_requests" world --pairs "$PAIRS" --verify false --delay 200ms >"$out/world-delay.toml"
  # The [[fault]] delay must load and act, else ebsmock's row is skipped, not faked.
  local mock_ok=1
  if ! start_mock "$out/world-delay.toml"; then mock_ok=0; fi
  if ((mock_ok)); then
    local t
    t=$(curl -s -o /dev/null -w '%{time_total}' -X POST \
      "http://127.0.0.1:$P_MOCK/?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou" || echo 0)
    if ! awk -v t="$t" 'BEGIN { exit !(t >= 0.19) }'; then
      log "ebsmock: [[fault]] delay not in effect (answer after ${t}s); delay row skipped"
      mock_ok=0
    fi
  else
    log "ebsmock: delay scenario does not load: $(tail -3 "$out/ebsmock.log")"
  fi
  stop_pid "$mock_pid"
  echo "$mock_ok" >"$raw/delay-mock-supported"

  start_wiremock
  run_wrk wiremock-delay-warmup "$P_WM" "$wm_pid" "$DELAY_CONNS" "$file" /delay "$WARM"
  local r
  for ((r = 1; r <= RUNS; r++)); do
    log "delay round $r/$RUNS"
    start_nginx
    run_wrk nginx-delay "$P_NGINX" "$nginx_pid" "$DELAY_CONNS" "$file" /delay
    stop_pid "$nginx_pid"
    start_floor 200
    delay_warm_up "$P_FLOOR" "$file"
    run_wrk httplib-floor-delay "$P_FLOOR" "$floor_pid" "$DELAY_CONNS" "$file"
    stop_pid "$floor_pid"
    run_wrk wiremock-delay "$P_WM" "$wm_pid" "$DELAY_CONNS" "$file" /delay
    if ((mock_ok)); then
      start_mock "$out/world-delay.toml"
      delay_warm_up "$P_MOCK" "$file"
      run_wrk ebsmock-delay "$P_MOCK" "$mock_pid" "$DELAY_CONNS" "$file"
      stop_pid "$mock_pid"
    fi
    if [[ -n $ebsmock_before ]]; then
      mock_bin=$ebsmock_before start_mock "$out/world-delay.toml"
      delay_warm_up "$P_MOCK" "$file"
      run_wrk ebsmock-before-delay "$P_MOCK" "$mock_pid" "$DELAY_CONNS" "$file"
      stop_pid "$mock_pid"
    fi
  done
  stop_pid "$wm_pid"
  wm_pid=""
}

# run_paced LABEL PORT PID RATE FILE LOAD: one open-loop run (2 s unmeasured, then
# PACED_DURATION s measured) appended to raw/LABEL.jsonl with the server's CPU over the
# whole run; "requests" is every answer of the run (for CPU per request), "measured" those
# whose latencies count.
run_paced() {
  local label=$1 port=$2 pid=$3 rate=$4 file=$5 load=$6 line cpu0 cpu1 sleeps0="" sleeps1=""
  [[ $label == paced-ebsmock* ]] && sleeps0=$(lock_sleeps "$port")
  cpu0=$(cpu_ms "$pid")
  line=$("$paced_load" --port "$port" --requests "$file" --rate "$rate" --duration "$PACED_DURATION" \
    --warm-up 2 --connections "$CONNS" --threads "$THREADS" | sed -n 's/^PACED //p')
  cpu1=$(cpu_ms "$pid")
  [[ -n $sleeps0 ]] && sleeps1=$(lock_sleeps "$port")
  [[ -n $line ]] || { log "$label: bench_paced_load printed no result"; return 1; }
  local answered load_number
  answered=$(sed -n 's/.*"answered_total":\([0-9]*\).*/\1/p' <<<"$line")
  load_number=$(awk -v l="$load" 'BEGIN { printf "%g", l }')  # ".5" is not JSON; 0.5 is
  line="${line%\}},\"requests\":$answered,\"load\":$load_number,\"server_cpu_ms\":$((cpu1 - cpu0))$(lock_fields "$sleeps0" "$sleeps1")}"
  echo "$line" >>"$raw/$label.jsonl"
  log "$label: $line"
}

paced() {
  # The offered rates are fractions of cpp-httplib alone's closed-loop rate on this machine
  # now (one wrk run), so the loads mean the same on a faster or slower machine.
  "$make_requests" world --pairs "$PAIRS" --verify true >"$out/world-verify.toml"
  local file capacity
  file=$(signed_requests "$PAIRS" $((100000 * 5)))
  start_floor
  capacity=$(wrk_load "$P_FLOOR" "$CONNS" "$file" "" 5 2>&1 | sed -n 's/^BENCH //p' |
    python3 -c 'import json, sys; print(int(json.load(sys.stdin)["rps"]))')
  stop_pid "$floor_pid"
  echo "{\"floor_closed_loop_rps\":$capacity}" >>"$raw/paced-capacity.jsonl"
  log "paced: cpp-httplib alone answers $capacity req/s closed-loop; loads $PACED_LOADS of it"
  local r load rate count
  for ((r = 1; r <= RUNS; r++)); do
    for load in $PACED_LOADS; do
      rate=$(awk -v c="$capacity" -v l="$load" 'BEGIN { printf "%d", c * l }')
      # Fresh signatures for every run (ebsmock refuses a nonce twice), a few more than sent.
      count=$((rate * (PACED_DURATION + 2) + 1000))
      log "paced round $r/$RUNS, $rate req/s"
      file=$(signed_requests "$PAIRS" "$count")
      start_floor
      run_paced "paced-floor-$load" "$P_FLOOR" "$floor_pid" "$rate" "$file" "$load"
      stop_pid "$floor_pid"
      file=$(signed_requests "$PAIRS" "$count")
      start_mock "$out/world-verify.toml"
      run_paced "paced-ebsmock-$load" "$P_MOCK" "$mock_pid" "$rate" "$file" "$load"
      stop_pid "$mock_pid"
      if [[ -n $ebsmock_before ]]; then
        file=$(signed_requests "$PAIRS" "$count")
        mock_bin=$ebsmock_before start_mock "$out/world-verify.toml"
        run_paced "paced-ebsmock-before-$load" "$P_MOCK" "$mock_pid" "$rate" "$file" "$load"
        stop_pid "$mock_pid"
      fi
    done
  done
}

start_times() {
  local req=$out/start-request.http file
  file=$(signed_requests "$PAIRS" 1)
  python3 -c 'import sys; l = open(sys.argv[1], newline="\n").readline().rstrip("\n"); open(sys.argv[2], "w").write(l.replace("\r", "\r\n"))' "$file" "$req"
  # One V3-signed DescribeDiskReplicaPairs; every server answers it (ebsmock: 200 after
  # verifying it). Runs alternate between servers, like the other sections.
  "$make_requests" world --pairs "$BIG_PAIRS" --verify true >"$out/world-10k-verify.toml"
  "$make_requests" world --pairs "$BIG_PAIRS" --verify true --tags true >"$out/world-10k-tags.toml"
  "$make_requests" world --pairs "$PAIRS" --verify true >"$out/world-verify.toml"
  local dir=$out/nginx body r
  mkdir -p "$dir"
  body=$(tr -d '\n' <"$bench/body.json")
  sed -e "s|@PORT@|$P_NGINX|g" -e "s|@DIR@|$dir|g" -e "s|@BODY@|$body|g" \
    "$bench/nginx.conf.in" >"$dir/nginx.conf"
  for ((r = 1; r <= RUNS; r++)); do
    "$start_probe" --port "$P_MOCK" --request "$req" --runs 3 -- "$ebsmock" serve --port '{port}' \
      2>/dev/null | sed 's/^{/{"server":"ebsmock-default",/' >>"$raw/start.jsonl"
    "$start_probe" --port "$P_MOCK" --request "$req" --runs 3 -- "$ebsmock" serve \
      --scenario "$out/world-verify.toml" --port '{port}' 2>/dev/null |
      sed 's/^{/{"server":"ebsmock-100",/' >>"$raw/start.jsonl"
    "$start_probe" --port "$P_MOCK" --request "$req" --runs 1 -- "$ebsmock" serve \
      --scenario "$out/world-10k-verify.toml" --port '{port}' 2>/dev/null |
      sed 's/^{/{"server":"ebsmock-10k",/' >>"$raw/start.jsonl"
    "$start_probe" --port "$P_MOCK" --request "$req" --runs 1 -- "$ebsmock" serve \
      --scenario "$out/world-10k-tags.toml" --port '{port}' 2>/dev/null |
      sed 's/^{/{"server":"ebsmock-10k-tags",/' >>"$raw/start.jsonl"
    "$start_probe" --port "$P_NGINX" --request "$req" --runs 3 -- nginx -c "$dir/nginx.conf" -p "$dir" \
      2>/dev/null | sed 's/^{/{"server":"nginx",/' >>"$raw/start.jsonl"
    "$start_probe" --port "$P_WM" --request "$req" --runs 1 -- java -jar "$wiremock_jar" \
      --port '{port}' --root-dir "$bench/wiremock" --disable-banner --no-request-journal \
      2>/dev/null | sed 's/^{/{"server":"wiremock",/' >>"$raw/start.jsonl"
  done
  # Shutdown with idle keep-alive connections open (the hostile-clients goal: < 1 s).
  "$start_probe" --port "$P_MOCK" --request "$req" --idle 10 --runs 3 -- "$ebsmock" serve \
    --port '{port}' 2>/dev/null | sed 's/^{/{"server":"ebsmock-default-10-idle",/' >>"$raw/start.jsonl"
}

rss_under_load() {  # LABEL [SERVE_ARGS...]
  # Unsigned (verification off) so the run can be as long as the journal needs without
  # an ever larger file of unique nonces; same Stop/Describe/Start/Describe mix.
  # Also the soak: the scenario injects mixed faults (errors before and after commit,
  # resets, closes, truncated bodies, gateway pages, delays), and at the end every answer
  # must be the model's own (success or a documented refusal) or the scenario's.
  # Every Stop/Start carries a fresh ClientToken (the file repeats after 400,000
  # requests), so the token store fills up to its capacity and then evicts.
  local label=$1 file=$out/requests-rw-10k.txt
  shift
  if [[ -z ${rss_inputs_made:-} ]]; then
    rss_inputs_made=1
    {
      "$make_requests" world --pairs "$BIG_PAIRS" --verify false
      cat "$bench/soak-faults.toml"
    } >"$out/world-10k-noverify.toml"
    "$make_requests" requests --host "127.0.0.1:$P_MOCK" --pairs "$BIG_PAIRS" --count 400000 \
      --mix rw --sign none --out "$file"
  fi
  start_mock "$out/world-10k-noverify.toml" "$@"
  read -r cur peak < <(rss_mb "$mock_pid")
  echo "{\"run\":\"$label\",\"phase\":\"idle\",\"rss_mb\":$cur,\"rss_peak_mb\":$peak,\"journal_seq\":0,\"seconds\":0}" >>"$raw/rss.jsonl"
  local t0=$SECONDS seq=0 answered=0 health
  # Until the journal has seen JOURNAL_TARGET entries AND the server has answered
  # SOAK_REQUESTS requests (the journal also holds the world's own progress entries).
  while (((seq < JOURNAL_TARGET || answered < SOAK_REQUESTS) && SECONDS - t0 < RSS_MAX_SECONDS)); do
    run_wrk ebsmock-10k-load "$P_MOCK" "$mock_pid" "$CONNS" "$file" "" 30
    health=$(curl -s "http://127.0.0.1:$P_MOCK/__admin/health")
    read -r seq answered < <(python3 -c 'import json,sys; h = json.load(sys.stdin); a = h["answers"]
print(h["journal"]["last_seq"], sum(a["model"].values()) + sum(a["fault"].values()))' <<<"$health")
    read -r cur peak < <(rss_mb "$mock_pid")
    echo "{\"run\":\"$label\",\"phase\":\"load\",\"rss_mb\":$cur,\"rss_peak_mb\":$peak,\"journal_seq\":$seq,\"seconds\":$((SECONDS - t0)),\"health\":$health}" >>"$raw/rss.jsonl"
    log "rss ($label): ${cur} MB (peak ${peak} MB), journal seq $seq after $((SECONDS - t0)) s"
  done
  stop_pid "$mock_pid"
}

profile() {
  local file tool
  file=$(signed_requests "$PAIRS" 200000)
  if perf stat -e instructions true 2>&1 | grep -q "not supported"; then tool=callgrind; else tool=perf; fi
  log "profile with $tool"
  if [[ $tool == perf ]]; then
    start_mock "$out/world-verify.toml"
    perf record -g -o "$out/perf.data" -p "$mock_pid" -- sleep 8 >/dev/null 2>&1 &
    local perf_pid=$!
    wrk -t"$THREADS" -c"$CONNS" -d8s -s "$bench/requests.lua" "http://127.0.0.1:$P_MOCK/" -- \
      "$file" "$THREADS" >/dev/null
    wait "$perf_pid" || true
    stop_pid "$mock_pid"
    perf report -i "$out/perf.data" --stdio --no-children 2>/dev/null | head -120 >"$out/profile.txt" || true
  else
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
      "$ebsmock" serve --scenario "$out/world-verify.toml" --port "$P_MOCK" >"$out/callgrind.log" 2>&1 &
    mock_pid=$!
    started_pids+=("$mock_pid")
    wait_port "$P_MOCK"
    wrk -t1 -c4 -d10s -s "$bench/requests.lua" "http://127.0.0.1:$P_MOCK/" -- "$file" 1 >/dev/null
    stop_pid "$mock_pid"
    callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null | head -80 >"$out/profile-inclusive.txt" || true
    callgrind_annotate "$out/callgrind.out" 2>/dev/null | head -60 >"$out/profile.txt" || true
  fi
  log "profile: $out/profile.txt"
}

harness_bench() {
  # The contract harness (issue target: 200 cases of up to 30 commands in < 10 s on two
  # cores), and how long shrinking a planted bug takes. Baseline, same run: the same mock
  # answering one connection's signed requests back to back (wrk -t1 -c1), so the ratio
  # "harness seconds / (its requests x one sequential request)" is the harness's own cost.
  local r m args report=$out/harness-report.json file
  file=$(signed_requests "$PAIRS" 200000)
  "$make_requests" world --pairs "$PAIRS" --verify true >"$out/world-verify.toml"
  for ((r = 1; r <= RUNS; r++)); do
    start_mock "$out/world-verify.toml"
    wrk -t1 -c1 -d5s --timeout 5s -s "$bench/requests.lua" "http://127.0.0.1:$P_MOCK/" -- "$file" 1 \
      2>&1 | sed -n 's/^BENCH //p' | sed 's/^{/{"kind":"sequential-baseline",/' >>"$raw/harness.jsonl"
    stop_pid "$mock_pid"
    for m in reference new-token-on-retry retries-4xx 504-is-success ignores-error-code bad-encoding \
             reuses-token no-retry no-backoff ignores-retry-after; do
      args=(--client "builtin:$m" --tests 200 --max-commands 30 --seed "$r" --report "$report")
      [[ $m == no-retry || $m == no-backoff || $m == ignores-retry-after ]] && args+=(--strict)
      "$ebsmock" contract "${args[@]}" >/dev/null 2>"$out/harness-progress.txt" || true
      # The JSON report holds no wall-clock figures; the progress stream's timing line does.
      python3 - "$report" "$m" "$out/harness-progress.txt" >>"$raw/harness.jsonl" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
cx = j.get("counterexample") or {}
timing = re.search(r"timing: ([0-9.]+) s in all, ([0-9.]+) s shrinking", open(sys.argv[3]).read())
print(json.dumps({"kind": "contract", "client": sys.argv[2], "exit_code": j["exit_code"],
                  "seconds": float(timing.group(1)), "cases": j["cases_passed"], "steps": j["steps"]["total"],
                  "requests": j["requests"], "first_size": cx.get("first_size"),
                  "shrunk_size": len([s for s in cx.get("steps", []) if not s["step"].startswith("final")]) if cx else None,
                  "shrink_seconds": float(timing.group(2)) if cx else None}))
PY
    done
    log "harness: run $r done"
  done
}

checker_bench() {
  # The linearizability checker on generated histories, one seed per run (the baseline,
  # replaying the witness, is measured on the same histories in the same process).
  local r
  for ((r = 1; r <= RUNS; r++)); do
    "$linearizability" --histories 1000 --seed "$r" | sed "s/^{/{\"run\":$r,/" >>"$raw/checker.jsonl"
    log "checker: run $r done"
  done
}

dashboard_bench() {
  # The live dashboard's cost to the request path: the same Describe load with no
  # dashboard and with four (the default stream bound), each run on a fresh server.
  local file=$out/requests-describe.txt r i
  "$make_requests" requests --host "127.0.0.1:$P_MOCK" --pairs "$PAIRS" --count 100000 \
    --mix describe --sign none --out "$file"
  "$make_requests" world --pairs "$PAIRS" --verify false >"$out/world-dashboard.toml"
  for ((r = 1; r <= RUNS; r++)); do
    start_mock "$out/world-dashboard.toml"
    run_wrk dashboard-none "$P_MOCK" "$mock_pid" "$CONNS" "$file"
    stop_pid "$mock_pid"

    start_mock "$out/world-dashboard.toml"
    local streams=()
    for ((i = 0; i < 4; i++)); do
      curl -sN "http://127.0.0.1:$P_MOCK/__admin/events" >"$out/dashboard-stream-$i.txt" 2>/dev/null &
      streams+=("$!")
      started_pids+=("$!")
    done
    sleep 1
    run_wrk dashboard-4 "$P_MOCK" "$mock_pid" "$CONNS" "$file"
    # The streams must have been live all along: each saw journal batches during the run.
    local batches
    for ((i = 0; i < 4; i++)); do
      batches=$(grep -c '^event: journal' "$out/dashboard-stream-$i.txt" || true)
      echo "{\"run\":$r,\"stream\":$i,\"journal_events\":$batches,\"bytes\":$(stat -c %s "$out/dashboard-stream-$i.txt")}" \
        >>"$raw/dashboard-streams.jsonl"
    done
    for i in "${streams[@]}"; do stop_pid "$i"; done
    stop_pid "$mock_pid"
    log "dashboard: round $r done"
  done
}

concurrent_bench() {
  # The concurrent mode's throughput (issue 12 target: >= 10 programs/s, each run 3 times),
  # and the sequential harness on the same machine in the same run as its neighbour.
  local r report=$out/concurrent-report.json
  for ((r = 1; r <= RUNS; r++)); do
    "$ebsmock" contract --concurrent --client builtin:reference --tests 200 --runs 3 --seed "$r" \
      --report "$report" >/dev/null 2>"$out/concurrent-progress.txt" || true
    python3 - "$report" "$out/concurrent-progress.txt" concurrent >>"$raw/concurrent.jsonl" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
t = re.search(r"timing: ([0-9.]+) s in all", open(sys.argv[2]).read())
print(json.dumps({"kind": sys.argv[3], "exit_code": j["exit_code"], "seconds": float(t.group(1)),
                  "cases": j["cases_passed"], "unknown": j["cases_unknown"], "executions": j["executions"],
                  "calls": j["calls"], "ambiguous": j["ambiguous"]}))
PY
    "$ebsmock" contract --client builtin:reference --tests 200 --max-commands 30 --seed "$r" \
      --report "$report" >/dev/null 2>"$out/concurrent-progress.txt" || true
    python3 - "$report" "$out/concurrent-progress.txt" >>"$raw/concurrent.jsonl" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
t = re.search(r"timing: ([0-9.]+) s in all", open(sys.argv[2]).read())
print(json.dumps({"kind": "sequential", "exit_code": j["exit_code"], "seconds": float(t.group(1)),
                  "cases": j["cases_passed"], "requests": j["requests"]}))
PY
    log "concurrent: run $r done"
  done
}

# ---------------------------------------------------------------------------------------

mkdir -p "$out" "$raw"
rm -f "$raw"/*.jsonl "$raw"/delay-mock-supported "$out/wrk.log"
# The checker and the concurrent harness need no servers, the dashboard section only wrk
# and curl.
needs_tools=0
for s in $SECTIONS; do
  case $s in
    checker|concurrent) ;;
    dashboard) command -v wrk >/dev/null && command -v curl >/dev/null || needs_tools=1 ;;
    *) needs_tools=1 ;;
  esac
done
if (( needs_tools )); then install_tools; fi
build_tools
ulimit -n 65536 2>/dev/null || ulimit -n 4096
log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
# The machine's own stalls (vcpu_gaps.cpp), before and after the sections whose figures
# are wall-clock latencies.
machine_gaps() {  # WHEN
  if [[ -x ${vcpu_gaps:-} ]] && { has_section throughput || has_section delay || has_section paced || has_section split; }; then
    "$vcpu_gaps" --seconds 5 | sed "s/^{/{\"when\":\"$1\",/" >>"$raw/machine.jsonl"
    log "vCPU gaps $1: $(tail -1 "$raw/machine.jsonl")"
  fi
}
machine_gaps before
has_section throughput && throughput
has_section delay && delay
has_section paced && paced
has_section split && split
machine_gaps after
has_section start && start_times
if has_section rss; then
  # Heap bytes per remembered ClientToken (allocator count, load-independent).
  "$token_memory" >"$raw/token_memory.jsonl"
  log "token memory: $(cat "$raw/token_memory.jsonl")"
  rss_under_load default
  # The same soak with a smaller token store: how much of the RSS the store is.
  rss_under_load tokens-10k --token-capacity 10000
fi
has_section profile && profile
has_section harness && harness_bench
has_section checker && checker_bench
has_section dashboard && dashboard_bench
has_section concurrent && concurrent_bench
BENCH_SECTIONS="$SECTIONS" python3 "$bench/summarize.py" "$raw" "$out/results.md" "$RUNS" "$DURATION"
cat "$out/results.md"

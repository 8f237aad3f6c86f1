#!/usr/bin/env bash
# instructions.sh: ebsmock's instructions per request under callgrind, a figure that does
# not depend on the machine's load (the other bench sections measure time, which on a
# shared machine does). Starts `ebsmock serve` under valgrind --tool=callgrind with
# instrumentation off, sends WARM requests, switches it on, sends COUNT requests of a
# generated file over one keep-alive connection (send_requests.py), dumps, and prints
# one JSON line: {"label":..,"requests":COUNT,"instructions":..,"per_request":..}.
#   bash tests/bench/instructions.sh BUILD_DIR LABEL [MIX] [SIGN] [COUNT]
#     MIX rw (Stop/Describe/Start/Describe, default) or describe; SIGN v3 (default) or none
#   INSTR_DELAY=200ms: the world delays every request (one [[fault]]), as the delay section.
#   INSTR_SERVER=floor (INSTR_DELAY_MS=200 to sleep as the delay section's floor): measure bench_httplib_floor (cpp-httplib alone, tests/bench/
#   httplib_floor.cpp) on the same requests instead, the baseline for ebsmock's figure.
# Writes the callgrind profile to tests/bench/out/callgrind-LABEL.out (callgrind_annotate
# reads it). Port 28484; the server it starts is stopped by pid.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$1 label=$2 mix=${3:-rw} sign=${4:-v3} count=${5:-2000}
warm=${INSTR_WARM:-200} port=28484
out=tests/bench/out
mkdir -p "$out"
verify=true; [[ $sign == none ]] && verify=false
"$build/tests/bench/bench_make_requests" world --pairs 100 --verify "$verify" ${INSTR_DELAY:+--delay "$INSTR_DELAY"} \
  >"$out/instr-world.toml"
"$build/tests/bench/bench_make_requests" requests --host "127.0.0.1:$port" --pairs 100 \
  --count $((warm + count)) --mix "$mix" --sign "$sign" --out "$out/instr-requests.txt"
profile=$out/callgrind-$label.out
server=("$build/harness/ebsmock" serve --scenario "$out/instr-world.toml" --port "$port")
[[ ${INSTR_SERVER:-ebsmock} == floor ]] &&
  server=("$build/tests/bench/bench_httplib_floor" --port "$port" --body tests/bench/body.json
          --delay-ms "${INSTR_DELAY_MS:-0}")
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$profile" "${server[@]}" \
  >"$out/instr-$label.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for ((i = 0; i < 600; i++)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
python3 tests/bench/send_requests.py "$port" "$out/instr-requests.txt" 0 "$warm"
callgrind_control -i on "$pid" >/dev/null 2>&1
python3 tests/bench/send_requests.py "$port" "$out/instr-requests.txt" "$warm" "$count"
callgrind_control -i off "$pid" >/dev/null 2>&1
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
trap - EXIT
total=$(callgrind_annotate "$profile" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}')
echo "{\"label\":\"$label\",\"mix\":\"$mix\",\"sign\":\"$sign\",\"requests\":$count,\"instructions\":$total,\"per_request\":$((total / count))}"

-- requests.lua: wrk script that replays pre-generated raw HTTP requests (one per line,
-- each CRLF written as a lone CR; see make_requests.cpp), so every request can carry its
-- own V3 signature and nonce. Usage:
--   wrk -t2 -c64 -d10s -s requests.lua URL -- FILE THREADS [PATH_PREFIX]
-- THREADS must equal -t. Thread k of n takes lines k, k+n, k+2n, ... so no two threads
-- send the same request.
-- PATH_PREFIX (e.g. "/delay") is put in front of each request path, for baselines that
-- route on the path. When a thread runs out of lines it starts over and counts a wrap:
-- against a server that verifies signatures the replayed nonces are then refused, so
-- bench.sh treats any wrap as an invalid run. done() prints one JSON line:
--   BENCH {"requests":..,"duration_s":..,"rps":..,"p50_ms":..,"p99_ms":..,"max_ms":..,
--          "errors":{"connect":..,"read":..,"write":..,"status":..,"timeout":..},"wraps":..}
-- Thread-safety: each wrk thread has its own Lua state; setup/done run on the main one.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2])
  local prefix = args[3] or ""
  reqs = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then
      line = line:gsub("\r", "\r\n")
      if prefix ~= "" then line = line:gsub("^(%u+) /", "%1 " .. prefix .. "/", 1) end
      reqs[#reqs + 1] = line
    end
    i = i + 1
  end
  idx = 0
  wraps = 0
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
    wraps = wraps + 1
  end
  return reqs[idx]
end

function done(summary, latency, requests)
  local wraps_total = 0
  for _, t in ipairs(threads) do wraps_total = wraps_total + (t:get("wraps") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"wraps":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, wraps_total))
end

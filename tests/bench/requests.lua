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
-- Start barrier: wrk runs each thread's init() on its main thread, one after the other,
-- starts each thread as soon as its own init() returns, and starts its clock only after
-- the last one. Loading a file of a million requests takes seconds per thread, so the
-- first thread would load the server alone, its requests counted and its time not (a
-- 2 s run measured 9.5 s of load, at a third of the rate it reported). So the last
-- thread's init() writes FILE.go, and each thread's first request() waits for it (but
-- not thread 0's very first: wrk makes that call itself, on its main thread, to count the
-- requests a call returns, before it starts any thread).
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
  go_file = path .. ".go"
  if tid == 0 then os.remove(go_file) end  -- a leftover of an earlier run
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
  waiting = true
  calls = 0
  if tid == nthreads - 1 then assert(io.open(go_file, "w")):close() end
end

local function wait_for_every_thread()
  while true do
    local f = io.open(go_file, "r")
    if f then
      f:close()
      return
    end
    os.execute("sleep 0.01")
  end
end

function request()
  calls = calls + 1
  if waiting and not (tid == 0 and calls == 1) then
    wait_for_every_thread()
    waiting = false
  end
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

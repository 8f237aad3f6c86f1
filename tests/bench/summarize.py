#!/usr/bin/env python3
"""summarize.py: turns tests/bench/out/raw/*.jsonl (written by bench.sh) into the markdown
table of tests/bench/RESULTS.md: medians, spread (min-max over runs), ratios against nginx
and warmed WireMock (ratio of medians, and the range of per-round ratios: runs of one
round ran back to back, so their ratio is less exposed to the machine's load drifting),
and the issue's targets, met or not.
Usage: summarize.py RAW_DIR OUT_MD RUNS DURATION"""
import json
import math
import os
import statistics
import sys
import time

raw, out_md, runs, duration = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
# Sections that ran (bench.sh exports BENCH_SECTIONS); the others are left out of the table.
sections = set(os.environ.get("BENCH_SECTIONS", "throughput delay paced start rss profile harness checker dashboard concurrent").split())


def load(name):
    path = os.path.join(raw, name + ".jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def spread(xs, digits=1):
    return "n/a" if not xs else f"{min(xs):,.{digits}f}–{max(xs):,.{digits}f}"


def per_round_ratio(a, b, key):
    return [x[key] / y[key] for x, y in zip(a, b) if y[key]]


def cpu_per_1k(r):
    """Server CPU ms (its own accounting, user + system) per 1,000 requests answered in a run."""
    if r.get("server_cpu_ms") is None or not r.get("requests"):
        return None
    return r["server_cpu_ms"] * 1000.0 / r["requests"]


def cpu_cells(rs, base):
    """Median CPU ms per 1,000 requests with its spread, and its ratio to a baseline's
    (ratio of medians, and the per-round range)."""
    xs = [c for c in map(cpu_per_1k, rs) if c is not None]
    if not xs:
        return "n/a", "—"
    cell = f"{fmt(med(xs), 1)} ({spread(xs, 1)})"
    bs = [c for c in map(cpu_per_1k, base or []) if c is not None]
    if not bs or rs is base:
        return cell, "—"
    rounds = [a / b for a, b in zip(map(cpu_per_1k, rs), map(cpu_per_1k, base)) if a is not None and b]
    return cell, f"{med(xs) / med(bs):.2f}x ({spread(rounds, 2)})"


def lock_sleeps_cell(rs):
    """ebsmock's calls that slept on its world's lock per 1,000 requests, with the mean
    sleep: the latency the lock itself added (a holder descheduled inside it). Medians over
    the runs; "—" for a server that does not report it."""
    rs = [r for r in rs if "lock_sleeps" in r and r.get("requests")]
    if not rs:
        return "—"
    per_1k = [r["lock_sleeps"] * 1000.0 / r["requests"] for r in rs]
    mean_ms = [r["lock_slept_ms"] / r["lock_sleeps"] for r in rs if r["lock_sleeps"]]
    return f"{fmt(med(per_1k), 2)} ({spread(per_1k, 2)})" + (f", {fmt(med(mean_ms), 2)} ms each" if mean_ms else "")


def preemptions_cell(rs):
    """Times per 1,000 requests the scheduler took one of the server's running threads off
    its CPU (involuntary context switches), median with spread. For ebsmock, the share of
    these that land inside the world's lock stops every request behind it."""
    xs = [r["server_preemptions"] * 1000.0 / r["requests"] for r in rs
          if r.get("server_preemptions") is not None and r.get("requests")]
    return f"{fmt(med(xs), 1)} ({spread(xs, 1)})" if xs else "—"


def machine_line(records):
    """The machine's own stalls (bench_vcpu_gaps) before and after the latency sections:
    per CPU, the time a never-blocking thread did not run, its gaps over 1 ms, the longest."""
    parts = []
    for m in records:
        cpus = "; ".join(f"cpu{c['cpu']} lost {c['lost_ms']:.1f} ms, {c['gaps_over_1ms']} over 1 ms, "
                         f"longest {c['max_gap_us'] / 1000:.1f} ms" for c in m["cpus"])
        parts.append(f"{m['when']} ({m['seconds']} s): {cpus}")
    return "; ".join(parts)


def bystander_line(keys):
    """The CPU the idle WireMock JVM (kept up across rounds, to be measured warm) used
    during the other servers' runs: medians per server (raw file name)."""
    cells = []
    for key in keys:
        xs = [r["bystander_cpu_ms"] for r in load(key) if "bystander_cpu_ms" in r]
        if xs:
            cells.append(f"{key} {fmt(med(xs), 0)} ms ({spread(xs, 0)})")
    if not cells:
        return None
    return "WireMock's CPU while idle beside the other servers' runs, per run: " + "; ".join(cells) + "."


def ratio_cell(rs, base, key="rps"):
    """Ratio of median req/s (or of another figure, `key`) against a baseline's, with the
    range of per-round ratios."""
    if not base:
        return "—"
    return (f"{med([r[key] for r in rs]) / med([r[key] for r in base]):.2f}x "
            f"({spread(per_round_ratio(rs, base, key), 2)})")


lines = []
add = lines.append
add(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores "
    f"(`bash tests/bench/bench.sh`), {runs} runs of {duration} s each, medians with min–max.")
add("")
machine = load("machine")
if machine:
    add("The machine's own stalls, a thread that never blocks pinned to each CPU "
        "(`bench_vcpu_gaps`): " + machine_line(machine) + ".")
    add("")

# --- throughput ---------------------------------------------------------------------
nginx, wm, floor = load("nginx"), load("wiremock"), load("httplib-floor")
floor0 = load("httplib-floor-nice0")  # both servers' workers at the client's priority
rows = [("nginx (fixed JSON body)", "nginx"),
        ("cpp-httplib 0.11.4 alone, fixed body (`httplib_floor.cpp`)", "httplib-floor"),
        ("WireMock 3.13.2 cold (first 30 s)", "wiremock-cold"),
        ("WireMock 3.13.2 warm", "wiremock"), ("ebsmock, V3 verified, 100 pairs", "ebsmock-verify"),
        ("ebsmock, verify_signatures=false, 100 pairs", "ebsmock-noverify"),
        ("ebsmock, V3 verified, 10,000 pairs", "ebsmock-10k-verify"),
        ("cpp-httplib 0.11.4 alone, workers at the client's priority (`--worker-nice 0`)", "httplib-floor-nice0"),
        ("ebsmock, V3 verified, 100 pairs, workers at the client's priority (`--worker-nice 0`)", "ebsmock-verify-nice0")]
BEFORE = os.environ.get("BENCH_BASELINE_LABEL", "the baseline build")
rows += [(f"ebsmock at {BEFORE}, V3 verified, 100 pairs", "ebsmock-before-verify"),
         (f"ebsmock at {BEFORE}, verify_signatures=false, 100 pairs", "ebsmock-before-noverify")]
if "throughput" in sections:
    add("### Throughput: wrk -t2 -c64, Stop/Describe/Start/Describe mix (signed requests)")
    add("")
    add("| server | req/s | p99 ms | non-2xx / errors | RSS after, MB | server CPU ms / 1,000 req | CPU vs cpp-httplib alone (per round) | vs nginx (per round) | vs warm WireMock (per round) | vs cpp-httplib alone (per round) | slept on the world's lock / 1,000 req | preempted / 1,000 req |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|")
for label, key in (rows if "throughput" in sections else []):
    rs = load(key)
    if not rs:
        continue
    rps = [r["rps"] for r in rs]
    p99 = [r["p99_ms"] for r in rs]
    errs = sum(sum(r["errors"].values()) for r in rs)
    wraps = sum(r["wraps"] for r in rs)
    vs_n = ratio_cell(rs, nginx) if key != "nginx" else "—"
    vs_w = ratio_cell(rs, wm) if key not in ("wiremock", "wiremock-cold") else "—"
    # A row at the client's priority is compared with cpp-httplib alone at the same.
    base = floor0 if key.endswith("-nice0") else floor
    vs_f = ratio_cell(rs, base) if key.startswith("ebsmock") else "—"
    note = f"{errs}" + (f", {wraps} wraps (INVALID)" if wraps else "")
    cpu, cpu_vs_f = cpu_cells(rs, base if not key.startswith("httplib-floor") else None)
    add(f"| {label} | {fmt(med(rps), 0)} ({spread(rps, 0)}) | {fmt(med(p99), 2)} ({spread(p99, 2)}) | "
        f"{note} | {fmt(med([r['rss_mb'] for r in rs]), 0)} | {cpu} | {cpu_vs_f} | {vs_n} | {vs_w} | {vs_f} | "
        f"{lock_sleeps_cell(rs)} | {preemptions_cell(rs)} |")
if "throughput" in sections:
    add("")
    line = bystander_line([key for _, key in rows if not key.startswith("wiremock")])
    if line:
        add(line)
        add("")
    nice0 = load("ebsmock-verify-nice0")
    if nice0 and floor0 and floor:
        add("The workers' priority (`HttpServerOptions::worker_nice`, the same for both servers), "
            "ebsmock's p99 over cpp-httplib alone's: "
            f"10 steps below the client (the default) {ratio_cell(load('ebsmock-verify'), floor, 'p99_ms')}; "
            f"at the client's priority {ratio_cell(nice0, floor0, 'p99_ms')}.")
        add("")
    pairs = [("V3 verified", "ebsmock-verify", "ebsmock-before-verify"),
             ("verification off", "ebsmock-noverify", "ebsmock-before-noverify")]
    shown = [(n, load(a), load(b)) for n, a, b in pairs if load(b)]
    if shown:
        add(f"This build against {BEFORE}, same rounds: " + "; ".join(
            f"{n} {ratio_cell(a, b)}" for n, a, b in shown) + ".")
        add("")

# --- delay ----------------------------------------------------------------------------
if "delay" in sections:
    add("### Delay: wrk -t2 -c1000, every request delayed 200 ms (ideal: 5,000 req/s, p99 200 ms)")
    add("")
    add("| server | req/s | p50 ms | p99 ms | max ms | errors (connect/read/write/status/timeout) | server CPU ms / 1,000 req | CPU vs cpp-httplib alone (per round) | p99 vs cpp-httplib alone (per round) | slept on the world's lock / 1,000 req | preempted / 1,000 req |")
    add("|---|---|---|---|---|---|---|---|---|---|---|")
for label, key in [] if "delay" not in sections else [("nginx + echo_sleep 0.2", "nginx-delay"),
                   ("cpp-httplib 0.11.4 alone, handler sleeps 200 ms (`httplib_floor.cpp`)", "httplib-floor-delay"),
                   ("WireMock warm, fixedDelayMilliseconds 200", "wiremock-delay"),
                   ("ebsmock, [[fault]] action=\"*\" delay=\"200ms\"", "ebsmock-delay"),
                   (f"ebsmock at {BEFORE}, same delay", "ebsmock-before-delay")]:
    rs = load(key)
    if not rs:
        if key == "ebsmock-delay":
            add(f"| {label} | not measured: the [[fault]] delay did not load or act in this build | | | | |")
        continue
    e = [r["errors"] for r in rs]
    errs = "/".join(str(sum(x[k] for x in e)) for k in ("connect", "read", "write", "status", "timeout"))
    dfloor = load("httplib-floor-delay")
    cpu, cpu_vs_f = cpu_cells(rs, dfloor if key != "httplib-floor-delay" else None)
    p99_vs_f = ratio_cell(rs, dfloor, "p99_ms") if key != "httplib-floor-delay" else "—"
    add(f"| {label} | {fmt(med([r['rps'] for r in rs]), 0)} ({spread([r['rps'] for r in rs], 0)}) | "
        f"{fmt(med([r['p50_ms'] for r in rs]), 1)} | {fmt(med([r['p99_ms'] for r in rs]), 1)} "
        f"({spread([r['p99_ms'] for r in rs], 1)}) | {fmt(med([r['max_ms'] for r in rs]), 0)} | {errs} | "
        f"{cpu} | {cpu_vs_f} | {p99_vs_f} | {lock_sleeps_cell(rs)} | {preemptions_cell(rs)} |")
if "delay" in sections:
    add("")
    line = bystander_line(["nginx-delay", "httplib-floor-delay", "ebsmock-delay", "ebsmock-before-delay"])
    if line:
        add(line)
        add("")
    now, before = load("ebsmock-delay"), load("ebsmock-before-delay")
    if now and before:
        diffs = [a["p99_ms"] - b["p99_ms"] for a, b in zip(now, before)]
        add(f"This build against {BEFORE}, same rounds: p99 differs by "
            + ", ".join(f"{d:+.1f}" for d in diffs) + " ms per round (median "
            + f"{statistics.median(diffs):+.1f} ms).")
        add("")

# --- paced ----------------------------------------------------------------------------
capacity = load("paced-capacity")
# The loads run, as bench.sh spelled them in the raw files' names (paced-floor-0.3.jsonl).
paced_loads = sorted({n[len("paced-floor-"):-len(".jsonl")] for n in os.listdir(raw)
                      if n.startswith("paced-floor-") and n.endswith(".jsonl")}, key=float)
if "paced" in sections and paced_loads:
    cap = capacity[-1]["floor_closed_loop_rps"] if capacity else None
    measured_s = med([r["duration_s"] for name in ("paced-floor", "paced-ebsmock")
                      for r in load(f"{name}-{paced_loads[0]}")])
    add("### Paced: the signed mix at the same offered rate for both servers (open loop, latency from when each request was due)")
    add("")
    add(f"`bench_paced_load`, 64 connections, {runs} runs per load, each 2 s unmeasured then {fmt(measured_s, 0)} s measured; "
        f"a load is a fraction of cpp-httplib alone's closed-loop rate measured first in this run"
        + (f" ({cap:,} req/s)" if cap else "") + ". Ratios are ebsmock's over cpp-httplib alone's, "
        "of medians, with the per-round range.")
    add("")
    add("| load | server | offered req/s | answered req/s | p50 ms | p99 ms | p99.9 ms | p99 vs cpp-httplib alone (per round) | server CPU ms / 1,000 req | CPU vs cpp-httplib alone (per round) | slept on the world's lock / 1,000 req | not 200 / errors / unsent / sent >1 ms late |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|")
for load_ in paced_loads if "paced" in sections else []:
    pf = load(f"paced-floor-{load_}")
    for label, key in [("cpp-httplib 0.11.4 alone", "paced-floor"), ("ebsmock, V3 verified", "paced-ebsmock"),
                       (f"ebsmock at {BEFORE}", "paced-ebsmock-before")]:
        rs = load(f"{key}-{load_}")
        if not rs:
            continue
        p99 = [r["p99_ms"] for r in rs]
        vs = ratio_cell(rs, pf, "p99_ms") if key != "paced-floor" else "—"
        cpu, cpu_vs_f = cpu_cells(rs, pf if key != "paced-floor" else None)
        not200 = sum(n for r in rs for st, n in r["statuses"].items() if st != "200")
        errs = sum(sum(r["errors"].values()) for r in rs)
        add(f"| {load_} | {label} | {fmt(med([r['offered_rps'] for r in rs]), 0)} | "
            f"{fmt(med([r['answered_rps'] for r in rs]), 0)} | {fmt(med([r['p50_ms'] for r in rs]), 3)} | "
            f"{fmt(med(p99), 3)} ({spread(p99, 3)}) | {fmt(med([r['p999_ms'] for r in rs]), 2)} | {vs} | "
            f"{cpu} | {cpu_vs_f} | {lock_sleeps_cell(rs)} | {not200} / {errs} / {sum(r['unsent'] for r in rs)} / "
            f"{sum(r['late_sends'] for r in rs)} |")
if "paced" in sections and paced_loads:
    add("")

# --- split ----------------------------------------------------------------------------
def probe_delta(before, after):
    """One run's share of a latency probe histogram (mock/latency_probe.h): the read after
    the run minus the one before, as (count, total_ms, [(below_us or None, count)])."""
    buckets = [(b["below_us"], b["count"] - a["count"]) for a, b in zip(before["buckets"], after["buckets"])]
    return after["count"] - before["count"], after["total_ms"] - before["total_ms"], buckets


def bucket_percentile(buckets, fraction):
    """The bound of the bucket holding the span `fraction` of all are at or below, as text
    ("<500 µs", or "≥10,000 µs" past the last bound); "n/a" with nothing counted."""
    total = sum(c for _, c in buckets)
    if not total:
        return "n/a"
    rank, seen = max(1, math.ceil(fraction * total)), 0
    for below, c in buckets:
        seen += c
        if seen >= rank:
            return f"<{below:,} µs" if below is not None else f"≥{buckets[-2][0]:,} µs"
    return "n/a"


def over(buckets, us):
    """How many spans were at least `us` long (a bucket bound)."""
    return sum(c for below, c in buckets if below is None or below > us)


split_floor, split_mock, split_probe = load("split-floor"), load("split-ebsmock"), load("split-probe")
if "split" in sections and split_mock and split_probe:
    add("### Inside the handler and outside it: the latency probe under the throughput load")
    add("")
    add("`wrk -t2 -c64`, the throughput section's V3-signed mix, 100 pairs; each round cpp-httplib alone, then "
        "ebsmock built with `-DEBSMOCK_LATENCY_PROBE=ON`, whose `/__admin/health` `latency_probe` is read before and "
        "after its run. The handler is ebsmock's whole part of a request (cpp-httplib's parsing and writing, and the "
        "kernel's, are outside it); a percentile is the bound of its bucket.")
    add("")
    add("| round | cpp-httplib alone p50 / p99 ms | ebsmock p50 / p99 ms | handler: mean µs, p50, p99, p99.9 | handlers ≥ 100 µs / ≥ 1 ms | lock wait: mean µs, p99; ≥ 100 µs | lock hold: mean µs, p99; ≥ 100 µs |")
    add("|---|---|---|---|---|---|---|")
    for i, (m, pr) in enumerate(zip(split_mock, split_probe)):
        f = split_floor[i] if i < len(split_floor) else None
        n, total, hb = probe_delta(pr["before"]["handler"], pr["after"]["handler"])
        wn, wt, wb = probe_delta(pr["before"]["world_lock_wait"], pr["after"]["world_lock_wait"])
        hn, ht, hob = probe_delta(pr["before"]["world_lock_hold"], pr["after"]["world_lock_hold"])
        mean = lambda t, k: fmt(t * 1000.0 / k, 1) if k else "n/a"
        add(f"| {pr['round']} | {fmt(f['p50_ms'], 2) + ' / ' + fmt(f['p99_ms'], 2) if f else 'n/a'} | "
            f"{fmt(m['p50_ms'], 2)} / {fmt(m['p99_ms'], 2)} | {mean(total, n)}, {bucket_percentile(hb, 0.5)}, "
            f"{bucket_percentile(hb, 0.99)}, {bucket_percentile(hb, 0.999)} | {over(hb, 100):,} / {over(hb, 1000):,} of {n:,} | "
            f"{mean(wt, wn)}, {bucket_percentile(wb, 0.99)}; {over(wb, 100):,} | "
            f"{mean(ht, hn)}, {bucket_percentile(hob, 0.99)}; {over(hob, 100):,} |")
    add("")

# --- start ----------------------------------------------------------------------------
starts = load("start")
if starts:
    add("### Start (exec to first answered signed request) and stop (SIGTERM to exit)")
    add("")
    add("| server | start ms | stop ms | runs |")
    add("|---|---|---|---|")
    for key in ["ebsmock-default", "ebsmock-100", "ebsmock-10k", "ebsmock-10k-tags", "ebsmock-default-10-idle", "nginx", "wiremock"]:
        rs = [r for r in starts if r["server"] == key]
        if not rs:
            continue
        st = [r["start_ms"] for r in rs if r["start_ms"] is not None]
        sp = [r["stop_ms"] for r in rs if r["stop_ms"] is not None]
        add(f"| {key} | {fmt(med(st), 1)} ({spread(st, 1)}) | {fmt(med(sp), 1)} ({spread(sp, 1)}) | {len(rs)} |")
    add("")

# --- rss ------------------------------------------------------------------------------
rss = load("rss")
for r in rss:
    r.setdefault("run", "default")  # raw files from before runs were labelled
rss_runs = list(dict.fromkeys(r["run"] for r in rss))
RSS_RUN_NOTES = {"default": "default settings (100,000 ClientTokens remembered)",
                 "tokens-10k": "`--token-capacity 10000`"}
if rss:
    add("### Memory and soak: 10,000 pairs under load (wrk -c64, unsigned mix), until the journal has seen 1,000,000 entries and 1,000,000 requests were answered")
    add("")
    add("Every Stop/Start carries a fresh ClientToken, so the token store fills to its capacity "
        "and then forgets the oldest; the journal ring keeps 10,000 entries.")
    add("")
    add("| run | after s | journal seq | journal entries kept | tokens remembered | tokens evicted | RSS MB | peak RSS MB |")
    add("|---|---|---|---|---|---|---|---|")
    for run in rss_runs:
        for r in [x for x in rss if x["run"] == run]:
            h = r.get("health", {})
            j = h.get("journal", {})
            t = h.get("tokens", {})
            add(f"| {RSS_RUN_NOTES.get(run, run)} | {r['seconds']} | {r['journal_seq']:,} | {j.get('entries', 0):,} | "
                f"{t.get('remembered', 0):,} | {t.get('evicted', 0):,} | {r['rss_mb']} | {r['rss_peak_mb']} |")
    add("")
    for run in rss_runs:
        load_rows = [r for r in rss if r["run"] == run and r["phase"] == "load"]
        answers = (load_rows[-1].get("health", {}) if load_rows else {}).get("answers")
        if not answers:
            continue
        model_ok = {"ok", "OperationDenied.InvalidStatus"}
        # A delay-only rule fires and then lets the model answer, refusals included.
        fault_ok = {"ok", "InternalError", "RequestTimeout", "Throttling.User", "no-answer", "http-504"} | model_ok
        stray = {f"model:{k}": v for k, v in answers["model"].items() if k not in model_ok}
        stray.update({f"fault:{k}": v for k, v in answers["fault"].items() if k not in fault_ok})
        total = sum(answers["model"].values()) + sum(answers["fault"].values())
        add(f"Soak answers, {RSS_RUN_NOTES.get(run, run)} ({total:,} requests, tests/bench/soak-faults.toml): "
            f"model {answers['model']}; faults {answers['fault']}. "
            + ("Every answer was the model's (success or a documented refusal) or the scenario's."
               if not stray else f"UNEXPECTED answers: {stray}"))
        add("")

# --- harness --------------------------------------------------------------------------
harness = load("harness")
ref = [r for r in harness if r.get("kind") == "contract" and r["client"] == "reference"]
seq = [r for r in harness if r.get("kind") == "sequential-baseline"]
if ref:
    add("### Contract harness (`ebsmock contract`, builtin clients, embedded mock, V3 signed)")
    add("")
    base_ms = med([1000.0 / r["rps"] for r in seq if r.get("rps")]) if seq else None
    add("| client | exit | seconds | cases | steps | requests | cases/s | first failing size → shrunk | shrink s |")
    add("|---|---|---|---|---|---|---|---|---|")
    for client in dict.fromkeys(r["client"] for r in harness if r.get("kind") == "contract"):
        rs = [r for r in harness if r.get("kind") == "contract" and r["client"] == client]
        secs = [r["seconds"] for r in rs]
        cps = [r["cases"] / r["seconds"] for r in rs if r["seconds"]]
        sizes = ", ".join(f"{r['first_size']}→{r['shrunk_size']}" for r in rs if r["first_size"] is not None) or "—"
        shr = [r["shrink_seconds"] for r in rs if r["shrink_seconds"] is not None]
        add(f"| {client} | {'/'.join(str(r['exit_code']) for r in rs)} | {fmt(med(secs), 2)} ({spread(secs, 2)}) | "
            f"{med([r['cases'] for r in rs]):.0f} | {med([r['steps'] for r in rs]):,.0f} | "
            f"{med([r['requests'] for r in rs]):,.0f} | {fmt(med(cps), 1)} | {sizes} | "
            f"{fmt(med(shr), 3) if shr else '—'} |")
    add("")
    if base_ms:
        per_req = [r["seconds"] * 1000.0 / r["requests"] for r in ref if r["requests"]]
        add(f"Baseline (same run): one connection, signed requests back to back: {base_ms:.3f} ms per request "
            f"(median of {len(seq)}). The harness spends {med(per_req):.3f} ms per request it makes "
            f"({med(per_req) / base_ms:.1f}x the bare round trip: the client's retries and signing, "
            "the admin calls that arm faults, move the clock and read the journal, and the checks).")
        add("")

# --- linearizability checker ------------------------------------------------------------
checker = load("checker")
if checker:
    add("### Linearizability checker (`bench_linearizability`, generated histories, 1 s budget each)")
    add("")
    add("Wall time is what a run waits; CPU time is the checking thread's own (on a shared machine a "
        "history that loses the CPU for a time slice shows it in wall time only). Baseline, same "
        "histories, same process: replaying the valid history's witness on the model, one step per call.")
    add("")
    add("| shape | histories | per run | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | CPU max ms "
        "| Unknown | NotLinearizable | p50 / witness replay |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key in dict.fromkeys((r["shape"], r["histories"]) for r in checker):
        rs = [r for r in checker if (r["shape"], r["histories"]) == key]
        col = lambda k, d=3: f"{fmt(med([r[k] for r in rs]), d)} ({spread([r[k] for r in rs], d)})"
        add(f"| {key[0]} | {key[1]} | {rs[0]['count']} | {col('p50_ms')} | {col('p99_ms')} | {col('max_ms', 2)} | "
            f"{col('cpu_p50_ms')} | {col('cpu_p99_ms')} | {col('cpu_max_ms', 2)} | "
            f"{sum(r['unknown'] for r in rs)} | {sum(r['not_linearizable'] for r in rs)} | "
            f"{med([r['p50_over_replay'] for r in rs]):.1f}x |")
    add("")

# --- dashboard --------------------------------------------------------------------------
dash_none, dash_four, dash_streams = load("dashboard-none"), load("dashboard-4"), load("dashboard-streams")
if dash_none and dash_four:
    add("### Live dashboard (`GET /__admin/events`), unsigned Describe, wrk -t2 -c64")
    add("")
    add("Each run on a fresh server; four streams read by curl (as EventSource would) for the whole run.")
    add("")
    add("| run | req/s | p99 ms | against none |")
    add("|---|---|---|---|")
    add(f"| no dashboard | {fmt(med([r['rps'] for r in dash_none]), 0)} ({spread([r['rps'] for r in dash_none], 0)}) | "
        f"{fmt(med([r['p99_ms'] for r in dash_none]), 2)} | — |")
    add(f"| four dashboards | {fmt(med([r['rps'] for r in dash_four]), 0)} ({spread([r['rps'] for r in dash_four], 0)}) | "
        f"{fmt(med([r['p99_ms'] for r in dash_four]), 2)} | {ratio_cell(dash_four, dash_none)} |")
    if dash_streams:
        add("")
        add(f"Journal events per stream per run: {spread([r['journal_events'] for r in dash_streams], 0)}; "
            f"bytes per stream: {spread([r['bytes'] for r in dash_streams], 0)}.")
    add("")

# --- concurrent mode ------------------------------------------------------------------------
conc_all = load("concurrent")
conc = [r for r in conc_all if r.get("kind") == "concurrent"]
conc_seq = [r for r in conc_all if r.get("kind") == "sequential"]
if conc:
    add("### Concurrent mode (`contract --concurrent`, reference client, embedded mock, 200 programs, each run 3 times)")
    add("")
    add("Beside it, same run: the sequential harness, 200 reference cases of up to 30 commands.")
    add("")
    add("| mode | exit | seconds | cases | program runs | calls | ambiguous | Unknown | cases/s |")
    add("|---|---|---|---|---|---|---|---|---|")
    for name, rs in (("concurrent", conc), ("sequential", conc_seq)):
        if not rs:
            continue
        secs = [r["seconds"] for r in rs]
        cps = [r["cases"] / r["seconds"] for r in rs if r["seconds"]]
        add(f"| {name} | {'/'.join(str(r['exit_code']) for r in rs)} | {fmt(med(secs), 2)} ({spread(secs, 2)}) | "
            f"{med([r['cases'] for r in rs]):.0f} | {fmt(med([r.get('executions', r['cases']) for r in rs]), 0)} | "
            f"{fmt(med([r['calls'] for r in rs]), 0) if 'calls' in rs[0] else '—'} | "
            f"{fmt(med([r['ambiguous'] for r in rs]), 0) if 'ambiguous' in rs[0] else '—'} | "
            f"{sum(r.get('unknown', 0) for r in rs) if name == 'concurrent' else '—'} | {fmt(med(cps), 1)} ({spread(cps, 1)}) |")
    add("")

# --- targets --------------------------------------------------------------------------
add("### Targets")
add("")
# Issue 15's targets: ebsmock against cpp-httplib alone (the HTTP layer it is built on)
# and warm WireMock, in the same run.
verify = load("ebsmock-verify")
if verify and floor and wm:
    r_f = med([r["rps"] for r in verify]) / med([r["rps"] for r in floor])
    r_w = med([r["rps"] for r in verify]) / med([r["rps"] for r in wm])
    p99_ratio = med([r["p99_ms"] for r in verify]) / med([r["p99_ms"] for r in floor])
    add(f"- 1a throughput (V3 verified) >= 0.8x cpp-httplib alone: {r_f:.2f}x — {'MET' if r_f >= 0.8 else 'NOT MET'}")
    add(f"- 1b throughput >= 1.6x warm WireMock: {r_w:.2f}x — {'MET' if r_w >= 1.6 else 'NOT MET'}")
    add(f"- 1c p99 within 1.5x cpp-httplib alone's: {p99_ratio:.2f}x — {'MET' if p99_ratio <= 1.5 else 'NOT MET'}")
    cv = [c for c in map(cpu_per_1k, verify) if c is not None]
    cf = [c for c in map(cpu_per_1k, floor) if c is not None]
    if cv and cf:
        c = med(cv) / med(cf)
        add(f"- 1d server CPU per 1,000 requests <= 1.3x cpp-httplib alone's: {med(cv):.1f} ms against "
            f"{med(cf):.1f} ms, {c:.2f}x — {'MET' if c <= 1.3 else 'NOT MET'}")
d = load("ebsmock-delay")
dfloor = load("httplib-floor-delay")
if d and dfloor:
    p99 = med([r["p99_ms"] for r in d])
    fp99 = med([r["p99_ms"] for r in dfloor])
    rps = med([r["rps"] for r in d])
    errs = sum(sum(r["errors"].values()) for r in d)
    ok = p99 <= 1.05 * fp99 and abs(rps - 5000) <= 250 and errs == 0
    add(f"- 2 delay: p99 {p99:.1f} ms against cpp-httplib alone's {fp99:.1f} ms ({p99 / fp99:.2f}x, <= 1.05x), "
        f"{rps:,.0f} req/s (5,000 ± 5%), {errs} errors — {'MET' if ok else 'NOT MET'}")
elif "delay" in sections:
    add("- 2 delay: NOT MEASURED (no working [[fault]] delay in this build)")
st10 = [r["start_ms"] for r in starts if r["server"] == "ebsmock-10k" and r["start_ms"] is not None]
if st10:
    add(f"- 4 start to first answer, 10,000 pairs <= 80 ms (median): {med(st10):.1f} ms — "
        f"{'MET' if med(st10) <= 80 else 'NOT MET'}")
st = [r["start_ms"] for r in starts if r["server"] == "ebsmock-default" and r["start_ms"] is not None]
sn = [r["start_ms"] for r in starts if r["server"] == "nginx" and r["start_ms"] is not None]
if st and sn:
    add(f"- 4 default world start: {med(st):.1f} ms against nginx's {med(sn):.1f} ms")
for r in load("token_memory"):
    add(f"- 3 bytes per remembered ClientToken <= 160 ({r['tokens']:,} tokens, heap bytes with minus without, "
        f"tests/bench/token_memory.cpp): {r['bytes_per_token']:.1f} — {'MET' if r['bytes_per_token'] <= 160 else 'NOT MET'}")
for run in rss_runs:
    rows = [r for r in rss if r["run"] == run]
    peak = max(r["rss_mb"] for r in rows)
    seq = max(r["journal_seq"] for r in rows)
    limit = 64 if run == "default" else 50
    add(f"- 3 RSS under load <= {limit} MB (10,000 pairs, journal {seq:,} entries appended), "
        f"{RSS_RUN_NOTES.get(run, run)}: max {peak} MB — "
        f"{'MET' if peak <= limit and seq >= 1_000_000 else 'NOT MET' if peak > limit else 'NOT REACHED (journal short of 1,000,000)'}")
if ref:
    t = med([r["seconds"] * 200.0 / r["cases"] for r in ref if r["cases"]])
    add(f"- harness: 200 reference cases of up to 30 commands in < 10 s: {t:.2f} s (median) — "
        f"{'MET' if t < 10 else 'NOT MET'}")
    muts = [r for r in harness if r.get("kind") == "contract" and r["client"] != "reference"]
    worst = max((r["seconds"] for r in muts), default=None)
    caught = all(r["exit_code"] == 1 and (r["shrunk_size"] or 99) <= 6 for r in muts)
    if muts:
        add(f"- harness: every builtin mutant caught with <= 6 steps, < 60 s each: slowest {worst:.2f} s — "
            f"{'MET' if caught and worst < 60 else 'NOT MET'}")
else:
    add("- harness: NOT MEASURED (BENCH_SECTIONS without harness)")
if dash_none and dash_four:
    r_d = med([r["rps"] for r in dash_four]) / med([r["rps"] for r in dash_none])
    add(f"- 14.8 Describe throughput with four dashboards open >= 0.95x that with none: {r_d:.2f}x — "
        f"{'MET' if r_d >= 0.95 else 'NOT MET'}")
small = [r for r in checker if r["shape"].startswith("3x10")]
if small:
    for clock, p_key, m_key in (("wall", "p99_ms", "max_ms"), ("CPU", "cpu_p99_ms", "cpu_max_ms")):
        runs_seen = {r["run"] for r in small}
        p99 = med([max(r[p_key] for r in small if r["run"] == run) for run in runs_seen])
        worst = max(r[m_key] for r in small)
        add(f"- 5 checker at 3x10, {clock} time (the worse of valid and corrupted, median over runs): "
            f"p99 < 1 ms: {p99:.3f} ms — {'MET' if p99 < 1 else 'NOT MET'}; max < 50 ms: {worst:.2f} ms — "
            f"{'MET' if worst < 50 else 'NOT MET'}; Unknown: {sum(r['unknown'] for r in small)}")
if conc:
    cps = med([r["cases"] / r["seconds"] for r in conc if r["seconds"]])
    unknown = sum(r["unknown"] for r in conc)
    add(f"- 12.5 concurrent mode >= 10 cases/s, each run 3 times, no delay faults: {cps:.1f} cases/s (median), "
        f"Unknown {unknown} — {'MET' if cps >= 10 and unknown == 0 else 'NOT MET'}")
add("")

with open(out_md, "w") as f:
    f.write("\n".join(lines) + "\n")

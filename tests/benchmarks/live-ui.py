#!/usr/bin/env python3
"""Key latency of the live terminal UI under load: `dotnet-tracer run` (UI mode, a private tmux server, 160x50)
traces the convoy workload with THREADS threads for MINUTES; every 2 s a key switches screens (Overview <-> Threads)
or zooms the Threads view, and the time from send-keys until the screen shows the key's effect is recorded (screen
polled every 5 ms). Also samples the tracer's RSS. Prints one row per minute, then the report's event counts.
Usage: live-ui.py DOTNET_TRACER_DLL PERFHARNESS_DLL [MINUTES] [THREADS]"""
import os, re, statistics, subprocess, sys, tempfile, time

dll, harness = sys.argv[1], sys.argv[2]
minutes = float(sys.argv[3]) if len(sys.argv) > 3 else 2
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 16
seconds = int(minutes * 60)
sock = f"tracer-live-ui-{os.getpid()}"
work = tempfile.mkdtemp(prefix="live-ui-")
trace = os.path.join(work, "live.nettrace")


def tmux(*args):
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, timeout=10).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "u")


def wait(predicate, timeout):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        s = screen()
        if predicate(s):
            return time.monotonic() - start, s
        time.sleep(0.005)
    raise TimeoutError(screen())


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmRSS"))
    except (OSError, StopIteration):
        return None


on_overview = lambda s: "FINDINGS" in s or "No problems" in s
on_threads = lambda s: "thread (" in s
# (key, predicate of its effect, label); the cycle returns to the Overview with the view reset.
# Live, the zoom factor is relative to a trace that keeps growing, so "+" is seen as any zoom factor in the legend.
cycle = [("2", on_threads, "1->2"), ("+", lambda s: on_threads(s) and "zoom ×" in s, "+"), ("z", lambda s: on_threads(s) and "zoom ×" not in s, "z"),
         ("1", on_overview, "2->1")]

subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
try:
    # The tracer runs --duration past the measurement so that the UI stays live throughout; q stops it early.
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "u", "-x", "160", "-y", "50",
         f"exec dotnet {dll} run -o {trace} --duration {seconds + 60}s -- {harness} convoy-target {threads} {seconds + 120}")
    tmux("set-option", "-t", "u", "remain-on-exit", "on")
    tracer = int(tmux("display-message", "-p", "-t", "u", "#{pane_pid}").strip())
    wait(lambda s: "[LIVE]" in s and on_overview(s), 60)
    start = time.monotonic()
    latencies, by_key, rss, step, failures = {}, {}, [], 0, 0
    next_key = start
    while time.monotonic() - start < seconds:
        time.sleep(max(0, next_key - time.monotonic()))  # pacing the keys, not synchronising
        next_key += 2
        if time.monotonic() - start >= seconds:
            break
        key, effect, label = cycle[step % len(cycle)]
        step += 1
        t0 = time.monotonic()
        tmux("send-keys", "-t", "u", key)
        try:
            took, _ = wait(effect, 15)
        except TimeoutError as e:
            failures += 1
            took = 15
            print(f"key {label} showed no effect within 15 s; screen:\n{e}", file=sys.stderr)
        minute = int((t0 - start) // 60)
        latencies.setdefault(minute, []).append(took * 1000)
        by_key.setdefault(label, []).append(took * 1000)
        if step % 5 == 0:
            rss.append((minute, rss_mib(tracer)))
    print(f"live UI key latency, {threads}-thread convoy, {seconds} s, one key every 2 s (send-keys -> screen shows its effect)")
    print("minute  keys  median_ms  p90_ms  max_ms  tracer_rss_mib")
    for minute in sorted(latencies):
        ms = sorted(latencies[minute])
        p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
        mem = max((m for k, m in rss if k == minute and m), default=0)
        print(f"{minute + 1:6d}  {len(ms):4d}  {statistics.median(ms):9.0f}  {p90:6.0f}  {ms[-1]:6.0f}  {mem:14d}")
    all_ms = sorted(x for v in latencies.values() for x in v)
    print(f"all: {len(all_ms)} keys, median {statistics.median(all_ms):.0f} ms, p90 {all_ms[int(len(all_ms) * 0.9)]:.0f} ms, "
          f"max {all_ms[-1]:.0f} ms, {failures} keys without effect within 15 s")
    print("by key: " + ", ".join(f"{k} median {statistics.median(v):.0f} ms (max {max(v):.0f})" for k, v in by_key.items()))
    tmux("send-keys", "-t", "u", "q")
    wait(lambda s: "Stop tracing" in s, 15)
    tmux("send-keys", "-t", "u", "y")
    _, s = wait(lambda s: "Pane is dead" in s or "trace:" in s, 120)
    history = tmux("capture-pane", "-p", "-S", "-", "-t", "u")
    print(next((l for l in history.splitlines() if l.startswith("trace:")), "(no report header seen)"))
finally:
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    subprocess.run(["rm", "-rf", work])

#!/usr/bin/env python3
"""Times `dotnet-tracer replay` in a real terminal (a private tmux server, 160x50) against `report` on the same file.

Per run: the script's own floor (24 keys sent to `cat` in the same kind of tmux session, timed the same way),
`report FILE` (wall time: the same-run reference), then `replay FILE` in tmux: the first Overview with events
on it (seen by polling the screen every 5 ms), the end of loading, then 24 zoom/pan keys on the Threads screen, each
timed from send-keys until the screen shows its effect. The tool also writes its own timings (TRACER_UI_TIMINGS): the
first frame with data (ms since the process started) and, per key, handling to frame written (ms). Prints each run and
a summary with p50/p95 over all keys of all runs.
Usage: replay-ui.py DOTNET_TRACER_DLL TRACE [REPEATS]"""
import os, re, statistics, subprocess, sys, tempfile, time

dll, trace = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
sock = "tracer-replay-ui-bench"

def tmux(*args):
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True).stdout

def screen():
    return tmux("capture-pane", "-p", "-t", "b")

def wait(predicate, timeout=30):
    start = time.time()
    while time.time() - start < timeout:
        s = screen()
        if predicate(s):
            return time.time() - start, s
        time.sleep(0.005)
    raise TimeoutError(screen())

def axis(s):
    return s.splitlines()[1] if len(s.splitlines()) > 1 else ""

def key(k, predicate):
    tmux("send-keys", "-t", "b", k)
    took, _ = wait(predicate, 10)
    return took * 1000

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def span(values, unit, digits=0):
    return f"{min(values):.{digits}f}–{max(values):.{digits}f} {unit}"

# Zoom in 5 times (×32), pan right 8 and left 4 half-views, zoom out twice, pan right 4, zoom in once: 24 keys, each
# with a visible effect (at ×8 or more a pan never hits the trace's ends from where this sequence starts).
zoom = lambda z: (lambda s: f"zoom ×{z} " in s)
SEQUENCE = [("+", zoom(2)), ("+", zoom(4)), ("+", zoom(8)), ("+", zoom(16)), ("+", zoom(32))] \
    + [("]", None)] * 8 + [("[", None)] * 4 + [("-", zoom(16)), ("-", zoom(8))] + [("]", None)] * 4 + [("+", zoom(16))]

def echo_floor(n):
    """The measurement's own floor: send-keys to a plain `cat` until the key shows, same polling."""
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "160", "-y", "50", "stty raw -echo; printf ready; cat")
    wait(lambda s: "ready" in s)
    took = []
    for i in range(n):
        c = "bcfghijklmnopqstuvwxz"[i % 21]
        lines = screen().count(c)
        took.append(key(c, lambda s, c=c, lines=lines: s.count(c) > lines))
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    return took

report_s, first_s, first_in_s, loaded_s, keys_ext, keys_in, draws = [], [], [], [], [], [], []
events = lambda s: re.search(r"trace: [0-9.]+ s · ([1-9][0-9,]*) events", s)
floor = []
for run in range(repeats):
    floor += echo_floor(len(SEQUENCE))
    t0 = time.time()
    subprocess.run(["dotnet", dll, "report", trace], capture_output=True, check=True)
    report_s.append(time.time() - t0)

    timings = tempfile.NamedTemporaryFile(prefix="replay-ui-", suffix=".txt", delete=False).name
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    t0 = time.time()
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "160", "-y", "50",
         "-e", f"TRACER_UI_TIMINGS={timings}", f"dotnet {dll} replay {trace}")
    took, s = wait(lambda s: events(s) is not None)
    first_s.append(took)
    took, s = wait(lambda s: "loaded" in s and "loading" not in s, 120)
    loaded_s.append(time.time() - t0)
    total = events(s).group(1)
    key("2", lambda s: "thread (" in s)
    ext = []
    for k, effect in SEQUENCE:
        before = axis(screen())
        ext.append(key(k, effect or (lambda s, b=before: axis(s) != b)))
    key("z", lambda s: "zoom ×" not in s)
    tmux("send-keys", "-t", "b", "q")
    time.sleep(0.5)
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)

    lines = open(timings).read().splitlines()
    os.unlink(timings)
    first_in = next(float(re.search(r"ms=(\d+)", l).group(1)) for l in lines if l.startswith("first-data-frame"))
    key_lines = [l for l in lines if l.startswith("key ")]
    # key lines: "2", then the sequence, then "z" (q quits before a frame): take the sequence's.
    inside = [re.search(r"ms=([0-9.]+) draw=([0-9.]+)", l) for l in key_lines[1:1 + len(SEQUENCE)]]
    first_in_s.append(first_in / 1000)
    keys_ext += ext
    keys_in += [float(m.group(1)) for m in inside]
    draws += [float(m.group(2)) for m in inside]
    print(f"run {run + 1}: report {report_s[-1]:.2f} s · replay: first Overview with data {first_s[-1]:.2f} s "
          f"(in-program {first_in / 1000:.2f} s), loaded {loaded_s[-1]:.2f} s ({total} events) · keys p50 "
          f"{statistics.median(ext):.0f} ms (in-program {statistics.median(float(m.group(1)) for m in inside):.0f} ms)")

ratios = [f / r for f, r in zip(first_s, report_s)]
load = open("/proc/loadavg").read().split()[:3]
print(f"\nsummary over {repeats} runs, {len(keys_ext)} zoom/pan keys, load average {' '.join(load)}:")
print(f"  report (reference):         {span(report_s, 's', 2)}")
print(f"  first Overview with data:   {span(first_s, 's', 2)} in the terminal, {span(first_in_s, 's', 2)} in-program; "
      f"as a fraction of the same run's report {min(ratios):.2f}–{max(ratios):.2f}")
print(f"  whole file loaded:          {span(loaded_s, 's', 2)}")
print(f"  key echoed by `cat`, terminal (the measurement's floor): p50 {pct(floor, 50):.0f} ms, p95 {pct(floor, 95):.0f} ms")
print(f"  zoom/pan key, terminal:     p50 {pct(keys_ext, 50):.0f} ms, p95 {pct(keys_ext, 95):.0f} ms, max {max(keys_ext):.0f} ms")
print(f"  zoom/pan key, in-program:   p50 {pct(keys_in, 50):.1f} ms, p95 {pct(keys_in, 95):.1f} ms, max {max(keys_in):.1f} ms "
      f"(the Threads screen's own drawing: p50 {pct(draws, 50):.1f} ms, p95 {pct(draws, 95):.1f} ms)")

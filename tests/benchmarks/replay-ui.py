#!/usr/bin/env python3
"""Times `dotnet-tracer replay` in a real terminal (a private tmux server, 160x50): the first Overview with events
on it, the end of loading, then keys on the Threads screen (time from send-keys until the screen shows the key's
effect, polled every 5 ms). Usage: replay-ui.py DOTNET_TRACER_DLL TRACE [REPEATS]"""
import re, subprocess, sys, time

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

def key(k, predicate, label):
    t0 = time.time()
    tmux("send-keys", "-t", "b", k)
    took, s = wait(predicate, 10)
    print(f"  {label}: {took * 1000:.0f} ms")
    return s

def axis(s):
    return s.splitlines()[1] if len(s.splitlines()) > 1 else ""

for run in range(repeats):
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    t0 = time.time()
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "160", "-y", "50", f"dotnet {dll} replay {trace}")
    events = lambda s: re.search(r"trace: [0-9.]+ s · ([1-9][0-9,]*) events", s)
    took, s = wait(lambda s: events(s) is not None)
    print(f"run {run + 1}: first Overview with data {took:.2f} s ({events(s).group(1)} events)")
    took, s = wait(lambda s: "loaded" in s and "loading" not in s, 120)
    print(f"  loaded {time.time() - t0:.2f} s ({events(s).group(1)} events)")
    key("2", lambda s: "thread (" in s, "Overview -> Threads")
    for zoom in (2, 4, 8, 16):
        key("+", lambda s, z=zoom: f"zoom ×{z} " in s, f"+ (zoom ×{zoom})")
    for _ in range(3):
        before = axis(screen())
        key("]", lambda s, b=before: axis(s) != b, "] (pan)")
    key("-", lambda s: "zoom ×8 " in s, "- (zoom ×8)")
    key("z", lambda s: "zoom ×" not in s, "z (whole trace)")
    key("1", lambda s: "FINDINGS" in s or "No problems" in s, "Threads -> Overview")
    tmux("send-keys", "-t", "b", "q")
    subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)

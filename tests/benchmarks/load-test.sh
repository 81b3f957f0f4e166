#!/usr/bin/env bash
# Long live session at a high event rate: the convoy workload with 16 threads traced by `run --no-tui` for
# MINUTES (default 10). Samples the tracer's resident memory every 10 s and prints a table, then the events/s.
# Usage: tests/benchmarks/load-test.sh [MINUTES [--tui | TRACER OPTIONS...]]
#   e.g. tests/benchmarks/load-test.sh 3 --flight-recorder 10s --stop-on deadlock   (memory with the flight recorder)
#   --tui: the same load under the live terminal UI (tmux), timing a key every 2 s (tests/benchmarks/live-ui.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-10}
shift || true
seconds=$((minutes * 60))
dotnet build -c Release tests/benchmarks/Tracer.PerfHarness -v q -nologo >/dev/null
bin=tests/benchmarks/Tracer.PerfHarness/bin/Release/net10.0
if [[ "${1:-}" == "--tui" ]]; then
  exec python3 tests/benchmarks/live-ui.py "$bin/dotnet-tracer.dll" "$bin/Tracer.PerfHarness.dll" "$minutes" 16
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet "$bin/dotnet-tracer.dll" run --no-tui --format json -o "$work/load.nettrace" --duration "${seconds}s" "$@" -- \
  "$bin/Tracer.PerfHarness.dll" convoy-target 16 "$((seconds + 30))" >"$work/report.json" 2>"$work/stderr.log" &
tracer=$!
echo "elapsed_s  tracer_rss_mib  trace_mib"
for ((t = 10; t <= seconds + 20; t += 10)); do
  sleep 10
  kill -0 "$tracer" 2>/dev/null || break
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$tracer/status" 2>/dev/null || echo "-")
  size=$(du -m "$work/load.nettrace" 2>/dev/null | cut -f1)
  printf "%9d  %14s  %9s\n" "$t" "$rss" "$size"
done
wait "$tracer" || true
peak=$(grep -o '"events": [0-9]*' "$work/report.json" | head -1 | grep -o '[0-9]*')
echo "events: ${peak:-?} in ${seconds} s ($(( ${peak:-0} / seconds )) events/s); lost: $(grep -o '"lostEvents": [0-9]*' "$work/report.json" | head -1 | grep -o '[0-9]*')"
echo "trace file: $(du -m "$work/load.nettrace" | cut -f1) MiB"
grep -o 'flight recorder: [^"]*' "$work/report.json" || true
tail -3 "$work/stderr.log"

#!/usr/bin/env bash
# run --races cost on a field-access-heavy workload (tests/Tracer.RaceCorpus bench-fields: 240 M field accesses,
# 2 threads, a lock every 1,000 rounds), against the same program traced without --races, alternating, N pairs.
# Prints each pair and the medians. Usage: tests/benchmarks/races-bench.sh [pairs=5]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pairs=${1:-5}
dotnet build "$root/tests/Tracer.RaceCorpus" -c Release -v q -nologo >/dev/null
dotnet build "$root/tool/Tracer.Cli" -c Release -v q -nologo >/dev/null
tool="$root/tool/Tracer.Cli/bin/Release/net10.0/dotnet-tracer.dll"
corpus="$root/tests/Tracer.RaceCorpus/bin/Release/net10.0/Tracer.RaceCorpus.dll"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
plain=(); races=(); plain_mb=(); races_mb=()
for i in $(seq "$pairs"); do
  p=$(dotnet "$tool" run --no-tui --force -o "$out/p.nettrace" -- dotnet "$corpus" bench-fields 2>&1 | grep '^bench-fields: [0-9]')
  r=$(dotnet "$tool" run --races --no-tui --force -o "$out/r.nettrace" -- dotnet "$corpus" bench-fields 2>&1 | grep '^bench-fields: [0-9]')
  echo "plain: $p"; echo "races: $r"
  plain+=("$(echo "$p" | awk '{print $2}')"); races+=("$(echo "$r" | awk '{print $2}')")
  plain_mb+=("$(echo "$p" | sed -E 's/.*peak working set ([0-9]+) MiB.*/\1/')"); races_mb+=("$(echo "$r" | sed -E 's/.*peak working set ([0-9]+) MiB.*/\1/')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${plain[@]}"); mr=$(median "${races[@]}")
echo "median: plain ${mp} ms, races ${mr} ms, slowdown $(awk "BEGIN {printf \"%.1f\", $mr/$mp}")x," \
  "cost per access $(awk "BEGIN {printf \"%.1f\", ($mr-$mp)*1e6/240e6}") ns;" \
  "peak working set plain $(median "${plain_mb[@]}") MiB, races $(median "${races_mb[@]}") MiB; load $(cut -d' ' -f1 /proc/loadavg)"

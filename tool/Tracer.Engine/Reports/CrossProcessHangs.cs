using Tracer.Engine.Analysis;

namespace Tracer.Engine.Reports;

/// <summary>
/// Ties hangs in different processes together. The runtime does not trace who holds a named Mutex or Semaphore, so
/// the evidence is: each process has a `hang` with threads blocked in a handle wait, and the processes have the same
/// named objects open. That is reported as one cross-process group — a likely deadlock, said as such, with no owner
/// invented. The per-process hangs stay in the report too.
/// </summary>
public static class CrossProcessHangs
{
    public static IReadOnlyList<ReportFinding> AddGroups(IReadOnlyList<ReportFinding> findings, IReadOnlyDictionary<int, IReadOnlySet<string>> namedObjects)
    {
        var handleHangs = findings
            .Where(f => f.Kind == FindingKinds.Hang && f.Threads.Any(IsHandleWait) && namedObjects.TryGetValue(f.ProcessId, out var names) && names.Count > 0)
            .GroupBy(f => f.ProcessId)
            .ToList();
        if (handleHangs.Count < 2)
        {
            return findings;
        }

        var groups = new List<ReportFinding>();
        var grouped = new HashSet<int>();
        foreach (var first in handleHangs)
        {
            if (grouped.Contains(first.Key))
            {
                continue;
            }

            // Processes connected through shared names (transitively) form one group.
            var members = new List<int> { first.Key };
            bool added = true;
            while (added)
            {
                added = false;
                foreach (var other in handleHangs.Where(g => !members.Contains(g.Key)))
                {
                    if (members.Any(m => namedObjects[other.Key].Overlaps(namedObjects[m])))
                    {
                        members.Add(other.Key);
                        added = true;
                    }
                }
            }

            if (members.Count < 2)
            {
                continue;
            }

            grouped.UnionWith(members);
            var common = members.Skip(1).Aggregate(new SortedSet<string>(namedObjects[members[0]], StringComparer.Ordinal), (acc, m) =>
            {
                acc.IntersectWith(namedObjects[m]);
                return acc;
            });
            IEnumerable<string> names = common.Count > 0 ? common : members.SelectMany(m => namedObjects[m]).Distinct();
            var threads = handleHangs.Where(g => members.Contains(g.Key)).SelectMany(g => g).SelectMany(f => f.Threads.Where(IsHandleWait)).ToList();
            string pids = string.Join(", ", members.Order());
            groups.Add(new ReportFinding(
                members.Min(), FindingKinds.Hang, Severity.Critical,
                $"cross-process hang: processes {pids} all block in handle waits and share the named objects {string.Join(", ", names.Select(n => $"'{n}'"))}",
                handleHangs.Where(g => members.Contains(g.Key)).SelectMany(g => g).Min(f => f.TimeMs), threads, [],
                [
                    "likely deadlock across processes: the runtime does not trace who holds a named Mutex or Semaphore, so no owner is named",
                    "if these are Mutexes, take them in one global order in every process, or wait with a timeout",
                ],
                new Dictionary<string, double> { ["processes"] = members.Count, ["threads"] = threads.Count }));
        }

        return groups.Count == 0 ? findings : [.. groups, .. findings];
    }

    private static bool IsHandleWait(ReportFindingThread t) =>
        t.WaitsForLock is null && t.Primitive is { } p && (p.Contains("WaitOne", StringComparison.Ordinal) || p.Contains("Mutex", StringComparison.Ordinal)
            || p.Contains("Semaphore", StringComparison.Ordinal) || p.Contains("WaitAny", StringComparison.Ordinal) || p.Contains("WaitAll", StringComparison.Ordinal));
}

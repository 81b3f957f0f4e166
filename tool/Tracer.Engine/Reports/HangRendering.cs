using System.Globalization;
using Tracer.Engine.Analysis;

namespace Tracer.Engine.Reports;

/// <summary>
/// Words for hang findings, written once the stacks are resolved: the primitive each thread blocks in is only known
/// then. Handle waits carry no object, so a detector's group may mix, say, Thread.Join and WaitHandle.WaitOne; it is
/// split here into one finding per primitive.
/// </summary>
internal static class HangRendering
{
    private static readonly HashSet<string> s_handleWaits = ["WaitHandle.WaitOne", "WaitHandle.WaitAny", "WaitHandle.WaitAll"];

    public static IEnumerable<ReportFinding> Render(ReportFinding f)
    {
        double nowMs = f.Metrics.GetValueOrDefault("sinceMs") + f.Metrics.GetValueOrDefault("blockedMs");
        var waiters = f.Threads.Where(t => t.Role == "waits").ToList();
        var others = f.Threads.Where(t => t.Role != "waits").ToList();
        bool onLock = waiters.Any(t => t.WaitsForLock is not null);
        string fallback = onLock ? "Monitor.Enter (lock)" : "a runtime wait (primitive not on the stack)";
        var groups = waiters.GroupBy(t => t.Primitive ?? fallback).OrderBy(g => g.Min(t => t.SinceMs)).ToList();
        if (groups.Count == 0)
        {
            yield return f;
            yield break;
        }

        foreach (var group in groups)
        {
            List<ReportFindingThread> members = [.. group];
            double since = members.Min(t => t.SinceMs);
            var metrics = new Dictionary<string, double>(f.Metrics)
            {
                ["threads"] = members.Count,
                ["sinceMs"] = since,
                ["blockedMs"] = nowMs - since,
            };
            yield return f with
            {
                Summary = Summary(f, group.Key, members, nowMs - since),
                Threads = [.. members, .. others],
                TimeMs = groups.Count == 1 ? f.TimeMs : members.Max(t => t.SinceMs) + f.Metrics.GetValueOrDefault("thresholdMs"),
                Metrics = metrics,
            };
        }
    }

    private static string Summary(ReportFinding f, string primitive, List<ReportFindingThread> members, double blockedMs)
    {
        string count = members.Count == 1 ? "1 thread" : $"{members.Count} threads";
        string blocked = string.Create(CultureInfo.InvariantCulture, $"{count} blocked for {blockedMs / 1000:F1} s");
        if (members.Any(t => t.WaitsForLock is not null))
        {
            FindingLock? theLock = f.Locks.FirstOrDefault();
            string name = theLock?.Name ?? "a lock";
            return theLock?.OwnerThreadId is int owner
                ? $"{blocked} waiting for {name} ({primitive}); the runtime names tid {owner} as its holder, which never released it"
                : $"{blocked} waiting for {name} ({primitive}); the runtime did not say which thread holds it";
        }

        if (members.Count >= 2 && s_handleWaits.Contains(primitive))
        {
            return $"likely deadlock: {blocked} in {primitive}, each on a handle (such as a Mutex) that nothing releases; " +
                "the runtime does not trace handle owners, so each may hold what another waits for (e.g. Mutexes taken in opposite order)";
        }

        return $"{blocked} in {primitive}; nothing signalled it, and the runtime does not say who should";
    }
}

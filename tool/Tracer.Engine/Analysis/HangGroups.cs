using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>Turns the threads that hang at one moment into findings, one per thing they hang on.</summary>
internal static class HangGroups
{
    public static IEnumerable<Finding> Build(List<(int ThreadId, Blocked Wait)> hung, IReadOnlyDictionary<ulong, int> owners, double nowMs, double thresholdMs)
    {
        foreach (var group in hung.Where(h => h.Wait.OnLock).GroupBy(h => h.Wait.Subject))
        {
            yield return LockGroup(group.Key, [.. group], owners.TryGetValue(group.Key, out int owner) ? owner : null, nowMs, thresholdMs);
        }

        // Handle waits carry no object (0), so one group may mix primitives; the report splits it by primitive.
        foreach (var group in hung.Where(h => !h.Wait.OnLock).GroupBy(h => h.Wait.Subject))
        {
            yield return ObjectGroup(group.Key, [.. group], nowMs, thresholdMs);
        }
    }

    private static Finding LockGroup(ulong lockId, List<(int ThreadId, Blocked Wait)> waiters, int? owner, double nowMs, double thresholdMs)
    {
        var threads = waiters.OrderBy(w => w.ThreadId)
            .Select(w => new FindingThread(w.ThreadId, "waits", lockId, owner, w.Wait.StackId, w.Wait.SinceMs, w.Wait.ProcessId)).ToList();
        string ownerText = owner is null
            ? "the runtime did not say which thread holds it"
            : "its holder (named by the runtime) never releases it";
        if (owner is int holder && waiters.All(w => w.ThreadId != holder))
        {
            threads.Add(new FindingThread(holder, "holds", null, null, -1, waiters.Min(w => w.Wait.SinceMs), waiters[0].Wait.ProcessId));
        }

        return Make($"lock:{lockId:x}", waiters, nowMs, thresholdMs,
            $"{Count(waiters.Count)} blocked for {Seconds(waiters, nowMs)} waiting for a lock ({Finding.PrimitivePlaceholder}): {ownerText}",
            threads, [new FindingLock(lockId, 0, owner)]);
    }

    private static Finding ObjectGroup(ulong objectId, List<(int ThreadId, Blocked Wait)> waiters, double nowMs, double thresholdMs)
    {
        var threads = waiters.OrderBy(w => w.ThreadId)
            .Select(w => new FindingThread(w.ThreadId, "waits", null, null, w.Wait.StackId, w.Wait.SinceMs, w.Wait.ProcessId)).ToList();
        string on = objectId == 0 ? string.Empty : $" on object 0x{objectId:x}";
        return Make($"wait:{objectId:x}", waiters, nowMs, thresholdMs,
            $"{Count(waiters.Count)} blocked for {Seconds(waiters, nowMs)} in {Finding.PrimitivePlaceholder}{on}; nothing signalled it, and the runtime does not say who should",
            threads, []);
    }

    private static Finding Make(string what, List<(int ThreadId, Blocked Wait)> waiters, double nowMs, double thresholdMs, string summary,
        List<FindingThread> threads, List<FindingLock> locks)
    {
        double since = waiters.Min(w => w.Wait.SinceMs);
        double latest = waiters.Max(w => w.Wait.SinceMs);
        return new Finding
        {
            Kind = FindingKinds.Hang,
            Severity = Severity.Error,
            Summary = summary,
            // When the last member crossed the threshold: the same whichever thread's events arrived first.
            TimeMs = latest + thresholdMs,
            Key = $"hang:{what}:{string.Join(",", waiters.Select(w => w.ThreadId).Order())}",
            Threads = threads,
            Locks = locks,
            Details = [$"blocked since {since / 1000:F2} s; no progress through {nowMs / 1000:F2} s (threshold {thresholdMs / 1000:0.###} s)"],
            Metrics = new Dictionary<string, double>
            {
                ["threads"] = waiters.Count,
                ["blockedMs"] = nowMs - since,
                ["sinceMs"] = since,
                ["thresholdMs"] = thresholdMs,
            },
        };
    }

    private static string Count(int threads) => threads == 1 ? "1 thread" : $"{threads} threads";

    private static string Seconds(List<(int ThreadId, Blocked Wait)> waiters, double nowMs) =>
        $"{(nowMs - waiters.Min(w => w.Wait.SinceMs)) / 1000:F1} s";
}

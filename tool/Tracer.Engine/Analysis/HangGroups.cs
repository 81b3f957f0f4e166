using System.Globalization;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Turns the threads that hang at one moment into findings, one per thing they hang on: a lock, or a primitive (and
/// its object when the runtime named one). Idle points are left out; waits for other work (joins, task waits, a main
/// thread waiting for foreground threads to exit) become one <see cref="FindingRoots.DependentMetric"/> finding that is
/// listed under the cause it waits on (<see cref="FindingRoots"/>), never a finding of its own.
/// </summary>
internal static class HangGroups
{
    private static readonly HashSet<string> s_handleWaits = ["WaitHandle.WaitOne", "WaitHandle.WaitAny", "WaitHandle.WaitAll"];

    public static IEnumerable<Finding> Build(List<HungThread> hung, IReadOnlyDictionary<ulong, int> owners, double nowMs, double thresholdMs)
    {
        // After Main returns, the runtime's main thread (tid = pid on Linux) waits, with no managed frame, for the
        // foreground threads: consumers idle on a queue then hold the process open.
        bool exiting = hung.Any(IsExitWait);
        var causes = new List<HungThread>();
        var dependents = new List<HungThread>();
        foreach (HungThread h in hung)
        {
            if (IsExitWait(h) || (!h.OnLock && h.Wait.WaitsForOtherWork))
            {
                dependents.Add(h);
            }
            else if (h.OnLock || !h.Wait.IsIdle || (exiting && h.Wait.Idle == IdlePoint.QueueConsumer))
            {
                causes.Add(h);
            }
        }

        foreach (var group in causes.Where(h => h.OnLock).GroupBy(h => h.LockId!.Value))
        {
            yield return LockGroup(group.Key, [.. group], owners.TryGetValue(group.Key, out int owner) ? owner : null, nowMs, thresholdMs);
        }

        foreach (var group in causes.Where(h => !h.OnLock).GroupBy(h => (Primitive: h.Wait.Primitive ?? string.Empty, h.ObjectId)))
        {
            yield return WaitGroup(group.Key.Primitive, group.Key.ObjectId, [.. group], exiting, nowMs, thresholdMs);
        }

        if (dependents.Count > 0)
        {
            yield return DependentGroup(dependents, nowMs, thresholdMs);
        }
    }

    /// <summary>
    /// A hang in a wait without an owner (an event, a semaphore, a condition), not the exit wait nor several waiters on
    /// objects the runtime did not name (the likely-deadlock shape, reported at once): what a look at the heap can still judge
    /// (<see cref="Snapshot.SnapshotHangFinder.ShutdownWaits"/> for the main thread's wait for shutdown; an object that
    /// code still running reaches, for a worker between two items).
    /// </summary>
    public static bool IsOwnerlessWait(Finding f) => f.Kind == FindingKinds.Hang && f.OwnerlessWait;

    private const string ExitWaitText = "while the process waits for its foreground threads to exit";

    private static bool IsExitWait(HungThread h) => !h.OnLock && h.ThreadId == h.ProcessId && h.ProcessId != 0 && h.Wait == WaitClass.Unknown;

    private static Finding LockGroup(ulong lockId, List<HungThread> waiters, int? owner, double nowMs, double thresholdMs)
    {
        var threads = waiters.OrderBy(w => w.ThreadId)
            .Select(w => new FindingThread(w.ThreadId, "waits", lockId, owner, w.StackId, w.SinceMs, w.ProcessId)).ToList();
        if (owner is int holder && waiters.All(w => w.ThreadId != holder))
        {
            threads.Add(new FindingThread(holder, "holds", null, null, -1, waiters.Min(w => w.SinceMs), waiters[0].ProcessId));
        }

        string primitive = waiters.Select(w => w.Wait.Primitive).FirstOrDefault(p => p is not null) ?? "Monitor.Enter (lock)";
        string summary = owner is null
            ? $"{Blocked(waiters, nowMs)} waiting for a lock ({primitive}); the runtime did not say which thread holds it"
            : $"{Blocked(waiters, nowMs)} waiting for a lock ({primitive}); the runtime names tid {owner} as its holder, which never released it";
        return Make($"lock:{lockId:x}", waiters, nowMs, thresholdMs, summary, threads, [new FindingLock(lockId, 0, owner)], []);
    }

    private static Finding WaitGroup(string primitive, ulong objectId, List<HungThread> waiters, bool exiting, double nowMs, double thresholdMs)
    {
        var threads = waiters.OrderBy(w => w.ThreadId)
            .Select(w => new FindingThread(w.ThreadId, "waits", null, null, w.StackId, w.SinceMs, w.ProcessId)).ToList();
        string name = primitive.Length > 0 ? primitive : "a runtime wait (primitive not on the stack)";
        string on = objectId == 0 ? string.Empty : $" on object 0x{objectId:x}";
        string summary;
        bool ownerless = false;
        if (exiting && waiters.All(w => w.Wait.Idle == IdlePoint.QueueConsumer))
        {
            summary = $"{Blocked(waiters, nowMs)} in {name}{on} {ExitWaitText}; nothing completes the queue";
        }
        else if (waiters.Count >= 2 && objectId == 0 && s_handleWaits.Contains(primitive))
        {
            summary = $"likely deadlock: {Blocked(waiters, nowMs)} in {name}, each on a handle (such as a Mutex) that nothing releases; " +
                "the runtime does not trace handle owners, so each may hold what another waits for (e.g. Mutexes taken in opposite order)";
        }
        else
        {
            summary = $"{Blocked(waiters, nowMs)} in {name}{on}; nothing signalled it, and the runtime does not say who should";
            ownerless = waiters.Count == 1 || objectId != 0; // several threads on objects the runtime did not name may wait on each other
        }

        return Make($"wait:{primitive}:{objectId:x}", waiters, nowMs, thresholdMs, summary, threads, [], []) with { OwnerlessWait = ownerless };
    }

    private static Finding DependentGroup(List<HungThread> waiters, double nowMs, double thresholdMs)
    {
        var threads = waiters.OrderBy(w => w.ThreadId)
            .Select(w => new FindingThread(w.ThreadId, IsExitWait(w) ? "waits for the foreground threads to exit" : "waits for the threads above",
                null, null, w.StackId, w.SinceMs, w.ProcessId)).ToList();
        return Make("dependent", waiters, nowMs, thresholdMs,
            $"{Blocked(waiters, nowMs)} waiting for other threads or tasks to finish", threads, [],
            new Dictionary<string, double> { [FindingRoots.DependentMetric] = 1 });
    }

    private static Finding Make(string what, List<HungThread> waiters, double nowMs, double thresholdMs, string summary,
        List<FindingThread> threads, List<FindingLock> locks, Dictionary<string, double> extra)
    {
        double since = waiters.Min(w => w.SinceMs);
        double latest = waiters.Max(w => w.SinceMs);
        var metrics = new Dictionary<string, double>(extra)
        {
            ["threads"] = waiters.Count,
            ["blockedMs"] = nowMs - since,
            ["sinceMs"] = since,
            ["thresholdMs"] = thresholdMs,
        };
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
            Details = [string.Create(CultureInfo.InvariantCulture, $"blocked since {since / 1000:F2} s; no progress through {nowMs / 1000:F2} s (threshold {thresholdMs / 1000:0.###} s)")],
            Metrics = metrics,
        };
    }

    private static string Blocked(List<HungThread> waiters, double nowMs)
    {
        string count = waiters.Count == 1 ? "1 thread" : $"{waiters.Count} threads";
        return string.Create(CultureInfo.InvariantCulture, $"{count} blocked for {(nowMs - waiters.Min(w => w.SinceMs)) / 1000:F1} s");
    }
}

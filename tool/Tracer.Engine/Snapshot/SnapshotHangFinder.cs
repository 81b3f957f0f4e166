using Tracer.Engine.Symbols;
using System.Globalization;
using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Threads a snapshot shows blocked, outside any deadlock, that (almost) did not run while watched: reported as <c>hang</c>,
/// grouped by what they block in and on which object (or, without an object, where). Waits without an owner
/// (semaphores, events, barriers, joins) are reported as such: no owner is invented. Pure: no I/O, no clock.
/// </summary>
public static class SnapshotHangFinder
{
    /// <summary>Metric of a hang whose object code that still runs can reach: it may yet be signalled (a worker between
    /// items looks the same), so a live session announces it only at its end, if it still stands.</summary>
    public const string ReachableMetric = "reachableByRunningCode";

    public static IEnumerable<Finding> Find(ProcessSnapshot snapshot, IReadOnlyList<BlockedThread> blocked, IReadOnlySet<int> inDeadlock, Func<int, int> stackIdOf)
    {
        var owners = snapshot.Threads.ToDictionary(t => t.OsThreadId);
        IEnumerable<BlockedThread> stuck = blocked.Where(b =>
            !IsIdle(b) && b.Thread.MadeProgress != true && !inDeadlock.Contains(b.Thread.OsThreadId));
        foreach (IGrouping<string, BlockedThread> group in stuck.GroupBy(GroupKey).OrderBy(g => g.Min(b => b.Thread.OsThreadId)))
        {
            BlockedThread first = group.First();
            BlockedThread[] members = [.. group.OrderBy(b => b.Thread.OsThreadId)];
            WaitReach reach = WaitReach.Of(snapshot, first);
            if (reach == WaitReach.Reached && members.All(b => IsMainThread(snapshot, b.Thread)))
            {
                continue; // the program's own wait for shutdown: SnapshotAnalysis notes it
            }

            int? owner = first.Lock?.OwnerOsThreadId;
            string subject = first.ObjectId != 0 ? $" on {first.ObjectType ?? "object"} 0x{first.ObjectId:x}" : string.Empty;
            string whose = WaitClassifier.HasOwner(first.Kind)
                ? owner is int o ? $", held by tid {o}" : ", owner unknown"
                : string.Empty;
            string howLong = snapshot.ObservedMs > 0 ? string.Create(CultureInfo.InvariantCulture, $", no progress in {snapshot.ObservedMs / 1000:F1} s") : string.Empty;

            var details = new List<string>();
            if (WaitClassifier.HasOwner(first.Kind) && owner is int holder)
            {
                string doing = Doing(owners, holder, blocked);
                string leaked = doing.StartsWith("not blocked", StringComparison.Ordinal) ? " (it moved on without releasing the lock?)" : string.Empty;
                details.Add(TextSanitizer.Clean($"the holder {Name(owners, holder)} is {doing}{leaked}"));
            }
            else if (first.Kind == WaitKind.ThreadJoin && snapshot.ThreadObjects.TryGetValue(first.ObjectId, out int joined))
            {
                details.Add(TextSanitizer.Clean($"it joins {Name(owners, joined)}, which is {(inDeadlock.Contains(joined) ? "in a deadlock" : Doing(owners, joined, blocked))}"));
            }
            else if (!WaitClassifier.HasOwner(first.Kind) && reach == WaitReach.Unreached)
            {
                details.Add(TextSanitizer.Clean($"nothing outside the stuck threads refers to the {first.ObjectType ?? "object"} any more (a mark of the heap from every other root"
                    + $"{(snapshot.AsyncSecondLook is null ? string.Empty : ", in both looks")}): no code that still runs can signal it"));
            }
            else if (!WaitClassifier.HasOwner(first.Kind))
            {
                details.Add($"{WaitClassifier.Describe(first.Kind)} has no owner: the thread that should signal or release it never did, or is stuck itself");
                if (reach == WaitReach.Reached)
                {
                    details.Add(TextSanitizer.Clean($"code that still runs can reach the {first.ObjectType ?? "object"} (a field, a timer, a handler, a worker): it may yet be signalled "
                        + "(a worker between two items looks the same; a trace withdraws this when the thread runs again)"));
                }
            }

            if (members.Max(b => b.Thread.Wakeups ?? 0) is long woke and > 0)
            {
                details.Add($"woke up to {woke} times while watched without leaving the wait (a timed wait that polls?)");
            }

            if (first.Thread.MadeProgress is null)
            {
                details.Add("not watched after the snapshot: the wait may be about to end");
            }

            yield return new Finding
            {
                Kind = FindingKinds.Hang,
                Severity = Severity.Error,
                Summary = $"{members.Length} thread{(members.Length == 1 ? string.Empty : "s")} blocked in {WaitClassifier.Describe(first.Kind)}{subject}{whose}{howLong}",
                TimeMs = 0,
                Key = "snapshot-hang:" + group.Key,
                Threads = [.. members.Select(b => new FindingThread(
                    b.Thread.OsThreadId, "blocked in " + WaitClassifier.Describe(b.Kind),
                    WaitClassifier.HasOwner(b.Kind) && b.ObjectId != 0 ? b.ObjectId : null, b.Lock?.OwnerOsThreadId,
                    stackIdOf(b.Thread.OsThreadId), 0, snapshot.ProcessId))],
                Locks = first.Lock is SnapshotLock l ? [new FindingLock(l.ObjectId, l.ObjectId, l.OwnerOsThreadId, SnapshotAnalysis.LockName(first))] : [],
                Details = details,
                Metrics = Dependent(first.Kind, Reachable(reach, new Dictionary<string, double> { ["threads"] = members.Length, ["observedMs"] = snapshot.ObservedMs })),
            };
        }
    }

    /// <summary>
    /// The main thread parked on a primitive of the program's own (an event, a semaphore) that code which still runs can
    /// reach (a Ctrl+C handler, a timer, a worker): the shape of a console service's wait for shutdown, as idle as
    /// <c>app.Run()</c>. Without the heap's word (<see cref="WaitReach"/>) it stays a hang.
    /// </summary>
    public static IEnumerable<BlockedThread> ShutdownWaits(ProcessSnapshot snapshot, IReadOnlyList<BlockedThread> blocked) =>
        blocked.Where(b => !IsIdle(b) && b.Thread.MadeProgress != true && IsMainThread(snapshot, b.Thread) && WaitReach.Of(snapshot, b) == WaitReach.Reached);

    /// <summary>The process's first thread: on Linux its OS id is the process id; managed id 1 elsewhere.</summary>
    private static bool IsMainThread(ProcessSnapshot snapshot, SnapshotThread thread) =>
        thread.OsThreadId == snapshot.ProcessId || thread.ManagedThreadId == 1;

    /// <summary>
    /// Waiting for time, or at an idle point the one wait classifier names (a consumer on an empty queue, the host's
    /// lifetime wait, a runtime thread), is idle, not hung: the precision rule of docs/findings.md, as live.
    /// </summary>
    private static bool IsIdle(BlockedThread b) => b.Kind == WaitKind.Sleep || WaitClassifier.Classify(b.Thread.Frames).IsIdle;

    private static Dictionary<string, double> Reachable(WaitReach reach, Dictionary<string, double> metrics)
    {
        if (reach == WaitReach.Reached)
        {
            metrics[ReachableMetric] = 1;
        }

        return metrics;
    }

    /// <summary>A join or task wait is a symptom: FindingRoots lists it under what it waits for, or drops it when nothing else is stuck.</summary>
    private static Dictionary<string, double> Dependent(WaitKind kind, Dictionary<string, double> metrics)
    {
        if (kind is WaitKind.ThreadJoin or WaitKind.TaskWait)
        {
            metrics[FindingRoots.DependentMetric] = 1;
        }

        return metrics;
    }

    private static string GroupKey(BlockedThread b)
    {
        if (b.ObjectId != 0)
        {
            return $"{b.Kind}:0x{b.ObjectId:x}";
        }

        int user = WaitClassifier.FirstUserFrame(b.Thread.Frames);
        return $"{b.Kind}:{(user >= 0 ? b.Thread.Frames[user] : "?")}";
    }

    private static string Name(Dictionary<int, SnapshotThread> threads, int tid) =>
        threads.TryGetValue(tid, out SnapshotThread? t) && t.Name is { Length: > 0 } name ? $"{name} (tid {tid})" : $"tid {tid}";

    private static string Doing(Dictionary<int, SnapshotThread> threads, int tid, IReadOnlyList<BlockedThread> blocked)
    {
        BlockedThread? b = blocked.FirstOrDefault(x => x.Thread.OsThreadId == tid);
        if (b is not null)
        {
            return $"itself blocked in {WaitClassifier.Describe(b.Kind)}";
        }

        if (!threads.TryGetValue(tid, out SnapshotThread? t))
        {
            return "not a live managed thread any more (it exited or is native)";
        }

        int user = WaitClassifier.FirstUserFrame(t.Frames);
        return user >= 0 ? $"not blocked, in {t.Frames[user]}" : "not blocked, in runtime code with no user frame";
    }
}

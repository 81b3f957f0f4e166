using Tracer.Engine.Symbols;
using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Turns a snapshot into the same model and findings a trace gives. Lock waits become synthetic ContentionStart
/// records (waiter, lock, owner, stack) fed to the ordinary detectors, so a deadlock is found by the same
/// DeadlockDetector as live; waits without an owner are classified here (<see cref="SnapshotHangFinder"/>).
/// Every record is stamped at 0 ms: a snapshot is one instant, so duration-based detectors stay quiet.
/// </summary>
public static class SnapshotAnalysis
{
    public static TraceAnalyzer Analyze(ProcessSnapshot snapshot, AnalysisOptions? options = null)
    {
        // The owners were read from the stopped process, not inferred from events: a cycle among them is not stale.
        var analyzer = new TraceAnalyzer((options ?? new AnalysisOptions()) with { DeadlockConfirmAfter = TimeSpan.Zero });
        var frames = new SyntheticFrames(analyzer.Model);
        int pid = snapshot.ProcessId;
        Model.ProcessInfo process = analyzer.Model.Process(pid);
        process.Name = snapshot.ProcessName ?? "process";
        process.CommandLine = snapshot.CommandLine ?? string.Empty;

        var stackIds = new Dictionary<int, int>();
        foreach (SnapshotThread thread in snapshot.Threads)
        {
            stackIds[thread.OsThreadId] = frames.Intern(thread.Frames);
            analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.ThreadCreated, 0, thread.OsThreadId, pid));
            analyzer.Model.Thread(thread.OsThreadId, pid, 0).Name = thread.Name;
        }

        IReadOnlyList<BlockedThread> blocked = BlockedThread.From(snapshot);
        foreach (BlockedThread b in blocked.Where(b => WaitClassifier.HasOwner(b.Kind) && b.ObjectId != 0))
        {
            int owner = b.Lock?.OwnerOsThreadId ?? 0;
            analyzer.OnEvent(TraceRecord.ContentionStart(0, b.Thread.OsThreadId, b.ObjectId, b.ObjectId, owner, stackIds[b.Thread.OsThreadId], pid));
        }

        analyzer.Complete();
        NameDeadlockLocks(analyzer, snapshot, blocked);
        var inDeadlock = analyzer.Findings.Snapshot().Where(f => f.Kind == FindingKinds.Deadlock).SelectMany(f => f.Threads).Select(t => t.ThreadId).ToHashSet();
        AsyncHangAnalysis.Result async = AsyncHangAnalysis.Find(snapshot, blocked, tid => stackIds.GetValueOrDefault(tid, -1));
        foreach (Finding f in async.Findings)
        {
            analyzer.Findings.Report(f);
        }

        inDeadlock.UnionWith(async.ExplainedThreads);
        foreach (Finding hang in SnapshotHangFinder.Find(snapshot, blocked, inDeadlock, tid => stackIds.GetValueOrDefault(tid, -1)))
        {
            analyzer.Findings.Report(hang);
        }

        AddNotes(analyzer.Model, snapshot, blocked);
        return analyzer;
    }

    /// <summary>The report of a snapshot on its own (the `snapshot` command): the same merge a trace gets, into an empty analysis.</summary>
    public static TraceReport Report(ProcessSnapshot snapshot, AnalysisOptions? options = null)
    {
        var analyzer = new TraceAnalyzer(options);
        SnapshotMerge.Into(analyzer, snapshot, withinTrace: false);
        return TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot());
    }

    /// <summary>Deadlock findings get lock names with the object's type, and what each thread holds.</summary>
    private static void NameDeadlockLocks(TraceAnalyzer analyzer, ProcessSnapshot snapshot, IReadOnlyList<BlockedThread> blocked)
    {
        var byObject = blocked.Where(b => b.ObjectId != 0).GroupBy(b => b.ObjectId).ToDictionary(g => g.Key, g => g.First());
        foreach (Finding f in analyzer.Findings.Snapshot().Where(f => f.Kind == FindingKinds.Deadlock))
        {
            var details = new List<string>(f.Details);
            foreach (FindingThread t in f.Threads)
            {
                string name = TextSanitizer.Clean(analyzer.Model.ThreadName(t.ThreadId));
                string[] held = [.. snapshot.Locks.Where(l => l.OwnerOsThreadId == t.ThreadId).Select(LockText)];
                details.Add($"{name} holds {(held.Length == 0 ? "no lock the runtime reports" : string.Join(", ", held))}");
            }

            analyzer.Findings.Report(f with
            {
                Locks = [.. f.Locks.Select(l => l with { Name = byObject.TryGetValue(l.ObjectId, out BlockedThread? b) ? LockName(b) : null })],
                Details = details,
            });
        }
    }

    internal static string LockName(BlockedThread b)
    {
        int user = WaitClassifier.FirstUserFrame(b.Thread.Frames);
        string where = user >= 0 ? $" taken in {b.Thread.Frames[user]}" : string.Empty;
        return TextSanitizer.Clean($"{b.ObjectType ?? "object"} 0x{b.ObjectId:x}{where}");
    }

    private static string AsyncNote(AsyncHeap heap, ProcessSnapshot snapshot)
    {
        string second = snapshot.AsyncSecondLook is null ? "one look" : $"two looks {snapshot.AsyncLookGapMs / 1000:F1} s apart";
        string notes = heap.Notes.Count == 0 ? string.Empty : "; " + string.Join("; ", heap.Notes);
        return $"async: {heap.Flows.Count} pending async flows, {heap.Semaphores.Count} SemaphoreSlim, {heap.CompletionSources.Count} TaskCompletionSource, {heap.Channels.Count} channels " +
            $"({heap.ObjectsWalked} heap objects walked in {heap.WalkMs:F0} ms, reachability {heap.ReachabilityMs:F0} ms; {second}){notes}";
    }

    private static string LockText(SnapshotLock l) => TextSanitizer.Clean($"{l.TypeName ?? "object"} 0x{l.ObjectId:x}");

    /// <summary>What was read and what it cost the target, in one line.</summary>
    public static string Describe(ProcessSnapshot snapshot) =>
        $"snapshot of pid {snapshot.ProcessId}: {snapshot.Threads.Count} managed threads, {snapshot.Locks.Count} held locks; " + (snapshot.Method == SnapshotMethods.Dump
            ? $"dump of {snapshot.DumpBytes / 1048576.0:F1} MiB written and read in {snapshot.CaptureMs / 1000:F2} s (deleted)"
            : $"read attached, the process suspended for {snapshot.PauseMs:F0} ms, nothing written");

    private static void AddNotes(Model.TraceModel model, ProcessSnapshot snapshot, IReadOnlyList<BlockedThread> blocked)
    {
        model.AddNote(Describe(snapshot));
        if (snapshot.ObservedMs > 0)
        {
            model.AddNote($"threads were watched for {snapshot.ObservedMs / 1000:F1} s after the snapshot; blocked threads that the OS scheduled only in a few short bursts (a polling timed wait) or not at all count as hung");
        }

        if (snapshot.Async is AsyncHeap heap)
        {
            model.AddNote(AsyncNote(heap, snapshot));
        }

        foreach (string note in snapshot.Notes)
        {
            model.AddNote(note);
        }

        foreach (BlockedThread b in SnapshotHangFinder.ShutdownWaits(snapshot, blocked))
        {
            model.AddNote(TextSanitizer.Clean($"{b.Thread.Name ?? "main"} (tid {b.Thread.OsThreadId}) waits in {WaitClassifier.Describe(b.Kind)} on {b.ObjectType ?? "an object"} 0x{b.ObjectId:x}, "
                + "which code that still runs can reach (a handler, a timer, a worker, a static): taken as the program's wait for shutdown, not a hang"));
        }

        int ownerless = blocked.Count(b => WaitClassifier.HasOwner(b.Kind) && b.Lock?.OwnerOsThreadId is null);
        if (ownerless > 0)
        {
            model.AddNote($"the runtime did not name the owner of the lock {ownerless} waiting thread(s) wait for; no cycle through them can be proven");
        }
    }
}

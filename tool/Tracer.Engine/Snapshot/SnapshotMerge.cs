using System.Globalization;
using Tracer.Engine.Analysis;
using Tracer.Engine.Model;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Adds what a snapshot found to an analysis: every thread's name, stack and state in the model, and the snapshot's
/// findings (ordinary <see cref="Finding"/>s, analyzed by <see cref="SnapshotAnalysis"/>) in its finding set, with
/// stacks interned into the model so that every renderer shows them like any other. One path for all: `snapshot`
/// (into an empty analyzer), a live session's automatic snapshot, and `report`/`replay`/`export` of its saved trace
/// (the snapshot is saved in FILE.meta.json), so the file shows what live showed.
/// </summary>
public static class SnapshotMerge
{
    /// <summary>Starts the summary of a finding that came from a snapshot taken during a trace.</summary>
    public const string SummaryPrefix = "snapshot: ";

    /// <summary>Merges under the analyzer's lock (a live decoder may be running).</summary>
    /// <param name="withinTrace">True when the analyzer holds a trace (findings are then marked as the snapshot's); false for `snapshot` alone.</param>
    /// <param name="kinds">Only findings of these kinds (null: all).</param>
    public static void Into(TraceAnalyzer analyzer, ProcessSnapshot snapshot, bool withinTrace, IReadOnlyCollection<string>? kinds = null)
    {
        TraceAnalyzer found = SnapshotAnalysis.Analyze(snapshot, analyzer.Options);
        lock (analyzer.SyncRoot)
        {
            TraceModel model = analyzer.Model;
            ProcessInfo process = model.Process(snapshot.ProcessId);
            process.Name ??= snapshot.ProcessName;
            process.CommandLine ??= snapshot.CommandLine;
            var frames = new SyntheticFrames(model);
            var stackIds = new Dictionary<int, int>();
            foreach (SnapshotThread t in snapshot.Threads)
            {
                ThreadInfo thread = model.Thread(t.OsThreadId, snapshot.ProcessId, snapshot.TakenAtMs);
                thread.Name ??= t.Name;
                thread.SnapshotStackId = stackIds[t.OsThreadId] = frames.Intern(t.Frames);
                thread.SnapshotState = SnapshotThreadState.Describe(t);
            }

            // The program's own wait for shutdown is idle, whatever reports it (the trace saw it begin, or it began before).
            foreach (BlockedThread b in SnapshotHangFinder.ShutdownWaits(snapshot, BlockedThread.From(snapshot)))
            {
                analyzer.Findings.DismissHangOf(snapshot.ProcessId, b.Thread.OsThreadId, withinTrace ? snapshot.TakenAtMs : double.PositiveInfinity);
            }

            // What the trace found itself (a cycle, or threads it already reports hung) is one cause: not added twice.
            List<(string Kind, HashSet<int> Members)> traced = [.. analyzer.Findings.Snapshot()
                .Where(f => f.Kind is FindingKinds.Deadlock or FindingKinds.Hang).Select(f => (f.Kind, Members(f)))];
            foreach (Finding f in found.Findings.Snapshot().Where(f => kinds is null || kinds.Contains(f.Kind)))
            {
                if (snapshot.AsyncFindingsOnly && !Async.AsyncHangAnalysis.IsAsyncFinding(f))
                {
                    continue; // the trace saw these threads' waits itself
                }

                if (f.Kind is FindingKinds.Deadlock or FindingKinds.Hang && traced.Exists(t => t.Kind == f.Kind && Members(f).IsSubsetOf(t.Members)))
                {
                    continue;
                }

                bool threadsHang = f.Kind == FindingKinds.Hang && !Async.AsyncHangAnalysis.IsAsyncFinding(f);
                if (withinTrace && threadsHang && RanAfter(model, f, snapshot.TakenAtMs))
                {
                    continue; // the trace saw a thread of it go on after the look: its wait ended
                }

                Finding merged = withinTrace ? Marked(f, snapshot, stackIds) : f with { Threads = Restacked(f, stackIds) };
                if (withinTrace && f.Metrics.ContainsKey(SnapshotHangFinder.ReachableMetric))
                {
                    analyzer.Findings.HoldUntilEnd(merged.Key);
                }

                analyzer.Findings.Report(merged);
                if (withinTrace && threadsHang)
                {
                    analyzer.RetractWhenAnyRuns(merged.Key, [.. f.Threads.Select(t => t.ThreadId)], snapshot.TakenAtMs);
                }
            }

            foreach (string note in kinds is null ? found.Model.Notes : [])
            {
                model.AddNote(note);
            }
        }
    }

    private static Finding Marked(Finding f, ProcessSnapshot snapshot, Dictionary<int, int> stackIds) => f with
    {
        Summary = SummaryPrefix + f.Summary,
        Key = "snapshot:" + f.Key,
        TimeMs = snapshot.TakenAtMs,
        Threads = Restacked(f, stackIds),
        Details = [.. f.Details, string.Create(CultureInfo.InvariantCulture,
            $"found by a snapshot of the process at {snapshot.TakenAtMs / 1000:F2} s (threads read {(snapshot.Method == SnapshotMethods.Dump ? "from a heap dump" : "attached")}, the process paused {snapshot.PauseMs:F0} ms)")],
    };

    /// <summary>The snapshot's stack ids belong to its own model: point them at the same frames in this one.</summary>
    private static IReadOnlyList<FindingThread> Restacked(Finding f, Dictionary<int, int> stackIds) =>
        [.. f.Threads.Select(t => t with { StackId = stackIds.GetValueOrDefault(t.ThreadId, -1), SinceMs = Math.Max(t.SinceMs, 0) })];

    /// <summary>A thread of the finding did something of its own in the trace after the look (its wait was not for ever).</summary>
    private static bool RanAfter(TraceModel model, Finding f, double takenAtMs) =>
        f.Threads.Any(t => model.Threads.TryGetValue(t.ThreadId, out ThreadInfo? thread) && thread.LastRanMs > takenAtMs);

    private static HashSet<int> Members(Finding f) => [.. f.Threads.Select(t => t.ThreadId)];
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Tests.Snapshot;

/// <summary>
/// A snapshot merged into an analysis (<see cref="SnapshotMerge"/>), and the same snapshot saved in FILE.meta.json and
/// merged again, as `report` of the saved trace does: the same findings, thread states and stacks.
/// </summary>
public sealed class SnapshotMergeTests
{
    private const int Pid = 100;

    [Fact]
    public void A_deadlock_merged_into_a_trace_is_marked_as_the_snapshots_with_every_threads_stack_and_state()
    {
        var analyzer = new TraceAnalyzer();
        SnapshotMerge.Into(analyzer, Deadlocked() with { TakenAtMs = 2500, PauseMs = 42 }, withinTrace: true);

        Finding deadlock = Assert.Single(analyzer.Findings.Snapshot());
        Assert.Equal(FindingKinds.Deadlock, deadlock.Kind);
        Assert.StartsWith(SnapshotMerge.SummaryPrefix, deadlock.Summary, StringComparison.Ordinal);
        Assert.Equal(2500, deadlock.TimeMs);
        Assert.Contains(deadlock.Details, d => d.Contains("the process paused 42 ms", StringComparison.Ordinal));
        TraceReport report = TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot());
        ReportFinding rendered = Assert.Single(report.Findings);
        Assert.All(rendered.Threads, t => Assert.Contains("App.Bank.Transfer", t.Frames));
        Assert.All(report.Threads, t => Assert.StartsWith("blocked in Monitor.Enter (lock)", t.State, StringComparison.Ordinal));
        ReportStackGroup group = Assert.Single(report.StackGroups); // three identical stacks
        Assert.Equal([10, 11, 12], group.ThreadIds);
    }

    [Fact]
    public void A_standalone_snapshot_is_not_marked_and_a_cycle_the_trace_already_found_is_not_added_twice()
    {
        var alone = new TraceAnalyzer();
        SnapshotMerge.Into(alone, Deadlocked(), withinTrace: false);
        Finding found = Assert.Single(alone.Findings.Snapshot());
        Assert.DoesNotContain(SnapshotMerge.SummaryPrefix, found.Summary, StringComparison.Ordinal);

        SnapshotMerge.Into(alone, Deadlocked(), withinTrace: true); // the same cycle once more, as a trace would see it
        Assert.Single(alone.Findings.Snapshot());
    }

    [Fact]
    public void A_hang_the_trace_already_reports_for_the_same_thread_is_not_added_twice()
    {
        // lost-pulse in the corpus: the trace's hang in Monitor.Wait, then a snapshot read the same stuck thread.
        SnapshotThread stuck = new(20, 20, "consumer", ["System.Threading.Monitor.Wait", "App.Queue.ConsumeWork"], []) { MadeProgress = false };
        ProcessSnapshot snapshot = Deadlocked() with { Threads = [stuck], ObservedMs = 2000 };

        var fresh = new TraceAnalyzer();
        SnapshotMerge.Into(fresh, snapshot, withinTrace: true);
        Assert.Equal([FindingKinds.Hang], fresh.Findings.Snapshot().Select(f => f.Kind)); // nothing traced: the snapshot's own

        var traced = new TraceAnalyzer();
        traced.Findings.Report(new Finding
        {
            Kind = FindingKinds.Hang,
            Severity = Severity.Error,
            Summary = "1 thread blocked in Monitor.Wait",
            TimeMs = 2400,
            Key = "hang:wait:Monitor.Wait:1",
            Threads = [new FindingThread(20, "waits", null, null, -1, 400, Pid)],
        });
        SnapshotMerge.Into(traced, snapshot, withinTrace: true);
        Finding hang = Assert.Single(traced.Findings.Snapshot());
        Assert.DoesNotContain(SnapshotMerge.SummaryPrefix, hang.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_kinds_asked_for_are_merged()
    {
        SnapshotThread stuck = new(20, 20, "consumer", ["System.Threading.SemaphoreSlim.Wait", "App.Worker.Run"], []) { MadeProgress = false };
        ProcessSnapshot snapshot = Deadlocked() with { Threads = [.. Deadlocked().Threads, stuck], ObservedMs = 2000 };

        var analyzer = new TraceAnalyzer();
        SnapshotMerge.Into(analyzer, snapshot, withinTrace: true, kinds: [FindingKinds.Deadlock]);
        Assert.Equal([FindingKinds.Deadlock], analyzer.Findings.Snapshot().Select(f => f.Kind));

        SnapshotMerge.Into(analyzer, snapshot, withinTrace: true);
        Assert.Equal([FindingKinds.Deadlock, FindingKinds.Hang], analyzer.Findings.Snapshot().Select(f => f.Kind).Order());
    }

    [Fact]
    public void A_snapshot_saved_in_the_sidecar_merges_into_the_same_findings_states_and_stacks()
    {
        string dir = Directory.CreateTempSubdirectory("tracer-merge-").FullName;
        try
        {
            string trace = Path.Combine(dir, "t.nettrace");
            ProcessSnapshot snapshot = Deadlocked() with { TakenAtMs = 1200, PauseMs = 30 };
            new TraceMetadata { Snapshot = snapshot }.Save(trace);
            ProcessSnapshot loaded = TraceMetadata.TryLoad(trace)?.Snapshot ?? throw new InvalidOperationException("the sidecar lost the snapshot");

            TraceReport live = Merged(snapshot);
            TraceReport replayed = Merged(loaded);

            Assert.Equal(live.Findings.Select(f => (f.Kind, f.Summary, f.TimeMs)), replayed.Findings.Select(f => (f.Kind, f.Summary, f.TimeMs)));
            Assert.Equal(live.Findings.SelectMany(f => f.Details), replayed.Findings.SelectMany(f => f.Details));
            Assert.Equal(live.Threads.Select(t => (t.ThreadId, t.Name, t.State, string.Join("<", t.Stack))),
                replayed.Threads.Select(t => (t.ThreadId, t.Name, t.State, string.Join("<", t.Stack))));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static TraceReport Merged(ProcessSnapshot snapshot)
    {
        var analyzer = new TraceAnalyzer();
        SnapshotMerge.Into(analyzer, snapshot, withinTrace: true);
        return TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot());
    }

    /// <summary>Thread 10+i holds lock i and waits for lock (i+1) % 3.</summary>
    private static ProcessSnapshot Deadlocked()
    {
        ulong[] locks = [0xa0, 0xb0, 0xc0];
        string[] frames = ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Bank.Transfer", "App.Bank.Run"];
        SnapshotThread[] threads = [.. Enumerable.Range(0, 3).Select(i => new SnapshotThread(10 + i, 10 + i, $"worker-{i}", frames,
            [new FrameObject(0, locks[(i + 1) % 3], "System.Object"), new FrameObject(3, locks[i], "System.Object")]) { MadeProgress = false })];
        return new ProcessSnapshot
        {
            ProcessId = Pid,
            ProcessName = "app",
            Threads = threads,
            Locks = [.. Enumerable.Range(0, 3).Select(i => new SnapshotLock(locks[i], "System.Object", LockFlavor.Monitor, 10 + i, 1, 1))],
        };
    }
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Snapshot;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Tests.Snapshot;

/// <summary>
/// A snapshot's hang merged into a trace stands only while the trace does not see its thread run after the look: a
/// worker caught between two items waits on an event that code still running reaches, and is announced only at the end.
/// </summary>
public sealed class SnapshotHangWithdrawalTests
{
    private const int Pid = 100, Worker = 101;
    private const ulong Wake = 0xe0;

    [Fact]
    public void A_thread_the_trace_saw_run_after_the_look_is_no_hang_when_merged()
    {
        var analyzer = new TraceAnalyzer();
        analyzer.OnEvent(TraceRecord.WaitStart(2500, Worker, WaitSource.MonitorWait, Wake, stackId: -1, processId: Pid));

        SnapshotMerge.Into(analyzer, Looked(reached: true), withinTrace: true);

        Assert.DoesNotContain(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Hang);
    }

    [Fact]
    public void A_merged_hang_is_withdrawn_when_its_thread_runs_and_stands_while_it_does_not()
    {
        var analyzer = new TraceAnalyzer();
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.ThreadCreated, 1000, Worker, Pid));
        SnapshotMerge.Into(analyzer, Looked(reached: false), withinTrace: true);
        Finding hang = Assert.Single(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Hang);
        Assert.Contains(hang.Details, d => d.Contains("no code that still runs can signal it", StringComparison.Ordinal));

        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.CpuSample, 2500, Worker, Pid)); // sampled in its wait: no progress
        Assert.Single(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Hang);

        analyzer.OnEvent(TraceRecord.WaitStop(2600, Worker, processId: Pid));
        Assert.DoesNotContain(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Hang);
    }

    [Fact]
    public void A_hang_on_an_object_running_code_reaches_is_announced_only_when_the_session_ends()
    {
        var analyzer = new TraceAnalyzer();
        var announced = new List<string>();
        analyzer.Findings.Found += f => announced.Add(f.Kind);
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.ThreadCreated, 1000, Worker, Pid));

        SnapshotMerge.Into(analyzer, Looked(reached: true), withinTrace: true);
        analyzer.Findings.DispatchFound();
        Assert.Empty(announced);
        Assert.Contains(analyzer.Findings.Snapshot(), f => f.Metrics.ContainsKey(SnapshotHangFinder.ReachableMetric));

        analyzer.Findings.ReleaseHeld(atEnd: true);
        analyzer.Findings.DispatchFound();
        Assert.Equal([FindingKinds.Hang], announced);
    }

    private static ProcessSnapshot Looked(bool reached) => new()
    {
        ProcessId = Pid,
        ProcessName = "app",
        TakenAtMs = 2000,
        ObservedMs = 2000,
        Threads =
        [
            new SnapshotThread(Worker, 5, "worker", ["System.Threading.Monitor.Wait", "System.Threading.ManualResetEventSlim.Wait", "App.Worker.Run"],
                [new FrameObject(1, Wake, "System.Threading.ManualResetEventSlim")]) { MadeProgress = false },
        ],
        Async = new AsyncHeap { ReachedWaitSubjects = reached ? [Wake] : [] },
    };
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

public sealed class LongWaitDetectorTests
{
    [Fact]
    public void The_longest_resolved_waits_are_reported_longest_first_with_their_stacks()
    {
        var detector = new LongWaitDetector(new AnalysisOptions { LongWaitCount = 2 });
        var findings = new FindingSet();
        TraceRecord[] events =
        [
            TraceRecord.ContentionStart(0, 1, 0x10, 0, 9, stackId: 1), TraceRecord.ContentionStop(150, 1, 150e6),
            TraceRecord.ContentionStart(0, 2, 0x10, 0, 9, stackId: 2), TraceRecord.ContentionStop(400, 2, 400e6),
            TraceRecord.ContentionStart(0, 3, 0x10, 0, 9, stackId: 3), TraceRecord.ContentionStop(50, 3, 50e6),
            TraceRecord.ContentionStart(0, 4, 0x10, 0, 9, stackId: 4), TraceRecord.ContentionStop(300, 4, 300e6),
            TraceRecord.WaitStart(0, 5, WaitSource.MonitorWait, 0xa, stackId: 5), TraceRecord.WaitStop(700, 5),
            TraceRecord.WaitStart(0, 6, WaitSource.MonitorWait, 0xa, stackId: 6), // never ends: a hang, not a long wait
        ];
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(5000, findings);
        var waits = findings.Snapshot().Select(f => (f.Threads[0].ThreadId, f.Metrics["waitMs"])).ToList();
        Assert.Equal([(2, 400.0), (4, 300.0), (5, 700.0)], waits);
    }

    [Fact]
    public void Handle_waits_inside_a_lock_contention_are_not_counted_separately()
    {
        var detector = new LongWaitDetector(new AnalysisOptions());
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.ContentionStart(0, 1, 0x10, 0, 9, stackId: 1), findings);
        detector.OnEvent(TraceRecord.WaitStart(1, 1, WaitSource.Unknown, 0, stackId: 2), findings);
        detector.OnEvent(TraceRecord.WaitStop(200, 1), findings);
        detector.OnEvent(TraceRecord.ContentionStop(201, 1, 201e6), findings);
        detector.Complete(300, findings);
        Assert.True(Assert.Single(findings.Snapshot()).Threads[0].WaitsForLock is 0x10);
    }

    [Fact]
    public void Timeout_slices_of_a_wait_that_never_ends_are_not_long_waits()
    {
        var detector = new LongWaitDetector(new AnalysisOptions());
        var findings = new FindingSet();
        double t = 0;
        foreach (double slice in new[] { 100.0, 200, 400, 800 })
        {
            detector.OnEvent(TraceRecord.WaitStart(t, 1, WaitSource.MonitorWait, 0xa, stackId: 3), findings);
            detector.OnEvent(TraceRecord.WaitStop(t + slice, 1), findings);
            t += slice + 0.1;
        }

        detector.OnEvent(TraceRecord.WaitStart(t, 1, WaitSource.MonitorWait, 0xa, stackId: 3), findings);
        detector.Complete(t + 1000, findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void The_counter_poller_thread_is_instrumentation_not_a_long_wait()
    {
        var detector = new LongWaitDetector(new AnalysisOptions());
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.WaitStart(0, 9, WaitSource.Unknown, 0, stackId: 1), findings);
        detector.OnEvent(TraceRecord.WaitStop(1000, 9), findings);
        detector.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 1000.5, 9) with { Text = "cpu-usage" }, findings);
        detector.Complete(2000, findings);
        Assert.Empty(findings.Snapshot());
    }
}

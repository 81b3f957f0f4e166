using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

public sealed class StarvationDetectorTests
{
    private const int Gate = 50, W1 = 61, W2 = 62, Poller = 70;

    [Fact]
    public void Starvation_that_recovers_reports_its_start_duration_injections_and_blocked_stacks()
    {
        FindingSet findings = Run(
            Worker(TraceEventKind.PoolWorkerStart, 10, W1), Worker(TraceEventKind.PoolWorkerStart, 11, W2),
            TraceRecord.WaitStart(20, W1, WaitSource.MonitorWait, 0xa, stackId: 7),
            TraceRecord.WaitStart(21, W2, WaitSource.MonitorWait, 0xb, stackId: 7),
            Adjust(500, 3, StarvationDetector.StarvationReason),
            Counter(900, "threadpool-queue-length", 12),
            Adjust(1000, 4, StarvationDetector.StarvationReason),
            Adjust(1500, 5, StarvationDetector.CooperativeBlockingReason),
            Counter(1900, "threadpool-queue-length", 30),
            Adjust(2500, 5, 3)); // hill climbing again: recovered

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.Starvation, f.Kind);
        Assert.Equal(500, f.Metrics["startMs"]);
        Assert.Equal(2000, f.Metrics["durationMs"]);
        Assert.Equal(3, f.Metrics["threadsInjected"]);
        Assert.Equal(30, f.Metrics["peakQueueLength"]);
        Assert.Equal(2, f.Metrics["blockedPoolThreads"]);
        Assert.Equal(1, f.Metrics["recovered"]);
        Assert.Equal(7, Assert.Single(f.Threads).StackId); // one line per distinct blocking stack
    }

    [Fact]
    public void A_single_injection_is_not_starvation_and_hill_climbing_is_not_either()
    {
        FindingSet findings = Run(
            Adjust(500, 3, StarvationDetector.StarvationReason),
            Adjust(900, 3, 3),
            Adjust(1500, 4, 2),
            Adjust(2000, 5, 3));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void Counters_alone_do_not_make_starvation()
    {
        FindingSet findings = Run(Counter(1000, "threadpool-queue-length", 500), Counter(2000, "threadpool-queue-length", 900));
        Assert.Empty(findings.Snapshot());
    }

    private static TraceRecord Worker(TraceEventKind kind, double t, int tid) => TraceRecord.Thread(kind, t, tid);

    private static TraceRecord Adjust(double t, long workers, byte reason) =>
        TraceRecord.Thread(TraceEventKind.PoolAdjustment, t, Gate) with { Value = workers, Reason = reason };

    private static TraceRecord Counter(double t, string name, double value) =>
        TraceRecord.Thread(TraceEventKind.CounterSample, t, Poller) with { Text = name, Amount = value };

    private static FindingSet Run(params TraceRecord[] events)
    {
        var detector = new StarvationDetector();
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(events[^1].TimeMs, findings);
        return findings;
    }
}

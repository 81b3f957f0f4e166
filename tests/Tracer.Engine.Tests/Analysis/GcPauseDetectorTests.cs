using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

public sealed class GcPauseDetectorTests
{
    private const int GcThread = 7, Poller = 8;
    private const uint ForGc = 1, ForSampler = 0, Induced = 1;

    [Fact]
    public void One_pause_at_the_threshold_is_a_gc_pause_with_generation_reason_and_type()
    {
        FindingSet findings = Run(Pause(1000, 1000, generation: 2, type: 0));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.GcPause, f.Kind);
        Assert.Equal(1000, f.Metrics["longestPauseMs"]);
        Assert.Equal(2, f.Metrics["generation"]);
        Assert.Contains("gen2 blocking GC, reason induced (GC.Collect)", f.Summary, StringComparison.Ordinal);
        Assert.Equal(GcThread, Assert.Single(f.Threads).ThreadId);
    }

    [Fact]
    public void One_pause_just_under_it_is_not()
    {
        Assert.Empty(Run(Pause(1000, 999, generation: 2, type: 0)).Snapshot());
    }

    [Fact]
    public void Short_pauses_that_add_up_to_a_fifth_of_five_seconds_are_a_gc_pause_and_just_under_are_not()
    {
        // five pauses a second apart: 5 x 201 ms = 1005 ms in the last 5 s vs 5 x 199 ms = 995 ms
        Assert.Single(Run([.. Enumerable.Range(0, 5).SelectMany(i => Pause(1000 * i, 201, generation: 0, type: 0))]).Snapshot());
        Assert.Empty(Run([.. Enumerable.Range(0, 5).SelectMany(i => Pause(1000 * i, 199, generation: 0, type: 0))]).Snapshot());
    }

    [Fact]
    public void A_healthy_service_with_frequent_short_gen0_pauses_and_the_samplers_suspensions_is_quiet()
    {
        // a minute of 10 gen0 GCs a second at 8 ms (1.6 % of the time) and the sampler suspending every 10 ms
        TraceRecord[] events =
        [
            .. Enumerable.Range(0, 600).SelectMany(i => Pause(100 * i, 8, generation: 0, type: 0)),
            .. Enumerable.Range(0, 6000).SelectMany(i => new[]
            {
                TraceRecord.GcSuspendBegin(i * 10 + 5, 3, ForSampler, 0),
                TraceRecord.GcRestartEnd(i * 10 + 5.05, 3),
            }),
        ];
        Assert.Empty(Run([.. events.OrderBy(e => e.TimeMs)]).Snapshot());
    }

    [Fact]
    public void A_pause_the_trace_stopped_in_counts_only_up_to_the_last_record()
    {
        // The rundown after a stop comes a minute later and makes no records: not the pause's end.
        Assert.Empty(StoppedIn(lastRecordMs: 1900).Snapshot());
        Finding f = Assert.Single(StoppedIn(lastRecordMs: 2100).Snapshot());
        Assert.Equal(1100, f.Metrics["longestPauseMs"], 3);
        Assert.Contains(f.Details, d => d.Contains("at least: still suspended when tracing stopped", StringComparison.Ordinal));
    }

    [Fact]
    public void Managed_code_running_again_ends_a_pause_whose_restart_was_lost()
    {
        TraceRecord[] events =
        [
            TraceRecord.GcSuspendBegin(1000, GcThread, ForGc, 3),
            TraceRecord.Thread(TraceEventKind.CounterSample, 1500, Poller) with { Text = "cpu-usage" },
            TraceRecord.Thread(TraceEventKind.CounterSample, 9000, Poller) with { Text = "cpu-usage" },
        ];
        Assert.Empty(Run(events).Snapshot()); // 500 ms, not 8 s
    }

    private static FindingSet StoppedIn(double lastRecordMs)
    {
        var detector = new GcPauseDetector(new AnalysisOptions());
        var findings = new FindingSet();
        // a lock event from another thread: runtime code may emit those during a pause, so it does not end it
        foreach (TraceRecord e in new[] { TraceRecord.GcSuspendBegin(1000, GcThread, ForGc, 3), TraceRecord.ContentionStart(lastRecordMs, Poller, 1, 2, 0) })
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(60_000, findings);
        return findings;
    }

    private static TraceRecord[] Pause(double startMs, double durationMs, int generation, int type) =>
    [
        TraceRecord.GcSuspendBegin(startMs, GcThread, ForGc, (uint)startMs),
        TraceRecord.GcStart(startMs + 0.01, GcThread, generation, Induced, type, (uint)startMs),
        TraceRecord.GcRestartEnd(startMs + durationMs, GcThread),
    ];

    private static FindingSet Run(IReadOnlyList<TraceRecord> events)
    {
        var detector = new GcPauseDetector(new AnalysisOptions());
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(events[^1].TimeMs, findings);
        return findings;
    }
}

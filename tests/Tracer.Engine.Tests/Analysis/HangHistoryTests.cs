using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>A thread that waits again where it was woken before is timed against that place's own history.</summary>
public sealed class HangHistoryTests
{
    private const int Worker = 101, Other = 900, Here = 5;
    private const ulong Wake = 0xa1;

    [Fact]
    public void A_worker_woken_every_3_s_is_not_hung_between_items_until_ten_times_its_longest_wait()
    {
        Assert.Equal(10, LongWaitDetector.RelativeFactor);
        TraceRecord[] loop =
        [
            TraceRecord.WaitStart(0, Worker, WaitSource.MonitorWait, Wake, stackId: Here),
            TraceRecord.WaitStop(3000, Worker),
            TraceRecord.WaitStart(3001, Worker, WaitSource.MonitorWait, Wake, stackId: Here), // waits again at once: the next slice
        ];

        Assert.Empty(Run([.. loop, Tick(3001 + 29_900)]).Snapshot());
        Assert.Equal(FindingKinds.Hang, Assert.Single(Run([.. loop, Tick(3001 + 30_100)]).Snapshot()).Kind);
    }

    [Fact]
    public void A_consumer_whose_earlier_waits_were_short_is_hung_at_the_threshold()
    {
        TraceRecord[] events =
        [
            TraceRecord.WaitStart(0, Worker, WaitSource.MonitorWait, Wake, stackId: Here),
            TraceRecord.WaitStop(100, Worker),
            TraceRecord.Thread(TraceEventKind.Probe, 150, Worker), // its own work between: the block ended
            TraceRecord.WaitStart(200, Worker, WaitSource.MonitorWait, Wake, stackId: Here),
        ];

        Assert.Empty(Run([.. events, Tick(2199)]).Snapshot());
        Assert.Single(Run([.. events, Tick(2201)]).Snapshot());
    }

    [Fact]
    public void Earlier_blocks_that_ended_at_the_same_place_count_as_well_as_earlier_slices()
    {
        TraceRecord[] events =
        [
            TraceRecord.WaitStart(0, Worker, WaitSource.MonitorWait, Wake, stackId: Here),
            TraceRecord.WaitStop(4000, Worker),
            TraceRecord.Thread(TraceEventKind.Probe, 4010, Worker),
            TraceRecord.WaitStart(4020, Worker, WaitSource.MonitorWait, Wake, stackId: Here),
        ];

        Assert.Empty(Run([.. events, Tick(4020 + 39_000)]).Snapshot());
        Assert.Single(Run([.. events, Tick(4020 + 40_100)]).Snapshot());
    }

    private static TraceRecord Tick(double timeMs) => TraceRecord.Thread(TraceEventKind.CounterSample, timeMs, Other);

    private static FindingSet Run(params TraceRecord[] events)
    {
        var detector = new HangDetector(new AnalysisOptions(), frames: _ => ["System.Threading.Monitor.Wait", "Demo.Worker.Run"]);
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        return findings;
    }
}

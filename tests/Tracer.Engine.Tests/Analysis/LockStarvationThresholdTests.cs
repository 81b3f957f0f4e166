using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>Each lock-starvation threshold on both sides, every other condition comfortably met.</summary>
public sealed class LockStarvationThresholdTests
{
    private const ulong L = 0x1000;
    private const int Polite = 301, Greedy1 = 201, Greedy2 = 202;

    [Fact]
    public void The_thresholds_are_the_documented_ones()
    {
        Assert.Equal((10, 100.0, 10, 5, 0.05), (LockStarvationDetector.MinWaits, LockStarvationDetector.MinWaitMs, LockStarvationDetector.MinOtherHolds,
            LockStarvationDetector.MaxHoldShare, LockStarvationDetector.MinWaitingShare));
    }

    [Theory]
    [InlineData(9, 20.0, false)]
    [InlineData(10, 20.0, true)]
    public void Waits(int waits, double waitMs, bool starved) => Assert.Equal(starved, Starved(waits, waitMs, 1000, 20, 0));

    [Theory]
    [InlineData(4.95, false)] // 20 waits: 99 ms
    [InlineData(5.0, true)] // 100 ms
    public void Total_wait(double waitMs, bool starved) => Assert.Equal(starved, Starved(20, waitMs, 500, 20, 0));

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    public void Holds_seen_by_others(int otherHolds, bool starved) => Assert.Equal(starved, Starved(20, 10, 1000, otherHolds, 0));

    [Theory]
    [InlineData(5, false)] // named holder in a quarter of its 20 waits: it gets the lock
    [InlineData(4, true)] // a fifth
    public void Own_holds(int seenHolding, bool starved) => Assert.Equal(starved, Starved(20, 10, 1000, 20, seenHolding));

    [Theory]
    [InlineData(4020, false)] // 200 ms of waiting over 4.02 s: 4.98 %
    [InlineData(3980, true)] // 5.03 %
    public void Share_of_its_time_spent_waiting(double spanMs, bool starved) => Assert.Equal(starved, Starved(20, 10, spanMs, 20, 0));

    [Fact]
    public void A_request_thread_queueing_for_a_logger_lock_now_and_then_is_not_starved()
    {
        // Issue 16: 181 ms of waiting in ten minutes was reported as starvation.
        Assert.False(Starved(200, 0.905, 600_000, 500, 0));
    }

    /// <summary>The polite thread waits <paramref name="waits"/> times, the first at 0 and the last ending at
    /// <paramref name="spanMs"/>; another thread sees Greedy1 hold <paramref name="otherHolds"/> times and the polite one
    /// <paramref name="seenHolding"/> times (its own waits are too short to count).</summary>
    private static bool Starved(int waits, double waitMs, double spanMs, int otherHolds, int seenHolding)
    {
        var events = new List<TraceRecord>();
        double step = (spanMs - waitMs) / Math.Max(1, waits - 1);
        for (int i = 0; i < waits; i++)
        {
            events.Add(TraceRecord.ContentionStart(i * step, Polite, L, 0xab, ownerThreadId: 0, stackId: 5));
            events.Add(TraceRecord.ContentionStop(i * step + waitMs, Polite, waitMs * 1e6));
        }

        for (int i = 0; i < otherHolds + seenHolding; i++)
        {
            events.Add(TraceRecord.ContentionStart(i, Greedy2, L, 0xab, ownerThreadId: i < otherHolds ? Greedy1 : Polite, stackId: 6));
            events.Add(TraceRecord.ContentionStop(i + 0.01, Greedy2, 0.01e6));
        }

        var detector = new LockStarvationDetector();
        var findings = new FindingSet();
        foreach (TraceRecord e in events.OrderBy(e => e.TimeMs))
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(spanMs, findings);
        return findings.Snapshot().Any(f => f.Threads.Any(t => t.Role == "starved" && t.ThreadId == Polite));
    }
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Tests.Analysis;

public sealed class ConvoyDetectorTests
{
    private const ulong Hot = 0x1000, Rare = 0x2000;

    [Fact]
    public void A_hot_lock_that_dominates_the_wait_is_a_convoy()
    {
        var analyzer = new TraceAnalyzer(detectors: [new ConvoyDetector(new AnalysisOptions())]);
        Feed(analyzer, HotAndRare());
        analyzer.Complete();

        Finding f = Assert.Single(analyzer.Findings.Snapshot());
        Assert.Equal(FindingKinds.Convoy, f.Kind);
        Assert.Equal(Hot, Assert.Single(f.Locks).LockId);
        Assert.Equal(200, f.Metrics["contentions"]);
        Assert.Equal(400, f.Metrics["totalWaitMs"], 3);
    }

    [Fact]
    public void A_rarely_taken_lock_with_the_single_longest_wait_ranks_below_the_hot_one()
    {
        var analyzer = new TraceAnalyzer(detectors: []);
        Feed(analyzer, HotAndRare());
        LockInfo[] ranked = [.. analyzer.Model.Locks.Values.OrderByDescending(l => l.TotalWaitNs)];
        var report = Tracer.Engine.Reports.TraceReport.Build(analyzer.Model, []);

        Assert.True(analyzer.Model.Locks[Rare].MaxWaitNs > analyzer.Model.Locks[Hot].MaxWaitNs);
        Assert.Equal([Hot, Rare], report.Locks.Select(l => l.LockId));
        Assert.Equal(50, report.Locks[1].MaxWaitMs, 3);
    }

    [Fact]
    public void Few_contentions_are_no_convoy()
    {
        var analyzer = new TraceAnalyzer(detectors: [new ConvoyDetector(new AnalysisOptions())]);
        Feed(analyzer, [.. Contentions(Hot, 5, 1, 300, 0)]);
        analyzer.Complete();
        Assert.Empty(analyzer.Findings.Snapshot());
    }

    /// <summary>Hot: 200 waits of 2 ms by 4 threads (400 ms). Rare: one 50 ms wait (the longest single wait).</summary>
    private static IEnumerable<TraceRecord> HotAndRare() =>
        Contentions(Hot, 200, 2, 4, 0).Concat(Contentions(Rare, 1, 50, 1, 10_000));

    private static IEnumerable<TraceRecord> Contentions(ulong lockId, int count, double waitMs, int threads, double startMs)
    {
        for (int i = 0; i < count; i++)
        {
            int tid = 100 + (i % threads);
            double t = startMs + i * 10;
            yield return TraceRecord.ContentionStart(t, tid, lockId, 0xabc, ownerThreadId: 99, stackId: -1);
            yield return TraceRecord.ContentionStop(t + waitMs, tid, waitMs * 1e6);
        }
    }

    private static void Feed(TraceAnalyzer analyzer, IEnumerable<TraceRecord> events)
    {
        foreach (TraceRecord e in events)
        {
            analyzer.OnEvent(e);
        }
    }
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>The analyzer hands each record only to the detectors that say they handle its kind: that must find exactly
/// what handing every record to every detector finds.</summary>
public sealed class DetectorRoutingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Routing_by_kind_finds_the_same_as_every_detector_seeing_every_record(int seed)
    {
        List<TraceRecord> records = RandomStream(new Random(seed), 20_000);

        var routed = new TraceAnalyzer();
        foreach (TraceRecord r in records)
        {
            routed.OnEvent(r);
        }

        routed.Complete();

        var everything = new FindingSet();
        IReadOnlyList<IDetector> detectors = DetectorCatalog.Create(new AnalysisOptions());
        foreach (TraceRecord r in records)
        {
            foreach (IDetector d in detectors)
            {
                d.OnEvent(r, everything);
            }
        }

        foreach (IDetector d in detectors)
        {
            d.Complete(records[^1].TimeMs, everything);
        }

        string[] expected = [.. everything.Snapshot().Select(Describe)];
        // The stream is rich enough to matter: contention, pool and probe detectors all find something.
        Assert.Contains(everything.Snapshot(), f => f.Kind == FindingKinds.Convoy);
        Assert.Contains(everything.Snapshot(), f => f.Kind == FindingKinds.Starvation);
        Assert.Contains(everything.Snapshot(), f => f.Kind == FindingKinds.Race);
        Assert.Equal(expected, routed.Findings.Snapshot().Select(Describe));
    }

    [Fact]
    public void Every_detector_handles_some_kind_and_contentions_skip_the_ones_that_ignore_them()
    {
        IReadOnlyList<IDetector> detectors = DetectorCatalog.Create(new AnalysisOptions());
        Assert.All(detectors, d => Assert.Contains(Enum.GetValues<TraceEventKind>(), d.Handles));
        Assert.False(detectors.OfType<FaultedTaskDetector>().Single().Handles(TraceEventKind.ContentionStart));
        Assert.False(detectors.OfType<RaceDetector>().Single().Handles(TraceEventKind.ContentionStop));
    }

    private static string Describe(Finding f) => $"{f.Key} {f.Kind} {f.TimeMs:R} {f.Summary} [{string.Join(",", f.Threads.Select(t => t.ThreadId))}]";

    /// <summary>Records of every kind on a few threads and locks, times increasing; owners random, so cycles, hangs,
    /// convoys and long waits all occur.</summary>
    private static List<TraceRecord> RandomStream(Random random, int count)
    {
        TraceEventKind[] kinds = Enum.GetValues<TraceEventKind>();
        var records = new List<TraceRecord>(count);
        double time = 0;
        for (int i = 0; i < count; i++)
        {
            time += random.NextDouble() * (random.Next(50) == 0 ? 3000 : 5);
            int thread = 100 + random.Next(8);
            // Contentions dominate, as in real traces; every other kind appears too.
            TraceEventKind kind = random.Next(3) == 0 ? kinds[random.Next(kinds.Length)]
                : random.Next(2) == 0 ? TraceEventKind.ContentionStart : TraceEventKind.ContentionStop;
            records.Add(new TraceRecord
            {
                Kind = kind,
                TimeMs = time,
                ThreadId = thread,
                ProcessId = 1,
                StackId = random.Next(4) - 1,
                LockId = random.Next(10) < 8 ? 0x1000 : 0x1001 + (ulong)random.Next(2), // one hot lock: a convoy
                ObjectId = 0x9000 + (ulong)random.Next(4),
                Value = kind == TraceEventKind.ContentionStart ? (random.Next(4) == 0 ? 0 : 100 + random.Next(8)) : random.Next(10),
                Amount = kind == TraceEventKind.ContentionStop && random.Next(2) == 0 ? random.NextDouble() * 5e8 : random.NextDouble() * 10,
                Reason = (byte)random.Next(10),
                Text = kind == TraceEventKind.CounterSample ? "threadpool-queue-length" : kind == TraceEventKind.Probe ? "field" : null,
            });
        }

        return records;
    }
}

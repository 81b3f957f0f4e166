using Tracer.Engine.Analysis;
using Tracer.Engine.Model;

namespace Tracer.Engine.Reports;

/// <summary>The report's thread-pool section: worker adjustments, starvation periods and the runtime counters. The
/// periods are the starvation findings' episodes as their detector measured them (<see cref="PoolStarvationEpisode"/>);
/// the adjustment counts are the whole trace's, split by the same two reasons the findings name.</summary>
public sealed record ReportThreadPool(
    long MaxWorkerThreads,
    int Adjustments,
    int InjectionsForStarvation,
    int InjectionsForBlocking,
    IReadOnlyList<ReportStarvationPeriod> StarvationPeriods,
    IReadOnlyDictionary<string, ReportCounter> Counters)
{
    public static ReportThreadPool From(ThreadPoolStats stats, IReadOnlyList<Finding> findings) => new(
        stats.MaxWorkerThreads,
        stats.Adjustments.Count,
        stats.Adjustments.Count(a => a.Reason == PoolHistory.StarvationReason),
        stats.Adjustments.Count(a => a.Reason == PoolHistory.CooperativeBlockingReason),
        [.. findings.Select(f => f.PoolEpisode).OfType<PoolStarvationEpisode>().OrderBy(p => p.StartMs).Select(p => new ReportStarvationPeriod(
            p.StartMs, p.DurationMs, p.ThreadsInjected, p.PeakQueue, p.BlockedThreads, p.Recovered))],
        stats.Counters.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(
            c => TextSanitizer.Clean(c.Key),
            c => new ReportCounter(c.Value.Count == 0 ? 0 : c.Value.Max(p => p.Value), c.Value.Count == 0 ? 0 : c.Value[^1].Value, [.. c.Value])));
}

public sealed record ReportStarvationPeriod(double StartMs, double DurationMs, long ThreadsInjected, double PeakQueueLength, int BlockedPoolThreads, bool Recovered);

/// <summary>One counter's samples (time ms, value), with its maximum and last value.</summary>
public sealed record ReportCounter(double Max, double Last, IReadOnlyList<CounterPoint> Samples);

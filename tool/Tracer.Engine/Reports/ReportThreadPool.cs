using Tracer.Engine.Analysis;
using Tracer.Engine.Model;

namespace Tracer.Engine.Reports;

/// <summary>The report's thread-pool section: worker adjustments, starvation periods and the runtime counters.</summary>
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
        stats.Adjustments.Count(a => a.Reason == StarvationDetector.StarvationReason),
        stats.Adjustments.Count(a => a.Reason == StarvationDetector.CooperativeBlockingReason),
        [.. findings.Where(f => f.Kind == FindingKinds.Starvation).OrderBy(f => f.TimeMs).Select(f => new ReportStarvationPeriod(
            f.Metrics.GetValueOrDefault("startMs"), f.Metrics.GetValueOrDefault("durationMs"), (long)f.Metrics.GetValueOrDefault("threadsInjected"),
            f.Metrics.GetValueOrDefault("peakQueueLength"), (int)f.Metrics.GetValueOrDefault("blockedPoolThreads"), f.Metrics.GetValueOrDefault("recovered") > 0))],
        stats.Counters.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(
            c => TextSanitizer.Clean(c.Key),
            c => new ReportCounter(c.Value.Count == 0 ? 0 : c.Value.Max(p => p.Value), c.Value.Count == 0 ? 0 : c.Value[^1].Value, [.. c.Value])));
}

public sealed record ReportStarvationPeriod(double StartMs, double DurationMs, long ThreadsInjected, double PeakQueueLength, int BlockedPoolThreads, bool Recovered);

/// <summary>One counter's samples (time ms, value), with its maximum and last value.</summary>
public sealed record ReportCounter(double Max, double Last, IReadOnlyList<CounterPoint> Samples);

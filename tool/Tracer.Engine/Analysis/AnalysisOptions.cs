namespace Tracer.Engine.Analysis;

/// <summary>Thresholds the detectors use.</summary>
public sealed record AnalysisOptions
{
    /// <summary>A thread blocked this long without progress is a hang.</summary>
    public TimeSpan HangAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A lock is a convoy when it has at least this much total wait...</summary>
    public TimeSpan ConvoyMinTotalWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>...over at least this many contentions...</summary>
    public int ConvoyMinContentions { get; init; } = 20;

    /// <summary>...and this share of all lock wait in the trace (0..1).</summary>
    public double ConvoyMinShare { get; init; } = 0.5;

    /// <summary>A resolved wait at least this long is a long wait (latency spike).</summary>
    public TimeSpan LongWaitAfter { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many of the longest waits are reported.</summary>
    public int LongWaitCount { get; init; } = 3;
}

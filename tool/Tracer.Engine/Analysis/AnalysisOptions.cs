namespace Tracer.Engine.Analysis;

/// <summary>Thresholds the detectors use.</summary>
public sealed record AnalysisOptions
{
    /// <summary>A thread blocked this long without progress is a hang.</summary>
    public TimeSpan HangAfter { get; init; } = TimeSpan.FromSeconds(2);
}

namespace Tracer.Engine.Collect;

/// <summary>--flight-recorder: keep only the last <see cref="Window"/> of the trace in memory and save it at the end.</summary>
public sealed record FlightRecorderOptions
{
    public const long DefaultMaxBytes = 256L << 20;

    /// <summary>How much of the most recent trace to keep (measured in arrival time at the tool).</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Memory bound for the retained events whatever the rate: the oldest parts go first beyond it.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Metadata (event descriptions) is kept for the whole session, up to this much.</summary>
    public long MaxMetadataBytes { get; init; } = 32L << 20;
}

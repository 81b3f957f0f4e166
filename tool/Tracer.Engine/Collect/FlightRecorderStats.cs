namespace Tracer.Engine.Collect;

/// <summary>What the flight recorder received, dropped and saved, for the report's notes.</summary>
public sealed record FlightRecorderStats
{
    public long ReceivedBytes { get; init; }
    public long SavedBytes { get; init; }
    public int IntervalsKept { get; init; }
    public int IntervalsDropped { get; init; }
    /// <summary>Of <see cref="IntervalsDropped"/>, those dropped while still inside the window, because of the byte cap.</summary>
    public int IntervalsDroppedForCap { get; init; }
    public long DroppedBytes { get; init; }
    /// <summary>Events dropped inside one interval that alone outgrew the byte cap (TraceEvent counts them as lost).</summary>
    public long SkippedBytes { get; init; }
    /// <summary>Metadata beyond <see cref="FlightRecorderOptions.MaxMetadataBytes"/>: events it describes read as unknown.</summary>
    public long MetadataDroppedBytes { get; init; }
    /// <summary>Trace time (ms since the session started) where the saved events begin; 0 when nothing was dropped.</summary>
    public double? KeptFromMs { get; init; }
    /// <summary>Why the stream could not be windowed or saved in full, if it could not.</summary>
    public string? Problem { get; init; }
}

namespace Tracer.Engine.Decoding;

/// <summary>The providers whose events the decoder reads; everything else is <see cref="Other"/> (counted only).</summary>
public enum TraceProvider : byte
{
    Other,
    Runtime,
    Rundown,
    EventPipe,
    Tpl,
    Probes,
    RuntimeCounters,
    SampleProfiler,
    /// <summary>Tracer-Races: what the in-process detector of run --races found.</summary>
    Races,
}

/// <summary>
/// One event as a reader hands it to <see cref="EventPipeDecoder"/>: the header fields the decoder uses and the raw
/// payload bytes, valid only during the call. No object is created per event. The stack is looked up only when asked
/// for (<see cref="StackOwner"/> knows where it lives: our reader's stack table, or a TraceEvent record).
/// </summary>
public readonly ref struct RawEvent
{
    public TraceProvider Provider { get; init; }
    public int EventId { get; init; }
    public int Version { get; init; }
    public int ThreadId { get; init; }
    public int ProcessId { get; init; }
    /// <summary>Milliseconds since the session start, computed exactly as TraceEvent's TimeStampRelativeMSec.</summary>
    public double TimeMs { get; init; }
    public ReadOnlySpan<byte> Payload { get; init; }
    internal object? StackOwner { get; init; }
    internal int StackId { get; init; }
}

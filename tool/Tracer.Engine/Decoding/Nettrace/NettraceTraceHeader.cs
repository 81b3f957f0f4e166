namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// The start of a V5 stream: the magic and the "Trace" object, as raw bytes (a writer of a new trace copies them) and
/// as the fields readers need: the clock (QPC at session start, ticks per second), pointer size and process id.
/// </summary>
internal sealed record NettraceTraceHeader(byte[] Bytes, long SyncQpc, long QpcFrequency, int PointerSize, int ProcessId);

namespace Tracer.Engine.Decoding;

/// <summary>A source of <see cref="RawEvent"/>s from a .nettrace stream: our reader (V5) or TraceEvent's (anything else).</summary>
internal interface IEventReader
{
    /// <summary>Events EventPipe dropped, as TraceEvent counts them.</summary>
    int EventsLost { get; }

    /// <summary>Whether <see cref="DispatchPending"/> releases events early (live latency).</summary>
    bool CanDispatchPending { get; }

    /// <summary>Reads to the end, dispatching to <paramref name="sink"/>; throws on a malformed or cut stream.</summary>
    void Process(IRawEventSink sink);

    /// <summary>Dispatches what has been read but waits for ordering; <paramref name="salvage"/> after an error.</summary>
    void DispatchPending(bool salvage);

    /// <summary>A forced stop is coming: the caller then closes the stream.</summary>
    void StopProcessing();
}

/// <summary>Receives each event of a trace, in TraceEvent's dispatch order.</summary>
internal interface IRawEventSink
{
    void OnEvent(in RawEvent e);

    /// <summary>Brackets a run of <see cref="OnEvent"/> calls made without waiting for the stream in between (one block,
    /// a sequence point, a flush), so the sink can take its lock once per run instead of once per event.</summary>
    void BeginBatch();

    void EndBatch();
}

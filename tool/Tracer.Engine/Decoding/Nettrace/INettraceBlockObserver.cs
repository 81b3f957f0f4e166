namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// Sees the raw blocks of a stream as <see cref="NettraceReader"/> reads them, so that a second consumer (the flight
/// recorder) needs no parser of its own: live bytes are framed once. Called on the reader's thread, before the block's
/// events are dispatched.
/// </summary>
internal interface INettraceBlockObserver
{
    void OnHeader(NettraceTraceHeader header);

    void OnBlock(NettraceBlock block);
}

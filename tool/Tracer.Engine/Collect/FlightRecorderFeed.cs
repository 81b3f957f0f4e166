using Tracer.Engine.Decoding.Nettrace;

namespace Tracer.Engine.Collect;

/// <summary>Hands the blocks the reader reads to the flight recorder's window, stamped with when their bytes arrived.</summary>
internal sealed class FlightRecorderFeed(FlightRecorderWindow window, Func<TimeSpan> arrivalOfCurrentChunk) : INettraceBlockObserver
{
    public void OnHeader(NettraceTraceHeader header) => window.SetHeader(header);

    public void OnBlock(NettraceBlock block) => window.Add(block, arrivalOfCurrentChunk());
}

using System.Diagnostics.Tracing;

namespace Tracer.RaceRuntime;

/// <summary>
/// "Tracer-Races": how the in-process detector tells dotnet-tracer what it found. One event per race or lock-order
/// cycle, with the stack of the thread that found it. Payload (long id, string text) like Tracer-Probes, so the
/// tracer reads it by offset; the text is key=value lines (see RaceReportText in the engine).
/// </summary>
[EventSource(Name = "Tracer-Races")]
public sealed class RaceEventSource : EventSource
{
    public static readonly RaceEventSource Log = new();

    private RaceEventSource()
    {
    }

    public const int RaceId = 1;
    public const int LockOrderId = 2;

    [Event(RaceId, Level = EventLevel.Warning)]
    public void Race(long id, string text) => WriteEvent(RaceId, id, text);

    [Event(LockOrderId, Level = EventLevel.Warning)]
    public void LockOrder(long id, string text) => WriteEvent(LockOrderId, id, text);
}

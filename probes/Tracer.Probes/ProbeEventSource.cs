using System.Diagnostics.Tracing;

namespace Tracer.Probes;

/// <summary>The "Tracer-Probes" EventSource that dotnet-tracer enables. Use the wrappers rather than calling it directly.</summary>
[EventSource(Name = "Tracer-Probes")]
public sealed class ProbeEventSource : EventSource
{
    public static readonly ProbeEventSource Log = new();

    private ProbeEventSource()
    {
    }
}

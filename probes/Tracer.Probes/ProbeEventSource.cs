using System.Diagnostics.Tracing;

namespace Tracer.Probes;

/// <summary>
/// The "Tracer-Probes" EventSource that dotnet-tracer enables. Use the wrappers (<see cref="TracedLock"/>,
/// <see cref="Shared{T}"/>, <see cref="Probe"/>, <see cref="TracedThread"/>, <see cref="TracedTask"/>) rather than
/// calling it directly. Every event is (identity, name): the payload layout the tracer reads by offset, so keep it.
/// </summary>
[EventSource(Name = "Tracer-Probes")]
public sealed class ProbeEventSource : EventSource
{
    public static readonly ProbeEventSource Log = new();

    private ProbeEventSource()
    {
    }

    /// <summary>Event ids; the tracer maps them one to one onto its probe operations.</summary>
    public static class Ids
    {
        public const int LockAcquired = 1;
        public const int LockReleased = 2;
        public const int Read = 3;
        public const int Write = 4;
        public const int Signal = 5;
        public const int Wait = 6;
        public const int RegionBegin = 7;
        public const int RegionEnd = 8;
    }

    /// <summary>The calling thread now holds the lock (emitted after acquiring it).</summary>
    [Event(Ids.LockAcquired, Level = EventLevel.Informational)]
    public void LockAcquired(long id, string name) => WriteEvent(Ids.LockAcquired, id, name);

    /// <summary>The calling thread is about to release the lock (emitted while still holding it).</summary>
    [Event(Ids.LockReleased, Level = EventLevel.Informational)]
    public void LockReleased(long id, string name) => WriteEvent(Ids.LockReleased, id, name);

    /// <summary>The calling thread reads a shared location.</summary>
    [Event(Ids.Read, Level = EventLevel.Informational)]
    public void Read(long id, string name) => WriteEvent(Ids.Read, id, name);

    /// <summary>The calling thread writes a shared location.</summary>
    [Event(Ids.Write, Level = EventLevel.Informational)]
    public void Write(long id, string name) => WriteEvent(Ids.Write, id, name);

    /// <summary>Release side of a happens-before edge (emitted before the Set / Add / Start / Release it stands for).</summary>
    [Event(Ids.Signal, Level = EventLevel.Informational)]
    public void Signal(long id, string name) => WriteEvent(Ids.Signal, id, name);

    /// <summary>Acquire side of a happens-before edge (emitted after the Wait / Take / Join returned).</summary>
    [Event(Ids.Wait, Level = EventLevel.Informational)]
    public void Wait(long id, string name) => WriteEvent(Ids.Wait, id, name);

    /// <summary>A named region of code begins on the calling thread.</summary>
    [Event(Ids.RegionBegin, Level = EventLevel.Informational)]
    public void RegionBegin(long id, string name) => WriteEvent(Ids.RegionBegin, id, name);

    /// <summary>The named region ends.</summary>
    [Event(Ids.RegionEnd, Level = EventLevel.Informational)]
    public void RegionEnd(long id, string name) => WriteEvent(Ids.RegionEnd, id, name);
}

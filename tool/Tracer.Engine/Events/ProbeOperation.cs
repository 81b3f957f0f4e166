namespace Tracer.Engine.Events;

/// <summary>
/// What a Tracer-Probes event says (<see cref="TraceRecord.Reason"/> of a <see cref="TraceEventKind.Probe"/> record).
/// The values are the probe EventSource's event ids.
/// </summary>
public enum ProbeOperation : byte
{
    None = 0,
    /// <summary>The thread now holds the lock (ObjectId).</summary>
    LockAcquired = 1,
    /// <summary>The thread is about to release the lock.</summary>
    LockReleased = 2,
    /// <summary>The thread reads the shared location (ObjectId).</summary>
    Read = 3,
    /// <summary>The thread writes the shared location.</summary>
    Write = 4,
    /// <summary>Release side of a happens-before edge through the sync object (ObjectId).</summary>
    Signal = 5,
    /// <summary>Acquire side: everything signalled on the object before now is ordered before the thread's next steps.</summary>
    Wait = 6,
    /// <summary>A named region begins.</summary>
    RegionBegin = 7,
    /// <summary>The named region ends.</summary>
    RegionEnd = 8,
    /// <summary>run --races: the in-process detector found a race (Text: its report, see InProcessFindings).</summary>
    RaceReport = 9,
    /// <summary>run --races: the in-process detector found a lock-order cycle.</summary>
    LockOrderReport = 10,
}

namespace Tracer.Engine.Events;

/// <summary>
/// What an event says about its thread: the one rule for "the thread ran" that the wait tracker, the long-wait detector,
/// the live withdrawal of a snapshot's hang and the replayed one all read.
/// </summary>
public static class ThreadActivity
{
    /// <summary>Events raised on a thread that are not its own progress: a blocked thread is CPU-sampled too, and the
    /// GC's suspension and collection are the runtime's work on whatever thread triggered them.</summary>
    public static bool IsNotItsProgress(TraceEventKind kind) =>
        kind is TraceEventKind.CpuSample or TraceEventKind.GcSuspendBegin or TraceEventKind.GcStart or TraceEventKind.GcRestartEnd;

    /// <summary>The thread ran code of the program's: not <see cref="IsNotItsProgress"/>, nor the runtime's counter
    /// poller taking a sample (it waits a second between samples).</summary>
    public static bool ShowsItRan(TraceEventKind kind) => !IsNotItsProgress(kind) && kind != TraceEventKind.CounterSample;
}

namespace Tracer.Engine.Events;

/// <summary>
/// One decoded event, flat so that live sessions, replays and synthetic tests feed detectors the same way.
/// Which fields mean something depends on <see cref="Kind"/>; the named factories below say which.
/// </summary>
public readonly record struct TraceRecord
{
    public TraceEventKind Kind { get; init; }
    /// <summary>Milliseconds since the trace started.</summary>
    public double TimeMs { get; init; }
    public int ProcessId { get; init; }
    /// <summary>OS thread id of the thread that emitted the event.</summary>
    public int ThreadId { get; init; }
    /// <summary>Interned stack id (<see cref="Symbols.StackTable"/>), or -1 when the event had none.</summary>
    public int StackId { get; init; }
    /// <summary>The runtime's lock id (ContentionStart).</summary>
    public ulong LockId { get; init; }
    /// <summary>The address of the object behind a lock or wait, or a probe's object identity.</summary>
    public ulong ObjectId { get; init; }
    /// <summary>Owner OS thread id (ContentionStart, 0 when the runtime did not say), a count, or a probe argument.</summary>
    public long Value { get; init; }
    /// <summary>Duration in ns (ContentionStop), a counter value, or a throughput.</summary>
    public double Amount { get; init; }
    /// <summary>Wait source, adjustment reason or probe operation.</summary>
    public byte Reason { get; init; }
    /// <summary>A name: counter, probe object, exception type.</summary>
    public string? Text { get; init; }

    /// <summary>SampleProfiler's sample type for a thread running managed code (1 is external code: native, blocked).</summary>
    public const byte ManagedSample = 2;
    public const byte ExternalSample = 1;

    public int OwnerThreadId => (int)Value;
    /// <summary>CpuSample: the thread was in managed code (on a CPU or ready to run), not blocked in native code.</summary>
    public bool InManagedCode => Reason == ManagedSample;
    public int GcGeneration => (int)Value;
    public int GcType => (int)Amount;
    public double DurationNs => Amount;
    public WaitSource WaitSource => (WaitSource)Reason;

    public static TraceRecord ContentionStart(double timeMs, int threadId, ulong lockId, ulong objectId, int ownerThreadId, int stackId = -1, int processId = 0) =>
        new() { Kind = TraceEventKind.ContentionStart, TimeMs = timeMs, ThreadId = threadId, LockId = lockId, ObjectId = objectId, Value = ownerThreadId, StackId = stackId, ProcessId = processId };

    public static TraceRecord ContentionStop(double timeMs, int threadId, double durationNs, int processId = 0) =>
        new() { Kind = TraceEventKind.ContentionStop, TimeMs = timeMs, ThreadId = threadId, Amount = durationNs, StackId = -1, ProcessId = processId };

    public static TraceRecord WaitStart(double timeMs, int threadId, WaitSource source, ulong objectId, int stackId = -1, int processId = 0) =>
        new() { Kind = TraceEventKind.WaitStart, TimeMs = timeMs, ThreadId = threadId, Reason = (byte)source, ObjectId = objectId, StackId = stackId, ProcessId = processId };

    public static TraceRecord WaitStop(double timeMs, int threadId, int processId = 0) =>
        new() { Kind = TraceEventKind.WaitStop, TimeMs = timeMs, ThreadId = threadId, StackId = -1, ProcessId = processId };

    /// <param name="callersId">Interned stack without its innermost address: the same loop gives the same callers.</param>
    /// <param name="leaf">The innermost address (which instruction of the loop).</param>
    public static TraceRecord CpuSample(double timeMs, int threadId, bool managed, int stackId, int callersId, ulong leaf, int processId = 0) =>
        new() { Kind = TraceEventKind.CpuSample, TimeMs = timeMs, ThreadId = threadId, Reason = managed ? ManagedSample : ExternalSample, StackId = stackId, ObjectId = (ulong)(long)callersId, LockId = leaf, ProcessId = processId };

    public static TraceRecord GcSuspendBegin(double timeMs, int threadId, uint reason, uint gcCount, int processId = 0) =>
        new() { Kind = TraceEventKind.GcSuspendBegin, TimeMs = timeMs, ThreadId = threadId, Reason = (byte)Math.Min(reason, 255u), ObjectId = gcCount, StackId = -1, ProcessId = processId };

    public static TraceRecord GcStart(double timeMs, int threadId, int generation, uint reason, int type, uint gcCount, int processId = 0) =>
        new() { Kind = TraceEventKind.GcStart, TimeMs = timeMs, ThreadId = threadId, Value = generation, Reason = (byte)Math.Min(reason, 255u), Amount = type, ObjectId = gcCount, StackId = -1, ProcessId = processId };

    public static TraceRecord GcRestartEnd(double timeMs, int threadId, int processId = 0) =>
        new() { Kind = TraceEventKind.GcRestartEnd, TimeMs = timeMs, ThreadId = threadId, StackId = -1, ProcessId = processId };

    public static TraceRecord Thread(TraceEventKind kind, double timeMs, int threadId, int processId = 0) =>
        new() { Kind = kind, TimeMs = timeMs, ThreadId = threadId, StackId = -1, ProcessId = processId };
}

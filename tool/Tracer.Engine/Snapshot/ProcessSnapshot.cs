namespace Tracer.Engine.Snapshot;

/// <summary>
/// The state of a process at one instant, read from the suspended live process (or a dump): every managed thread's
/// stack and what it blocks on, and who owns each lock. Plain data, so the analysis over it is a pure function testable
/// without a process, and saved with a trace (FILE.meta.json) so that a replay finds what live found.
/// </summary>
public sealed record ProcessSnapshot
{
    public required int ProcessId { get; init; }
    public string? ProcessName { get; init; }
    public string? CommandLine { get; init; }
    public IReadOnlyList<SnapshotThread> Threads { get; init; } = [];
    public IReadOnlyList<SnapshotLock> Locks { get; init; } = [];
    /// <summary>OS thread id of each managed Thread object found on the heap, by the object's address (for Thread.Join).</summary>
    public IReadOnlyDictionary<ulong, int> ThreadObjects { get; init; } = new Dictionary<ulong, int>();
    /// <summary>What the snapshot could not tell (no owners, unreadable heap, ...), said once each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>How it was read: <see cref="SnapshotMethods.Attach"/> or <see cref="SnapshotMethods.Dump"/>.</summary>
    public string Method { get; init; } = SnapshotMethods.Attach;
    /// <summary>Wall time of the whole read (attach, or writing and reading the dump).</summary>
    public double CaptureMs { get; init; }
    /// <summary>How long the target was suspended (attach: from the first thread stopped to the last resumed).</summary>
    public double PauseMs { get; init; }
    /// <summary>Size of the dump written (0 when the process was read attached).</summary>
    public long DumpBytes { get; init; }
    /// <summary>Trace time (ms since the session started) at which it was taken; 0 outside a trace.</summary>
    public double TakenAtMs { get; init; }
    /// <summary>How long after the dump thread progress was watched (0 when it was not).</summary>
    public double ObservedMs { get; init; }
    /// <summary>Pending async flows and the primitives they wait on (null when the heap was not walked).</summary>
    public Async.AsyncHeap? Async { get; init; }
    /// <summary>A second look at the async state, taken <see cref="AsyncLookGapMs"/> after the first (null when not taken).</summary>
    public Async.AsyncHeap? AsyncSecondLook { get; init; }
    public double AsyncLookGapMs { get; init; }
    /// <summary>
    /// Only its async findings count (the look `run`/`demo` take at the stop: the trace saw every thread's waits from the
    /// start, so the threads' findings would repeat the live ones). Saved, so a replay merges the same.
    /// </summary>
    public bool AsyncFindingsOnly { get; init; }
    /// <summary>The heap was walked while the target ran (attached): a verdict needs both looks to agree.</summary>
    public bool AsyncWalkedRunning { get; init; }
}

/// <summary>One managed thread at the snapshot.</summary>
/// <param name="Frames">Managed frames, innermost first, as "Namespace.Type.Method".</param>
/// <param name="Objects">Objects the stack refers to, with the index of the frame that refers to them.</param>
public sealed record SnapshotThread(int OsThreadId, int ManagedThreadId, string? Name, IReadOnlyList<string> Frames, IReadOnlyList<FrameObject> Objects)
{
    /// <summary>Whether the thread kept running while watched after the dump (<see cref="ThreadActivity"/>); null when unknown.</summary>
    public bool? MadeProgress { get; init; }
    /// <summary>How often the thread was scheduled while watched (null when unknown).</summary>
    public long? Wakeups { get; init; }
    public bool IsFinalizer { get; init; }
}

/// <summary>The ways a snapshot is read.</summary>
public static class SnapshotMethods
{
    /// <summary>ClrMD attached to the live process, suspended while read: no file, a pause of milliseconds.</summary>
    public const string Attach = "attach";
    /// <summary>A heap dump written by the runtime (snapshot --dump), read and deleted.</summary>
    public const string Dump = "dump";
}

/// <summary>An object a frame refers to (an argument or local the GC reports).</summary>
public sealed record FrameObject(int FrameIndex, ulong Address, string? TypeName);

/// <summary>A lock that is held at the snapshot: a Monitor (sync block, thin lock) or a System.Threading.Lock.</summary>
/// <param name="OwnerOsThreadId">The holder's OS thread id; null when the runtime did not say.</param>
public sealed record SnapshotLock(ulong ObjectId, string? TypeName, LockFlavor Flavor, int? OwnerOsThreadId, int Recursion, int Waiters);

public enum LockFlavor
{
    /// <summary>Monitor.Enter / C# lock on any object.</summary>
    Monitor,
    /// <summary>System.Threading.Lock (.NET 9+).</summary>
    Lock,
}

namespace Tracer.Engine.Snapshot;

/// <summary>How a snapshot is taken.</summary>
public sealed record SnapshotOptions
{
    /// <summary>The longest the target may take to write its dump (--dump) before the tool gives up with a message.</summary>
    public TimeSpan IpcTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long threads are watched after the read; only threads that do not run in that time count as hung.</summary>
    public TimeSpan Observe { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// The longest the target stays suspended while attached: stacks not read by then are left out with a note.
    /// Measured pauses are far below it (docs/performance.md); it bounds a process with thousands of threads.
    /// </summary>
    public TimeSpan PauseBudget { get; init; } = TimeSpan.FromMilliseconds(400);
    /// <summary>Write and read a heap dump instead of attaching (snapshot --dump): slow, large, needs free space.</summary>
    public bool Dump { get; init; }
    /// <summary>
    /// Walk the heap for pending async flows (attached: in a child process, the target not suspended; see
    /// <see cref="Async.IsolatedAsyncWalk"/>). A dump is always walked.
    /// </summary>
    public bool WalkAsync { get; init; } = true;
    /// <summary>
    /// The longest one walk of the heap, and then its reachability mark, may take (each; two looks): what a larger heap
    /// leaves out is named in a note, and no orphan is claimed on an unfinished mark.
    /// </summary>
    public TimeSpan AsyncWalkTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>More readers run while the target is suspended (<see cref="ISuspendedReader"/>).</summary>
    public IReadOnlyList<ISuspendedReader> Readers { get; init; } = [];
}

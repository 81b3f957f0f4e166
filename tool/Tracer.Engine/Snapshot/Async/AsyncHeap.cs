namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// What the heap says about async work at one instant: pending async methods (state-machine boxes) and what each awaits,
/// the primitives that complete them (SemaphoreSlim, TaskCompletionSource, Channel), tasks seen on thread stacks, and
/// which primitives nothing outside their own waiters can reach any more. Plain data read by <see cref="AsyncHeapWalker"/>,
/// so the judgement over it (<see cref="AsyncHangAnalysis"/>) is pure and testable without a process.
/// </summary>
public sealed record AsyncHeap
{
    public IReadOnlyList<AsyncFlow> Flows { get; init; } = [];
    public IReadOnlyList<AsyncSemaphore> Semaphores { get; init; } = [];
    public IReadOnlyList<AsyncCompletionSource> CompletionSources { get; init; } = [];
    public IReadOnlyList<AsyncChannel> Channels { get; init; } = [];
    /// <summary>Tasks that thread stacks refer to (the task a thread blocks on, or runs).</summary>
    public IReadOnlyList<StackTask> StackTasks { get; init; } = [];
    /// <summary>Async methods that ended with an exception and are still on the heap.</summary>
    public IReadOnlyList<FaultedFlow> Faulted { get; init; } = [];
    /// <summary>The SynchronizationContext current on each thread that has one (OS thread id → its type and address).</summary>
    public IReadOnlyDictionary<int, SyncContext> SyncContexts { get; init; } = new Dictionary<int, SyncContext>();
    /// <summary>
    /// Addresses of primitives (semaphore, completion source, channel) with waiters that no GC root reaches except through
    /// their own waiters (and the flows waiting on those): no code can complete them any more. Null when not judged.
    /// </summary>
    public IReadOnlyList<ulong>? Orphans { get; init; }
    /// <summary>
    /// Of the objects threads block on without an owner (an event, a SemaphoreSlim, a Monitor.Wait condition, a barrier):
    /// those the same mark reaches from outside the stuck threads (a static, a timer, a handler, a thread that runs), so
    /// code that runs can still signal them. A judged subject not listed is reachable only from stuck threads. Null when
    /// not judged (no such wait, or the mark stopped at its budget).
    /// </summary>
    public IReadOnlyList<ulong>? ReachedWaitSubjects { get; init; }
    /// <summary>Flows whose continuation is queued in a SynchronizationContext's own objects (flow box → context address).</summary>
    public IReadOnlyDictionary<ulong, ulong> QueuedOnContext { get; init; } = new Dictionary<ulong, ulong>();
    public double WalkMs { get; init; }
    public double ReachabilityMs { get; init; }
    public long ObjectsWalked { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>A pending async method: its box, the method, the await point and what it awaits there.</summary>
/// <param name="Box">Address of the AsyncStateMachineBox (also the method's Task).</param>
/// <param name="Method">"Namespace.Type.Method" of the async method.</param>
/// <param name="State">&lt;&gt;1__state: -1 running or not started, N ≥ 0 suspended at await point N.</param>
/// <param name="Awaited">Address of what the awaiter holds (a Task, or a ValueTask's source); 0 when none.</param>
/// <param name="AwaitedType">Type name of <paramref name="Awaited"/>.</param>
/// <param name="AwaitedCompleted">Whether the awaited task has completed (the flow is ready to resume but has not).</param>
/// <param name="Refers">Semaphores, completion sources and channels its state machine refers to (fields, and their fields).</param>
public sealed record AsyncFlow(ulong Box, string Method, int State, ulong Awaited, string? AwaitedType, bool AwaitedCompleted, IReadOnlyList<ulong> Refers)
{
    /// <summary>
    /// Boxes of the flows that resume when this one completes: its task's continuations, directly or through a promise that
    /// needs this task to complete (WhenAll, ContinueWith, Unwrap; not WhenAny, which another task can complete), and
    /// those promises' own addresses.
    /// </summary>
    public IReadOnlyList<ulong> AwaitedBy { get; init; } = [];
}

/// <param name="AsyncWaiters">SemaphoreSlim+TaskNode addresses queued by WaitAsync, first to be released first.</param>
public sealed record AsyncSemaphore(ulong Address, int CurrentCount, int MaxCount, int WaitCount, IReadOnlyList<ulong> AsyncWaiters);

public sealed record AsyncCompletionSource(ulong Address, ulong Task, string TypeName);

/// <param name="ReaderWaiters">Addresses of the reader operations (ReadAsync / WaitToReadAsync) queued on it.</param>
public sealed record AsyncChannel(ulong Address, string TypeName, int Items, bool WriterCompleted, IReadOnlyList<ulong> ReaderWaiters);

/// <summary>A Task a thread's frame refers to.</summary>
/// <param name="Delegate">The method a delegate task runs (Task.Run, StartNew), when it is one.</param>
public sealed record StackTask(int OsThreadId, int FrameIndex, ulong Task, string? TypeName, bool Completed, string? Delegate = null);

/// <summary>An async method (or task) that faulted, with its exception.</summary>
public sealed record FaultedFlow(ulong Task, string Method, string Exception);

public sealed record SyncContext(ulong Address, string TypeName);

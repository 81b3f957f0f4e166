namespace Tracer.Engine.Symbols;

/// <summary>What a wait stack says (<see cref="WaitClassifier.Classify"/>).</summary>
/// <param name="Kind">The kind of call the thread blocks in.</param>
/// <param name="Primitive">The API the program called, as a report names it ("Barrier.SignalAndWait"), or null.</param>
/// <param name="FrameIndex">Index of that API's frame, -1 when none.</param>
/// <param name="Idle">Why this wait is an idle point, or <see cref="IdlePoint.None"/>.</param>
public readonly record struct WaitClass(WaitKind Kind, string? Primitive, int FrameIndex, IdlePoint Idle)
{
    /// <summary>No frames to judge by.</summary>
    public static WaitClass Unknown { get; } = new(WaitKind.None, null, -1, IdlePoint.None);

    public bool IsIdle => Idle != IdlePoint.None;

    /// <summary>A wait for other work to finish (a join, a task): it is stuck only if what it waits for is.</summary>
    public bool WaitsForOtherWork => Kind is WaitKind.ThreadJoin or WaitKind.TaskWait;

    /// <summary>The primitive waits in timeout slices of its own for one call (Barrier retries in growing slices until
    /// it is released), so consecutive slices are one block. Any other wait that returns and waits again is polling.</summary>
    public bool WaitsInSlices => Kind == WaitKind.Barrier;

    public void Deconstruct(out WaitKind kind, out int frameIndex) => (kind, frameIndex) = (Kind, FrameIndex);
}

/// <summary>Why a wait is idle: the thread waits because it has nothing to do (docs/findings.md).</summary>
public enum IdlePoint
{
    None,
    /// <summary>No user code on the stack: the runtime's or a framework's own thread (pool gate, timers, finalizer,
    /// counter poller, Kestrel's heartbeat, a logger's queue).</summary>
    RuntimeThread,
    /// <summary>The host's lifetime wait: app.Run(), host.RunAsync(), an async Main awaiting them.</summary>
    HostLifetime,
    /// <summary>A consumer waiting for work on an empty queue (BlockingCollection.Take).</summary>
    QueueConsumer,
}

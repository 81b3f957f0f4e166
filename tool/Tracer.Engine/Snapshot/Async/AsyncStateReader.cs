using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// The async heap walk as a reader of the suspended target: pending flows, what they await, and the primitives that
/// would complete them (<see cref="AsyncHeapWalker"/>), within what is left of the pause budget.
/// </summary>
public sealed class AsyncStateReader : ISuspendedReader
{
    public string What => "async state machines";

    public ProcessSnapshot Read(ClrRuntime runtime, ProcessSnapshot snapshot, CancellationToken budget) =>
        snapshot with { Async = AsyncHeapWalker.Walk(runtime, snapshot, budget) };

    /// <summary>Flows queued on a semaphore with no permit free that are not proven orphans: a second look decides.</summary>
    public static bool NeedsSecondLook(AsyncHeap? heap) =>
        heap is not null && heap.Semaphores.Any(s => s.CurrentCount == 0 && s.AsyncWaiters.Count > 0 && heap.Orphans?.Contains(s.Address) != true);
}

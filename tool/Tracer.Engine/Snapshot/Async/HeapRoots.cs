using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>A root of the reachability mark: an object address, and the OS thread whose stack holds it (0 for a handle or the finalizer queue).</summary>
public readonly record struct HeapRoot(ulong Address, int StackThread);

/// <summary>
/// The mark's roots read once into plain values, so they can be read while the target is stopped and used after it runs
/// again: the debugging library walking the stack of a running thread for its roots can loop past every time budget
/// (seen under load), while a stopped thread's stack reads in microseconds.
/// </summary>
public static class HeapRoots
{
    public static IReadOnlyList<HeapRoot> Read(ClrHeap heap) => Read(heap, CancellationToken.None)!;

    /// <summary>Every root, or null when <paramref name="budget"/> fires first (a part of the roots would mark too little).</summary>
    public static IReadOnlyList<HeapRoot>? Read(ClrHeap heap, CancellationToken budget)
    {
        var roots = new List<HeapRoot>();
        foreach (ClrRoot root in heap.EnumerateRoots())
        {
            if (budget.IsCancellationRequested)
            {
                return null;
            }

            if (root.Object.Address != 0)
            {
                roots.Add(new HeapRoot(root.Object.Address, root is ClrStackRoot { StackFrame.Thread: ClrThread thread } ? (int)thread.OSThreadId : 0));
            }
        }

        return roots;
    }
}

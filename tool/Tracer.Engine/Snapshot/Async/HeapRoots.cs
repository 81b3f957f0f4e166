using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>A root of the reachability mark: an object address, and the OS thread whose stack holds it (0 for a handle or the finalizer queue).</summary>
public readonly record struct HeapRoot(ulong Address, int StackThread);

/// <summary>The mark's roots as read, or null (nothing is then judged) with <see cref="Note"/> saying why; the note may also say what the read cost.</summary>
public sealed record RootsRead(IReadOnlyList<HeapRoot>? Roots, string? Note);

/// <summary>
/// The mark's roots read into plain values, so that a live look can read them while the target is stopped, just before
/// the mark, and let it run again for the mark: the debugging library walking a running thread's stack for its roots can
/// loop past every time budget (seen under load), while a stopped stack reads through.
/// </summary>
public static class HeapRoots
{
    /// <summary>Reads the roots from <paramref name="heap"/> as it is (a dump, or a target stopped throughout).</summary>
    public static RootsRead ReadAsIs(ClrHeap heap) => new(Read(heap, CancellationToken.None), null);

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

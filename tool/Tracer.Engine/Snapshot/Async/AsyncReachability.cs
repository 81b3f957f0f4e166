using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// Decides which waited-on primitives no code can complete any more: a GC-style mark from every root that does not go
/// through the flows waiting on them (nor the flows awaiting those, transitively), nor through the stacks of threads
/// stuck in a wait (<see cref="StuckThreads"/>). A primitive the mark reaches anyway has someone else who can release or
/// complete it, and its waiters are released into the mark in turn (they may resume): flows, and stuck threads with their
/// stacks (and, through them, the threads waiting for their locks or joining them). What is left unmarked at the
/// fixpoint is reachable only from its own waiters: an orphan (async), or a wait no running code can end (threads). The
/// mark runs only when something waits, and within the time budget (else nothing is judged).
/// Also finds flows whose continuation is queued inside a thread's SynchronizationContext (bounded search from it).
/// </summary>
internal static class AsyncReachability
{
    private const int ContextSearchLimit = 50_000;

    /// <param name="readRoots">Reads the mark's roots, called only when something waits, just before the mark (<see cref="HeapRoots"/>).</param>
    public static AsyncHeap Judge(ClrHeap heap, AsyncHeap draft, StuckThreads stuck, Func<ClrHeap, RootsRead> readRoots, CancellationToken budget)
    {
        Dictionary<ulong, List<ulong>> waitersOf = AsyncSubjects.WaitersBySubject(draft);
        var queued = QueuedOnContexts(heap, draft);
        if (waitersOf.Count == 0 && stuck.Count == 0)
        {
            return draft with { Orphans = [], ReachedWaitSubjects = [], QueuedOnContext = queued };
        }

        RootsRead read = readRoots(heap);
        List<string> notes = [.. draft.Notes];
        if (read.Note is not null)
        {
            notes.Add(read.Roots is null ? $"{read.Note}: no orphan is claimed" : read.Note);
        }

        if (read.Roots is not IReadOnlyList<HeapRoot> roots)
        {
            return draft with { QueuedOnContext = queued, Notes = notes };
        }

        Dictionary<ulong, List<ulong>> awaitingFlow = AsyncSubjects.ResumedBy(draft);
        var blocked = new HashSet<ulong>();
        foreach (ulong waiter in waitersOf.Values.SelectMany(w => w))
        {
            Block(waiter, blocked, awaitingFlow);
        }

        var clock = Stopwatch.StartNew();
        var marked = new HashSet<ulong>();
        var stack = new Stack<ulong>();
        var deferred = new Dictionary<int, List<ulong>>(); // a stuck thread's stack roots, pushed if it is released
        var released = new HashSet<int>();
        foreach (HeapRoot root in roots)
        {
            if (root.StackThread != 0 && stuck.IsStuck(root.StackThread))
            {
                (deferred.TryGetValue(root.StackThread, out List<ulong>? onStack) ? onStack : deferred[root.StackThread] = []).Add(root.Address);
            }
            else
            {
                stack.Push(root.Address);
            }
        }

        long visited = 0;
        while (stack.Count > 0)
        {
            ulong address = stack.Pop();
            if (blocked.Contains(address) || !marked.Add(address))
            {
                continue;
            }

            if (waitersOf.TryGetValue(address, out List<ulong>? waiters))
            {
                foreach (ulong w in waiters)
                {
                    Release(w, blocked, awaitingFlow, stack);
                }
            }

            foreach (int thread in stuck.WaitingOn(address))
            {
                ReleaseThread(thread, stuck, released, deferred, stack);
            }

            ClrObject obj = heap.GetObject(address);
            if (obj.IsValid && obj.ContainsPointers)
            {
                // carefully: a running target's object can be rewritten under the mark (its references are then not
                // followed, as for an object that no longer reads as valid; the second look guards the verdict)
                foreach (ulong child in obj.EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false))
                {
                    if (!marked.Contains(child))
                    {
                        stack.Push(child);
                    }
                }
            }

            if ((++visited & 0xFFF) == 0 && budget.IsCancellationRequested)
            {
                return draft with
                {
                    QueuedOnContext = queued,
                    Notes = [.. notes, $"the search for who can still complete the awaited primitives stopped at its time budget after {clock.Elapsed.TotalMilliseconds:F0} ms ({visited} objects): no orphan is claimed"],
                };
            }
        }

        return draft with
        {
            Orphans = [.. waitersOf.Keys.Where(s => !marked.Contains(s))],
            ReachedWaitSubjects = [.. stuck.Subjects.Where(marked.Contains)],
            QueuedOnContext = queued,
            Notes = notes,
        };
    }

    /// <summary>A stuck thread can run again: its stack becomes roots, and the threads waiting for it can run too.</summary>
    private static void ReleaseThread(int thread, StuckThreads stuck, HashSet<int> released, Dictionary<int, List<ulong>> deferred, Stack<ulong> stack)
    {
        if (!released.Add(thread))
        {
            return;
        }

        foreach (ulong root in deferred.GetValueOrDefault(thread) ?? [])
        {
            stack.Push(root);
        }

        foreach (int waiter in stuck.WaitingFor(thread))
        {
            ReleaseThread(waiter, stuck, released, deferred, stack);
        }
    }

    private static void Block(ulong box, HashSet<ulong> blocked, Dictionary<ulong, List<ulong>> awaitingFlow)
    {
        if (!blocked.Add(box))
        {
            return;
        }

        foreach (ulong up in awaitingFlow.GetValueOrDefault(box) ?? [])
        {
            Block(up, blocked, awaitingFlow);
        }
    }

    private static void Release(ulong box, HashSet<ulong> blocked, Dictionary<ulong, List<ulong>> awaitingFlow, Stack<ulong> stack)
    {
        if (!blocked.Remove(box))
        {
            return;
        }

        stack.Push(box);
        foreach (ulong up in awaitingFlow.GetValueOrDefault(box) ?? [])
        {
            Release(up, blocked, awaitingFlow, stack);
        }
    }

    /// <summary>Ready flows (what they awaited has completed) found among the objects a non-default context holds.</summary>
    private static Dictionary<ulong, ulong> QueuedOnContexts(ClrHeap heap, AsyncHeap draft)
    {
        var ready = draft.Flows.Where(f => f.AwaitedCompleted).Select(f => f.Box).ToHashSet();
        var found = new Dictionary<ulong, ulong>();
        if (ready.Count == 0)
        {
            return found;
        }

        foreach (SyncContext context in draft.SyncContexts.Values.DistinctBy(c => c.Address).Where(c => c.TypeName != "System.Threading.SynchronizationContext"))
        {
            var seen = new HashSet<ulong>();
            var queue = new Queue<ulong>([context.Address]);
            while (queue.Count > 0 && seen.Count < ContextSearchLimit)
            {
                ulong address = queue.Dequeue();
                if (!seen.Add(address))
                {
                    continue;
                }

                if (ready.Contains(address))
                {
                    found.TryAdd(address, context.Address);
                    continue; // not through the flow itself
                }

                ClrObject obj = heap.GetObject(address);
                if (obj.IsValid && obj.ContainsPointers)
                {
                    foreach (ulong child in obj.EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false))
                    {
                        queue.Enqueue(child);
                    }
                }
            }
        }

        return found;
    }
}

namespace Tracer.Engine.Snapshot.Async;

/// <summary>The primitives flows wait on, and which flows wait on each (shared by the reachability mark and the analysis).</summary>
public static class AsyncSubjects
{
    /// <summary>
    /// Subject address → boxes of the flows waiting on it: a SemaphoreSlim with no free permit (flows awaiting its TaskNodes),
    /// a TaskCompletionSource whose task is pending (flows awaiting the task), a Channel not completed for writing (flows
    /// awaiting its reader operations).
    /// </summary>
    public static Dictionary<ulong, List<ulong>> WaitersBySubject(AsyncHeap heap)
    {
        var subjectOfAwaited = new Dictionary<ulong, ulong>();
        foreach (AsyncSemaphore s in heap.Semaphores.Where(s => s.CurrentCount == 0))
        {
            foreach (ulong node in s.AsyncWaiters)
            {
                subjectOfAwaited.TryAdd(node, s.Address);
            }
        }

        foreach (AsyncCompletionSource c in heap.CompletionSources)
        {
            subjectOfAwaited.TryAdd(c.Task, c.Address);
        }

        foreach (AsyncChannel c in heap.Channels.Where(c => !c.WriterCompleted))
        {
            foreach (ulong op in c.ReaderWaiters)
            {
                subjectOfAwaited.TryAdd(op, c.Address);
            }
        }

        var waiters = new Dictionary<ulong, List<ulong>>();
        foreach (AsyncFlow f in heap.Flows.Where(f => f.Awaited != 0 && !f.AwaitedCompleted))
        {
            if (subjectOfAwaited.TryGetValue(f.Awaited, out ulong subject))
            {
                (waiters.TryGetValue(subject, out List<ulong>? list) ? list : waiters[subject] = []).Add(f.Box);
            }
        }

        return waiters;
    }

    /// <summary>Box → boxes of the flows that resume only when it completes (by their awaiter, or by its continuations).</summary>
    public static Dictionary<ulong, List<ulong>> ResumedBy(AsyncHeap heap)
    {
        var map = new Dictionary<ulong, List<ulong>>();
        void Add(ulong from, ulong to)
        {
            List<ulong> list = map.TryGetValue(from, out List<ulong>? l) ? l : map[from] = [];
            if (!list.Contains(to))
            {
                list.Add(to);
            }
        }

        foreach (AsyncFlow f in heap.Flows)
        {
            if (f.Awaited != 0)
            {
                Add(f.Awaited, f.Box);
            }

            foreach (ulong up in f.AwaitedBy)
            {
                Add(f.Box, up);
            }
        }

        return map;
    }

    /// <summary>Every flow that resumes only after one of <paramref name="boxes"/> completes, transitively.</summary>
    public static HashSet<ulong> Ancestors(AsyncHeap heap, IEnumerable<ulong> boxes)
    {
        Dictionary<ulong, List<ulong>> up = ResumedBy(heap);
        var found = new HashSet<ulong>();
        var todo = new Stack<ulong>(boxes);
        while (todo.Count > 0)
        {
            foreach (ulong parent in up.GetValueOrDefault(todo.Pop()) ?? [])
            {
                if (found.Add(parent))
                {
                    todo.Push(parent);
                }
            }
        }

        return found;
    }
}

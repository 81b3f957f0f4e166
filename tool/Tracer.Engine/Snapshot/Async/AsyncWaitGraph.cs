using Tracer.Engine.Symbols;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// The wait-for graph of a snapshot through threads, tasks, async flows, semaphores, completion sources, channels,
/// SynchronizationContexts and locks. Each edge says what waits for what and on which evidence; a cycle that passes
/// through at least one task or flow is an async deadlock (cycles of threads and locks alone are the lock detector's).
/// Pure: built from a <see cref="ProcessSnapshot"/> and its <see cref="AsyncHeap"/>.
/// </summary>
public sealed class AsyncWaitGraph
{
    private static readonly string[] s_taskRunFrames =
    [
        "System.Threading.Tasks.Task.ExecuteWithThreadLocal", "System.Threading.Tasks.Task.ExecuteEntryUnsafe",
        "System.Threading.Tasks.Task.ExecuteEntry", "System.Threading.Tasks.Task.InnerInvoke",
    ];

    private readonly Dictionary<string, List<AsyncEdge>> _edges = new(StringComparer.Ordinal);

    private AsyncWaitGraph(AsyncHeap heap) => Heap = heap;

    public AsyncHeap Heap { get; }

    public IEnumerable<AsyncEdge> Edges => _edges.Values.SelectMany(e => e);

    public static string FlowNode(ulong box) => $"flow:0x{box:x}";
    public static string ThreadNode(int tid) => $"thread:{tid}";

    public static AsyncWaitGraph Build(ProcessSnapshot snapshot, AsyncHeap heap, IReadOnlyList<BlockedThread> blocked)
    {
        var graph = new AsyncWaitGraph(heap);
        var flows = heap.Flows.ToDictionary(f => f.Box);
        Dictionary<ulong, string> subjectOf = SubjectNodes(heap);
        foreach (AsyncFlow f in heap.Flows)
        {
            if (f.AwaitedCompleted && heap.QueuedOnContext.TryGetValue(f.Box, out ulong context))
            {
                SyncContext ctx = heap.SyncContexts.Values.First(c => c.Address == context);
                graph.Add(FlowNode(f.Box), $"ctx:0x{context:x}", $"{Short(f.Method)} is ready to resume (what it awaited has completed) but its continuation is queued in {ctx.TypeName}");
                foreach ((int tid, SyncContext c) in heap.SyncContexts.Where(p => p.Value.Address == context))
                {
                    graph.Add($"ctx:0x{context:x}", ThreadNode(tid), $"{c.TypeName} runs its queue on tid {tid} only (it is that thread's current SynchronizationContext)");
                }
            }
            else if (f.Awaited != 0 && !f.AwaitedCompleted)
            {
                string target = flows.ContainsKey(f.Awaited) ? FlowNode(f.Awaited) : subjectOf.GetValueOrDefault(f.Awaited) ?? $"task:0x{f.Awaited:x}";
                graph.Add(FlowNode(f.Box), target, $"{Short(f.Method)}{(f.State >= 0 ? $" at await #{f.State}" : string.Empty)} awaits {AsyncText.Awaited(f, heap)}");
            }
        }

        foreach (AsyncSemaphore s in heap.Semaphores.Where(s => s.CurrentCount == 0 && s.AsyncWaiters.Count > 0))
        {
            foreach (AsyncFlow holder in Holders(s, heap))
            {
                graph.Add($"sem:0x{s.Address:x}", FlowNode(holder.Box),
                    $"SemaphoreSlim 0x{s.Address:x} is held by {Short(holder.Method)} (evidence: {s.MaxCount - s.CurrentCount} of {s.MaxCount} permits are taken and it is the only pending flow that refers to the semaphore without waiting for it)");
            }
        }

        AddThreadEdges(graph, snapshot, heap, blocked, flows);
        return graph;
    }

    /// <summary>Flows that hold the semaphore, when the evidence is unambiguous (see the edge text); else none.</summary>
    public static IReadOnlyList<AsyncFlow> Holders(AsyncSemaphore s, AsyncHeap heap)
    {
        // A flow that only resumes after a waiter of the semaphore completes (its caller, a WhenAll over it) is not
        // counted: it may refer to the semaphore, but it is not the one past WaitAsync.
        var waiting = s.AsyncWaiters.ToHashSet();
        HashSet<ulong> ancestors = AsyncSubjects.Ancestors(heap, heap.Flows.Where(f => waiting.Contains(f.Awaited)).Select(f => f.Box));
        List<AsyncFlow> candidates = [.. heap.Flows.Where(f => f.Refers.Contains(s.Address) && !waiting.Contains(f.Awaited) && !ancestors.Contains(f.Box))];
        int taken = s.MaxCount == int.MaxValue ? -1 : s.MaxCount - s.CurrentCount;
        return candidates.Count > 0 && candidates.Count == taken ? candidates : [];
    }

    /// <summary>Cycles that pass through a flow or task, each once, as node lists.</summary>
    public IReadOnlyList<IReadOnlyList<AsyncEdge>> Cycles()
    {
        var found = new List<IReadOnlyList<AsyncEdge>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (string start in _edges.Keys.Order(StringComparer.Ordinal))
        {
            var path = new List<AsyncEdge>();
            var onPath = new HashSet<string>(StringComparer.Ordinal) { start };
            Search(start, start, path, onPath, found, keys);
        }

        return found;
    }

    private void Search(string start, string node, List<AsyncEdge> path, HashSet<string> onPath, List<IReadOnlyList<AsyncEdge>> found, HashSet<string> keys)
    {
        if (path.Count > 16)
        {
            return;
        }

        foreach (AsyncEdge e in _edges.GetValueOrDefault(node) ?? [])
        {
            if (e.To == start)
            {
                List<AsyncEdge> cycle = [.. path, e];
                string key = string.Join(",", cycle.Select(c => c.From).Order(StringComparer.Ordinal));
                if (cycle.Any(c => c.From.StartsWith("flow:", StringComparison.Ordinal) || c.From.StartsWith("task:", StringComparison.Ordinal)) && keys.Add(key))
                {
                    found.Add(cycle);
                }
            }
            else if (onPath.Add(e.To))
            {
                path.Add(e);
                Search(start, e.To, path, onPath, found, keys);
                path.RemoveAt(path.Count - 1);
                onPath.Remove(e.To);
            }
        }
    }

    private static void AddThreadEdges(AsyncWaitGraph graph, ProcessSnapshot snapshot, AsyncHeap heap, IReadOnlyList<BlockedThread> blocked, Dictionary<ulong, AsyncFlow> flows)
    {
        var threads = snapshot.Threads.ToDictionary(t => t.OsThreadId);
        foreach (BlockedThread b in blocked)
        {
            if (b.Kind == WaitKind.TaskWait)
            {
                int user = WaitClassifier.FirstUserFrame(b.Thread.Frames);
                StackTask? waited = heap.StackTasks.Where(t => t.OsThreadId == b.Thread.OsThreadId && !t.Completed && t.FrameIndex < Math.Max(user, 1))
                    .OrderByDescending(t => t.FrameIndex).FirstOrDefault();
                if (waited is not null)
                {
                    string what = flows.TryGetValue(waited.Task, out AsyncFlow? f) ? Short(f.Method) : TaskText(waited);
                    string where = user >= 0 ? $" in {b.Thread.Frames[user]}" : string.Empty;
                    graph.Add(ThreadNode(b.Thread.OsThreadId), f is not null ? FlowNode(f.Box) : $"task:0x{waited.Task:x}", $"tid {b.Thread.OsThreadId} blocks{where} in {WaitClassifier.Describe(b.Kind)} on {what}");
                }
            }
            else if (WaitClassifier.HasOwner(b.Kind) && b.Lock?.OwnerOsThreadId is int owner && b.ObjectId != 0)
            {
                graph.Add(ThreadNode(b.Thread.OsThreadId), $"lock:0x{b.ObjectId:x}", $"tid {b.Thread.OsThreadId} waits in {WaitClassifier.Describe(b.Kind)} for {SnapshotAnalysis.LockName(b)}");
                graph.Add($"lock:0x{b.ObjectId:x}", ThreadNode(owner), $"{b.ObjectType ?? "the lock"} 0x{b.ObjectId:x} is held by tid {owner}");
            }
        }

        // A task being run by a thread completes only when that thread gets through it.
        foreach (StackTask t in heap.StackTasks.Where(t => !t.Completed))
        {
            if (threads.TryGetValue(t.OsThreadId, out SnapshotThread? thread) && t.FrameIndex < thread.Frames.Count
                && s_taskRunFrames.Any(r => WaitClassifier.WithoutGenerics(thread.Frames[t.FrameIndex]).StartsWith(r, StringComparison.Ordinal)))
            {
                string node = flows.ContainsKey(t.Task) ? FlowNode(t.Task) : $"task:0x{t.Task:x}";
                graph.Add(node, ThreadNode(t.OsThreadId), $"{(flows.TryGetValue(t.Task, out AsyncFlow? f) ? Short(f.Method) : TaskText(t))} is running on tid {t.OsThreadId}, which must get through it to complete it");
            }
        }
    }

    private static Dictionary<ulong, string> SubjectNodes(AsyncHeap heap)
    {
        var nodes = new Dictionary<ulong, string>();
        foreach (AsyncSemaphore s in heap.Semaphores)
        {
            foreach (ulong n in s.AsyncWaiters)
            {
                nodes.TryAdd(n, $"sem:0x{s.Address:x}");
            }
        }

        foreach (AsyncCompletionSource c in heap.CompletionSources)
        {
            nodes.TryAdd(c.Task, $"tcs:0x{c.Address:x}");
        }

        foreach (AsyncChannel c in heap.Channels)
        {
            foreach (ulong op in c.ReaderWaiters)
            {
                nodes.TryAdd(op, $"chan:0x{c.Address:x}");
            }
        }

        return nodes;
    }

    private void Add(string from, string to, string evidence)
    {
        (_edges.TryGetValue(from, out List<AsyncEdge>? list) ? list : _edges[from] = []).Add(new AsyncEdge(from, to, evidence));
    }

    private static string Short(string method) => AsyncText.Method(method);

    private static string TaskText(StackTask t) => t.Delegate is null ? $"task 0x{t.Task:x}" : $"task 0x{t.Task:x} running {t.Delegate}";
}

/// <summary>"From waits for To", and why we believe it.</summary>
public sealed record AsyncEdge(string From, string To, string Evidence);

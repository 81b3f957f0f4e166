using System.Globalization;
using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// Decides, over the async wait-for graph of a snapshot, which pending awaits will not complete:
/// <list type="bullet">
/// <item><c>deadlock</c>: a cycle through a task or flow (async lock-order inversion over two SemaphoreSlim, sync over async
/// whose continuation needs the blocked thread, a thread blocked on a task whose thread waits for a lock it holds).</item>
/// <item><c>hang</c>: flows awaiting a primitive that is an orphan (nothing but its own waiters can reach it), or a
/// SemaphoreSlim that released no permit between two looks while the same waiters stayed queued.</item>
/// <item><c>task-fault</c>: a faulted flow of the same type as such waiters (the one that leaked the permit or skipped the
/// completion, when it is still on the heap).</item>
/// </list>
/// Anything else pending (timers, I/O, a channel with a live writer, a host waiting for shutdown) is not a finding. Pure.
/// </summary>
public static class AsyncHangAnalysis
{
    private const int MaxChains = 3;

    public sealed record Result(IReadOnlyList<Finding> Findings, IReadOnlySet<int> ExplainedThreads);

    /// <summary>Whether <paramref name="f"/> came from the async state (its key says so; the threads' findings have others).</summary>
    public static bool IsAsyncFinding(Finding f) => f.Key?.StartsWith("async-", StringComparison.Ordinal) == true;

    public static Result Find(ProcessSnapshot snapshot, IReadOnlyList<BlockedThread> blocked, Func<int, int> stackIdOf)
    {
        Result first = FindInLook(snapshot, blocked, stackIdOf);
        if (!snapshot.AsyncWalkedRunning || first.Findings.Count == 0)
        {
            return first; // a dump, or a suspended target: the heap held still while walked
        }

        // A heap walked while the target ran can show a flow as stuck that was moving (a root missed as objects moved):
        // a verdict counts when the second look, on its own, reaches the same one (same kind, same subject). A stall is
        // two-look evidence already.
        if (snapshot.AsyncSecondLook is null)
        {
            return new Result([], new HashSet<int>());
        }

        Result second = FindInLook(snapshot with { Async = snapshot.AsyncSecondLook, AsyncSecondLook = null }, blocked, stackIdOf);
        var confirmed = second.Findings.Select(f => (f.Kind, f.Key)).ToHashSet();
        Finding[] kept = [.. first.Findings.Where(f => f.Summary.EndsWith("; stalled", StringComparison.Ordinal)
            || (confirmed.Contains((f.Kind, f.Key)) && SameSemaphoreWaiters(f.Key, snapshot.Async!, snapshot.AsyncSecondLook)))];
        return new Result(kept, kept.SelectMany(f => f.Threads.Select(t => t.ThreadId)).Where(first.ExplainedThreads.Contains).ToHashSet());
    }

    // Keys of the findings about one subject: its hang, and the fault that left it so (which stands only with the hang).
    private static readonly string[] s_subjectKeys = ["async-hang:0x", "async-task-fault:0x"];

    /// <summary>
    /// A semaphore's waiter nodes are new for every WaitAsync: flows that loop on a busy semaphore queue new ones, stuck
    /// flows keep theirs. True for subjects that are not semaphores.
    /// </summary>
    private static bool SameSemaphoreWaiters(string? key, AsyncHeap first, AsyncHeap second)
    {
        string? prefix = key is null ? null : s_subjectKeys.FirstOrDefault(p => key.StartsWith(p, StringComparison.Ordinal));
        if (key is null || prefix is null
            || !ulong.TryParse(key.AsSpan(prefix.Length), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong subject)
            || first.Semaphores.FirstOrDefault(s => s.Address == subject) is not AsyncSemaphore before)
        {
            return true;
        }

        return second.Semaphores.FirstOrDefault(s => s.Address == subject) is AsyncSemaphore after && before.AsyncWaiters.ToHashSet().SetEquals(after.AsyncWaiters);
    }

    private static Result FindInLook(ProcessSnapshot snapshot, IReadOnlyList<BlockedThread> blocked, Func<int, int> stackIdOf)
    {
        if (snapshot.Async is not AsyncHeap heap)
        {
            return new Result([], new HashSet<int>());
        }

        AsyncWaitGraph graph = AsyncWaitGraph.Build(snapshot, heap, blocked);
        var findings = new List<Finding>();
        var explained = new HashSet<int>();
        var inCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (IReadOnlyList<AsyncEdge> cycle in graph.Cycles())
        {
            findings.Add(Deadlock(snapshot, cycle, blocked, stackIdOf));
            foreach (AsyncEdge e in cycle)
            {
                inCycle.Add(e.From);
                if (e.From.StartsWith("thread:", StringComparison.Ordinal))
                {
                    explained.Add(int.Parse(e.From["thread:".Length..], CultureInfo.InvariantCulture));
                }
            }
        }

        var flows = heap.Flows.ToDictionary(f => f.Box);
        foreach ((ulong subject, List<ulong> waiters) in AsyncSubjects.WaitersBySubject(heap))
        {
            if (Verdict(subject, waiters, heap, snapshot) is not string evidence || waiters.Any(w => inCycle.Contains(AsyncWaitGraph.FlowNode(w))))
            {
                continue;
            }

            AsyncFlow[] members = [.. waiters.Select(w => flows[w])];
            List<FindingThread> threads = BlockedOnChain(graph, heap, subject, blocked, stackIdOf, snapshot.ProcessId);
            explained.UnionWith(threads.Select(t => t.ThreadId));
            findings.Add(Hang(subject, members, evidence, heap, threads, snapshot));
            if (Fault(subject, members, heap) is Finding fault)
            {
                findings.Add(fault);
            }
        }

        return new Result(findings, explained);
    }

    /// <summary>Why the waiters of <paramref name="subject"/> will not be released, or null when nothing says so.</summary>
    private static string? Verdict(ulong subject, List<ulong> waiters, AsyncHeap heap, ProcessSnapshot snapshot)
    {
        string orphan = heap.CompletionSources.Any(c => c.Address == subject) ? "nothing but its own waiters can reach the completion source, so no code can complete it any more"
            : heap.Channels.Any(c => c.Address == subject) ? "nothing but its own readers can reach the channel: its writer is gone without completing it"
            : "nothing but its own waiters can reach the semaphore, so no code can release it any more";
        if (heap.Orphans?.Contains(subject) == true)
        {
            return "orphan: " + orphan;
        }

        if (heap.Semaphores.FirstOrDefault(s => s.Address == subject) is AsyncSemaphore first
            && snapshot.AsyncSecondLook?.Semaphores.FirstOrDefault(s => s.Address == subject) is AsyncSemaphore second
            && second.CurrentCount == 0 && first.AsyncWaiters.All(second.AsyncWaiters.Contains))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"no permit was released in {snapshot.AsyncLookGapMs / 1000:F1} s: the same {first.AsyncWaiters.Count} waiters were queued on two looks {snapshot.AsyncLookGapMs / 1000:F1} s apart");
        }

        return null;
    }

    private static Finding Hang(ulong subject, AsyncFlow[] members, string evidence, AsyncHeap heap, List<FindingThread> threads, ProcessSnapshot snapshot)
    {
        var groups = members.GroupBy(m => AsyncText.Method(m.Method)).OrderByDescending(g => g.Count()).ToList();
        string flowsText = groups.Count == 1
            ? $"{(members.Length == 1 ? "1 flow" : $"{members.Length} flows")} in {groups[0].Key}"
            : $"{members.Length} flows ({string.Join(", ", groups.Select(g => $"{g.Count()} in {g.Key}"))})";
        string what = AsyncText.Awaited(members[0], heap);
        var details = new List<string> { evidence };
        details.AddRange(Chains(members, heap).Take(MaxChains).Select(c => "awaiting chain: " + c));
        if (threads.Count > 0)
        {
            details.Add($"{threads.Count} thread(s) block on a task that waits on these flows");
        }

        return new Finding
        {
            Kind = FindingKinds.Hang,
            Severity = Severity.Error,
            Summary = TextSanitizer.Clean($"{flowsText} await {what}{(evidence.StartsWith("orphan", StringComparison.Ordinal) ? "; orphan" : "; stalled")}"),
            TimeMs = 0,
            Key = $"async-hang:0x{subject:x}",
            Threads = threads,
            Details = [.. details.Select(TextSanitizer.Clean)],
            Metrics = new Dictionary<string, double> { ["flows"] = members.Length, ["observedMs"] = snapshot.AsyncLookGapMs },
        };
    }

    private static Finding Deadlock(ProcessSnapshot snapshot, IReadOnlyList<AsyncEdge> cycle, IReadOnlyList<BlockedThread> blocked, Func<int, int> stackIdOf)
    {
        AsyncHeap heap = snapshot.Async!;
        var flows = heap.Flows.ToDictionary(f => f.Box);
        int first = Math.Max(0, cycle.ToList().FindIndex(e => e.From.StartsWith("thread:", StringComparison.Ordinal)));
        cycle = [.. cycle.Skip(first), .. cycle.Take(first)];
        var parts = cycle.Select(e => Node(e.From, flows, heap)).ToList();
        parts.Add(parts[0]);
        var threads = new List<FindingThread>();
        var locks = new List<FindingLock>();
        foreach (AsyncEdge e in cycle)
        {
            if (e.From.StartsWith("thread:", StringComparison.Ordinal))
            {
                int tid = int.Parse(e.From["thread:".Length..], CultureInfo.InvariantCulture);
                BlockedThread? b = blocked.FirstOrDefault(x => x.Thread.OsThreadId == tid);
                threads.Add(new FindingThread(tid, "blocked in " + WaitClassifier.Describe(b?.Kind ?? WaitKind.None),
                    b?.Lock is not null ? b.ObjectId : null, b?.Lock?.OwnerOsThreadId, stackIdOf(tid), 0, snapshot.ProcessId));
            }
            else if (e.From.StartsWith("lock:", StringComparison.Ordinal) && blocked.FirstOrDefault(b => $"lock:0x{b.ObjectId:x}" == e.From) is BlockedThread l)
            {
                locks.Add(new FindingLock(l.ObjectId, l.ObjectId, l.Lock?.OwnerOsThreadId, SnapshotAnalysis.LockName(l)));
            }
        }

        int flowCount = cycle.Count(e => e.From.StartsWith("flow:", StringComparison.Ordinal) || e.From.StartsWith("task:", StringComparison.Ordinal));
        return new Finding
        {
            Kind = FindingKinds.Deadlock,
            Severity = Severity.Error,
            Summary = TextSanitizer.Clean($"async deadlock: {Count(flowCount, "task or flow", "tasks or flows")}{(threads.Count > 0 ? " and " + Count(threads.Count, "thread", "threads") : string.Empty)} wait for each other in a cycle: {string.Join(" → ", parts)}"),
            TimeMs = 0,
            Key = "async-deadlock:" + string.Join(",", cycle.Select(e => e.From).Order(StringComparer.Ordinal)),
            Threads = threads,
            Locks = locks,
            Details = [.. cycle.Select(e => TextSanitizer.Clean(e.Evidence)), .. Hints(locks)],
            Metrics = new Dictionary<string, double> { ["flows"] = flowCount, ["threads"] = threads.Count },
        };
    }

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    /// <summary>What a well-known lock in the cycle is, when it is one.</summary>
    private static IEnumerable<string> Hints(List<FindingLock> locks)
    {
        if (locks.Any(l => l.Name?.Contains("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal) == true))
        {
            yield return "the lock is Microsoft.Extensions.DependencyInjection's scope lock (the scope's resolved services, held while a constructor or factory runs): " +
                "resolving a service on another thread from inside a constructor or factory and blocking on it deadlocks (dotnet/runtime#80697); resolve it on the same thread, or outside the constructor";
        }
    }

    private static Finding? Fault(ulong subject, AsyncFlow[] members, AsyncHeap heap)
    {
        var types = members.Select(m => AsyncText.DeclaringType(m.Method)).ToHashSet(StringComparer.Ordinal);
        FaultedFlow[] related = [.. heap.Faulted.Where(f => types.Contains(AsyncText.DeclaringType(f.Method)))];
        if (related.Length == 0)
        {
            return null;
        }

        return new Finding
        {
            Kind = FindingKinds.TaskFault,
            Severity = Severity.Warning,
            Summary = TextSanitizer.Clean($"{related.Length} flow(s) of {AsyncText.Method(related[0].Method)} ended with {related[0].Exception}; flows of the same type wait on 0x{subject:x} that it should have released or completed"),
            TimeMs = 0,
            Key = $"async-task-fault:0x{subject:x}",
            Details = [.. related.Take(10).Select(f => TextSanitizer.Clean($"{AsyncText.Method(f.Method)} (task 0x{f.Task:x}) faulted: {f.Exception}")),
                "the faulted flow's state is cleared at completion, so that it took the permit is inferred from its type, not read"],
            Metrics = new Dictionary<string, double> { ["faultedTasks"] = related.Length },
        };
    }

    /// <summary>"GetConfigAsync ← HandleRequestAsync": each waiter and the flows awaiting it, innermost first.</summary>
    private static IEnumerable<string> Chains(AsyncFlow[] members, AsyncHeap heap)
    {
        Dictionary<ulong, List<ulong>> resumedBy = AsyncSubjects.ResumedBy(heap);
        var flows = heap.Flows.ToDictionary(f => f.Box);
        return members.Select(m =>
        {
            var chain = new List<string> { AsyncText.Method(m.Method) + (m.State >= 0 ? $" (await #{m.State})" : string.Empty) };
            var seen = new HashSet<ulong> { m.Box };
            for (ulong box = m.Box; resumedBy.GetValueOrDefault(box)?.FirstOrDefault(flows.ContainsKey) is ulong up and not 0 && seen.Add(up) && flows.ContainsKey(up) && chain.Count < 12; box = up)
            {
                chain.Add(AsyncText.Method(flows[up].Method));
            }

            return string.Join(" ← ", chain);
        }).Distinct(StringComparer.Ordinal);
    }

    private static List<FindingThread> BlockedOnChain(AsyncWaitGraph graph, AsyncHeap heap, ulong subject, IReadOnlyList<BlockedThread> blocked, Func<int, int> stackIdOf, int pid)
    {
        // A thread blocked on one of the waiters, or on a flow that resumes only after one of them (its caller, a WhenAll).
        List<ulong> waiters = AsyncSubjects.WaitersBySubject(heap).GetValueOrDefault(subject) ?? [];
        HashSet<ulong> held = [.. waiters, .. AsyncSubjects.Ancestors(heap, waiters)];
        var result = new List<FindingThread>();
        foreach (AsyncEdge e in graph.Edges.Where(e => e.From.StartsWith("thread:", StringComparison.Ordinal)
            && (e.To.StartsWith("flow:", StringComparison.Ordinal) || e.To.StartsWith("task:", StringComparison.Ordinal))))
        {
            if (held.Contains(ulong.Parse(e.To[(e.To.IndexOf(':') + 3)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            {
                int tid = int.Parse(e.From["thread:".Length..], CultureInfo.InvariantCulture);
                result.Add(new FindingThread(tid, "blocked in " + WaitClassifier.Describe(WaitKind.TaskWait), null, null, stackIdOf(tid), 0, pid));
            }
        }

        return result;
    }

    private static string Node(string node, Dictionary<ulong, AsyncFlow> flows, AsyncHeap heap)
    {
        string[] parts = node.Split(':');
        if (parts[0] is "thread")
        {
            return "tid " + parts[1];
        }

        ulong address = ulong.Parse(parts[1][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return parts[0] switch
        {
            "flow" => AsyncText.Method(flows[address].Method),
            "sem" => $"SemaphoreSlim 0x{address:x}",
            "ctx" => $"{AsyncText.Generic(heap.SyncContexts.Values.First(c => c.Address == address).TypeName)} 0x{address:x}",
            "lock" => $"lock 0x{address:x}",
            "task" => $"task 0x{address:x}",
            _ => node,
        };
    }
}

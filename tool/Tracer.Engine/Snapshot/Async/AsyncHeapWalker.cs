using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.Interfaces;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// The one place that reads async state out of a ClrRuntime (a dump or a live, suspended process alike): one linear
/// pass over the heap that stops only at the few types that matter (classified once per method table, so the pass costs
/// a type lookup per object), then a look at each pending state machine's fields, then the reachability mark
/// (<see cref="AsyncReachability"/>) only when some primitive has waiters.
/// <para>.NET 10 shapes: an async method is an <c>AsyncStateMachineBox&lt;TStateMachine&gt;</c> (a Task) whose
/// <c>StateMachine</c> holds <c>&lt;&gt;1__state</c> and one awaiter field <c>&lt;&gt;u__N</c> per awaiter type, non-default
/// only while suspended there; the box clears its state machine on completion. .NET 11 runtime-async methods have no
/// box: suspended frames are runtime <c>Continuation</c> objects chained by <c>Next</c>, so a second walker reading those
/// would plug in here and yield the same <see cref="AsyncFlow"/> records.</para>
/// </summary>
public static class AsyncHeapWalker
{
    private const int RanToCompletion = 0x1000000;
    private const int Faulted = 0x200000;
    private const int Canceled = 0x400000;
    private const int CompletedMask = RanToCompletion | Faulted | Canceled;

    private enum Kind : byte { Other, Box, Semaphore, CompletionSource, BoundedChannel, UnboundedChannel, ChannelEnd, Thread }

    /// <param name="threads">Threads already read from the same runtime (their frame objects are classified as tasks; the
    /// blocked ones decide which of their stacks the reachability mark defers, <see cref="StuckThreads"/>).</param>
    /// <param name="readRoots">Reads the reachability mark's roots when it starts (a live look stops the target for it);
    /// null to read them from the heap as it is (a dump, or a target stopped throughout).</param>
    public static AsyncHeap Walk(ClrRuntime runtime, ProcessSnapshot threads, TimeSpan budget, Func<ClrHeap, RootsRead>? readRoots = null)
    {
        // A dump holds still: the walk and the mark get the budget each.
        using var walk = new CancellationTokenSource(budget);
        using var mark = new CancellationTokenSource();
        return Walk(runtime, threads, walk.Token, () =>
        {
            mark.CancelAfter(budget);
            return mark.Token;
        }, readRoots ?? HeapRoots.ReadAsIs);
    }

    /// <summary>
    /// The same, stopping when <paramref name="budget"/> fires (a live target's pause budget): the walk and the mark each
    /// say in a note what they left out, and nothing is called an orphan on an unfinished mark.
    /// </summary>
    public static AsyncHeap Walk(ClrRuntime runtime, ProcessSnapshot threads, CancellationToken budget) =>
        Walk(runtime, threads, budget, () => budget, HeapRoots.ReadAsIs);

    private static AsyncHeap Walk(ClrRuntime runtime, ProcessSnapshot threads, CancellationToken budget, Func<CancellationToken> markBudget,
        Func<ClrHeap, RootsRead> readRoots)
    {
        ClrHeap heap = runtime.Heap;
        var notes = new List<string>();
        if (!heap.CanWalkHeap)
        {
            return new AsyncHeap { Notes = ["the heap could not be walked: async flows were not looked at"] };
        }

        var clock = Stopwatch.StartNew();
        var kinds = new Dictionary<ulong, Kind>();
        var boxes = new List<ClrObject>();
        var semaphores = new List<AsyncSemaphore>();
        var sources = new List<AsyncCompletionSource>();
        var channels = new List<AsyncChannel>();
        var channelOf = new Dictionary<ulong, ulong>(); // reader/writer → channel
        var contexts = new Dictionary<int, SyncContext>();
        Dictionary<int, int> osByManaged = runtime.Threads.Where(t => t.OSThreadId != 0).GroupBy(t => t.ManagedThreadId).ToDictionary(g => g.Key, g => (int)g.First().OSThreadId);
        long walked = 0, changed = 0;
        foreach (ClrObject obj in YoungFirst(heap))
        {
            walked++;
            if (obj.Type is not ClrType type)
            {
                continue;
            }

            if (!kinds.TryGetValue(type.MethodTable, out Kind kind))
            {
                kinds[type.MethodTable] = kind = Classify(type.Name);
            }

            try
            {
                switch (kind)
                {
                    case Kind.Box:
                        boxes.Add(obj);
                        break;
                    case Kind.Semaphore:
                        semaphores.Add(AsyncPrimitives.ReadSemaphore(obj));
                        break;
                    case Kind.CompletionSource when obj.TryReadObjectField("_task", out ClrObject task) && !task.IsNull:
                        sources.Add(new AsyncCompletionSource(obj.Address, task.Address, type.Name ?? "TaskCompletionSource"));
                        break;
                    case Kind.BoundedChannel or Kind.UnboundedChannel:
                        channels.Add(AsyncPrimitives.ReadChannel(obj, kind == Kind.BoundedChannel));
                        break;
                    case Kind.ChannelEnd when obj.TryReadObjectField("_parent", out ClrObject parent) && !parent.IsNull:
                        channelOf[obj.Address] = parent.Address;
                        break;
                    case Kind.Thread when obj.TryReadObjectField("_synchronizationContext", out ClrObject context) && !context.IsNull
                        && osByManaged.TryGetValue(obj.ReadField<int>("_managedThreadId"), out int os):
                        contexts[os] = new SyncContext(context.Address, context.Type?.Name ?? "SynchronizationContext");
                        break;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                // moved or freed under a walk of the running target (its address now holds something else): read as not there
                changed++;
            }

            if ((walked & 0xFFFF) == 0 && budget.IsCancellationRequested)
            {
                notes.Add($"the walk for async flows stopped at its time budget after {clock.Elapsed.TotalMilliseconds:F0} ms ({walked} objects, youngest first): older flows may be missing");
                break;
            }
        }

        double walkMs = clock.Elapsed.TotalMilliseconds;
        var interesting = new HashSet<ulong>([.. semaphores.Select(s => s.Address), .. sources.Select(s => s.Address), .. channels.Select(c => c.Address)]);
        var flows = new List<AsyncFlow>();
        var faulted = new List<FaultedFlow>();
        foreach (ClrObject box in boxes)
        {
            try
            {
                int flags = box.ReadField<int>("m_stateFlags");
                string method = MethodOfBox(box.Type!.Name!);
                if ((flags & Faulted) != 0)
                {
                    faulted.Add(new FaultedFlow(box.Address, method, AsyncPrimitives.ExceptionOf(box)));
                }
                else if ((flags & CompletedMask) == 0 && ReadFlow(heap, box, method, interesting, channelOf) is AsyncFlow flow)
                {
                    flows.Add(flow with { AwaitedBy = AsyncContinuations.Resumed(heap, box) });
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                changed++;
            }
        }

        var stackTasks = new List<StackTask>();
        foreach (SnapshotThread thread in threads.Threads)
        {
            foreach (FrameObject o in thread.Objects)
            {
                ClrObject obj = heap.GetObject(o.Address);
                try
                {
                    if (obj.IsValid && IsTask(obj.Type))
                    {
                        stackTasks.Add(new StackTask(thread.OsThreadId, o.FrameIndex, o.Address, obj.Type?.Name,
                            (obj.ReadField<int>("m_stateFlags") & CompletedMask) != 0, AsyncContinuations.DelegateMethod(obj)));
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
                {
                    changed++;
                }
            }
        }

        if (changed > 0)
        {
            notes.Add($"{changed} objects changed under the walk of the running process and were read as not there");
        }

        var draft = new AsyncHeap
        {
            Flows = flows, Semaphores = semaphores, CompletionSources = sources, Channels = channels, StackTasks = stackTasks,
            Faulted = faulted, SyncContexts = contexts, WalkMs = walkMs, ObjectsWalked = walked, Notes = notes,
        };
        var mark = Stopwatch.StartNew();
        AsyncHeap judged = AsyncReachability.Judge(heap, draft, StuckThreads.From(threads), readRoots, markBudget());
        return judged with { ReachabilityMs = mark.Elapsed.TotalMilliseconds };
    }

    /// <summary>
    /// Small-object segments, youngest first (pending flows and their waiters are usually recent), so a walk cut short by
    /// the budget on a big heap still sees them; the large, pinned and frozen heaps hold no state machines and are skipped.
    /// </summary>
    private static IEnumerable<ClrObject> YoungFirst(ClrHeap heap) =>
        heap.Segments.Where(s => s.Kind is not (GCSegmentKind.Large or GCSegmentKind.Pinned or GCSegmentKind.Frozen))
            .OrderBy(s => s.Kind switch { GCSegmentKind.Generation0 => 0, GCSegmentKind.Generation1 => 1, GCSegmentKind.Ephemeral => 2, _ => 3 })
            .SelectMany(s => s.EnumerateObjects(carefully: true)); // past memory that a running GC is rewriting

    private static Kind Classify(string? name) => name switch
    {
        null => Kind.Other,
        "System.Threading.SemaphoreSlim" => Kind.Semaphore,
        "System.Threading.Thread" => Kind.Thread,
        _ when name.Contains("+AsyncStateMachineBox<", StringComparison.Ordinal) => Kind.Box,
        _ when name.StartsWith("System.Threading.Tasks.TaskCompletionSource", StringComparison.Ordinal) => Kind.CompletionSource,
        _ when name.StartsWith("System.Threading.Channels.BoundedChannel<", StringComparison.Ordinal) && !name.Contains('+') => Kind.BoundedChannel,
        _ when name.StartsWith("System.Threading.Channels.UnboundedChannel<", StringComparison.Ordinal) && !name.Contains('+') => Kind.UnboundedChannel,
        _ when name.StartsWith("System.Threading.Channels.", StringComparison.Ordinal)
            && (name.EndsWith("ChannelReader", StringComparison.Ordinal) || name.EndsWith("ChannelWriter", StringComparison.Ordinal)) => Kind.ChannelEnd,
        _ => Kind.Other,
    };

    private static AsyncFlow? ReadFlow(ClrHeap heap, ClrObject box, string method, HashSet<ulong> interesting, Dictionary<ulong, ulong> channelOf)
    {
        if (box.Type?.GetFieldByName("StateMachine") is not ClrInstanceField field)
        {
            return null;
        }

        IClrValue machine = field.IsObjectReference ? box.ReadObjectField("StateMachine") : box.ReadValueTypeField("StateMachine");
        if (!machine.IsValid || machine.Type is not ClrType machineType)
        {
            return null;
        }

        int state = machineType.GetFieldByName("<>1__state") is not null ? machine.ReadField<int>("<>1__state") : -1;
        ulong awaited = 0;
        var refers = new HashSet<ulong>();
        foreach (ClrInstanceField f in machineType.Fields)
        {
            if (f.Name is not string name || name == "<>t__builder")
            {
                continue;
            }

            if (name.StartsWith("<>u__", StringComparison.Ordinal))
            {
                ulong held = AwaiterTarget(machine, f, depth: 0);
                awaited = awaited == 0 ? held : awaited;
            }
            else if (f.IsObjectReference && heap.GetObject(machine.ReadObjectField(f.Name).Address) is { IsNull: false, IsValid: true } value)
            {
                Refer(value, interesting, channelOf, refers);
                foreach (ulong inner in value.EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false).Take(64))
                {
                    Refer(heap.GetObject(inner), interesting, channelOf, refers);
                }
            }
        }

        ClrObject target = awaited == 0 ? default : heap.GetObject(awaited);
        bool completed = target.IsValid && IsTask(target.Type) && (target.ReadField<int>("m_stateFlags") & CompletedMask) != 0;
        return new AsyncFlow(box.Address, method, state, awaited, target.IsValid ? target.Type?.Name : null, completed, [.. refers]);
    }

    private static void Refer(ClrObject value, HashSet<ulong> interesting, Dictionary<ulong, ulong> channelOf, HashSet<ulong> refers)
    {
        if (interesting.Contains(value.Address))
        {
            refers.Add(value.Address);
        }
        else if (channelOf.TryGetValue(value.Address, out ulong channel))
        {
            refers.Add(channel);
        }
    }

    /// <summary>The object an awaiter holds: TaskAwaiter.m_task, ValueTaskAwaiter._value._obj, a class awaiter itself.</summary>
    private static ulong AwaiterTarget(IClrValue owner, ClrInstanceField field, int depth)
    {
        if (field.IsObjectReference)
        {
            return owner.ReadObjectField(field.Name!).Address;
        }

        if (!field.IsValueType || depth > 2 || field.Type is not ClrType valueType)
        {
            return 0;
        }

        IClrValue value = owner.ReadValueTypeField(field.Name!);
        foreach (ClrInstanceField inner in valueType.Fields)
        {
            if (inner.Name is not null && AwaiterTarget(value, inner, depth + 1) is ulong found and not 0)
            {
                return found;
            }
        }

        return 0;
    }

    internal static bool IsTask(ClrType? type)
    {
        for (ClrType? t = type; t is not null; t = t.BaseType)
        {
            if (t.Name is "System.Threading.Tasks.Task")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"…AsyncStateMachineBox&lt;NS.Type+&lt;HandleAsync&gt;d__4&gt;" → "NS.Type.HandleAsync".</summary>
    internal static string MethodOfBox(string boxType)
    {
        int start = boxType.IndexOf("+AsyncStateMachineBox<", StringComparison.Ordinal);
        string machine = start < 0 ? boxType : boxType[(start + "+AsyncStateMachineBox<".Length)..^1];
        int open = machine.LastIndexOf("+<", StringComparison.Ordinal);
        int close = open < 0 ? -1 : machine.IndexOf(">d__", open, StringComparison.Ordinal);
        if (close < 0)
        {
            close = open < 0 ? -1 : machine.LastIndexOf('>');
        }

        return open < 0 || close < 0 ? machine : $"{machine[..open]}.{machine[(open + 2)..close]}";
    }
}

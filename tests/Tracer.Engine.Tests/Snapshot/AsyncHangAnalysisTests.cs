using Tracer.Engine.Analysis;
using Tracer.Engine.Snapshot;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Tests.Snapshot;

/// <summary>The async verdicts on synthetic heaps: what is a deadlock or a hang, and what is only pending.</summary>
public sealed class AsyncHangAnalysisTests
{
    private const ulong S1 = 0x100, S2 = 0x200, Tcs = 0x300, TcsTask = 0x310, Node1 = 0x110, Node2 = 0x210;
    private const ulong FlowA = 0x1000, FlowB = 0x2000, FlowC = 0x3000;

    [Fact]
    public void Two_flows_each_holding_the_semaphore_the_other_awaits_are_a_deadlock()
    {
        AsyncHeap heap = Cycle(extraReferrer: false);

        Finding deadlock = Assert.Single(Find(heap));

        Assert.Equal(FindingKinds.Deadlock, deadlock.Kind);
        Assert.Contains("Svc.AAsync", deadlock.Summary, StringComparison.Ordinal);
        Assert.Contains("Svc.BAsync", deadlock.Summary, StringComparison.Ordinal);
        Assert.Equal(2, deadlock.Details.Count(d => d.Contains("is held by", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_second_flow_that_could_hold_the_permit_makes_the_holder_unknown_and_no_deadlock_is_claimed()
    {
        AsyncHeap heap = Cycle(extraReferrer: true);

        Assert.DoesNotContain(Find(heap), f => f.Kind == FindingKinds.Deadlock);
    }

    [Fact]
    public void A_semaphore_whose_same_waiters_stay_queued_between_two_looks_is_a_stalled_hang()
    {
        AsyncHeap first = Waiting([Node1, Node2]);

        Finding hang = Assert.Single(Find(first, second: Waiting([Node1, Node2, 0x120]), gapMs: 2000));

        Assert.Equal(FindingKinds.Hang, hang.Kind);
        Assert.StartsWith("2 flows in Svc.AAsync await SemaphoreSlim.WaitAsync of SemaphoreSlim 0x100 (0 of 1 permits free); stalled", hang.Summary, StringComparison.Ordinal);
        Assert.Contains(hang.Details, d => d.StartsWith("no permit was released in 2.0 s", StringComparison.Ordinal));
    }

    [Fact]
    public void A_semaphore_that_released_a_waiter_between_the_looks_is_not_a_hang()
    {
        Assert.Empty(Find(Waiting([Node1, Node2]), second: Waiting([Node2, 0x120]), gapMs: 2000));
    }

    [Fact]
    public void A_semaphore_looked_at_once_and_still_reachable_is_not_a_hang()
    {
        Assert.Empty(Find(Waiting([Node1, Node2])));
    }

    [Fact]
    public void An_orphan_completion_source_is_a_hang_and_a_reachable_one_is_not()
    {
        AsyncHeap heap = new()
        {
            Flows = [new AsyncFlow(FlowA, "App.Cache.GetAsync", 0, TcsTask, "System.Threading.Tasks.Task<System.String>", false, [Tcs])],
            CompletionSources = [new AsyncCompletionSource(Tcs, TcsTask, "System.Threading.Tasks.TaskCompletionSource<System.String>")],
            Orphans = [Tcs],
        };

        Finding hang = Assert.Single(Find(heap));
        Assert.StartsWith("1 flow in Cache.GetAsync await the Task of TaskCompletionSource<String> 0x300", hang.Summary, StringComparison.Ordinal);
        Assert.Empty(Find(heap with { Orphans = [] }));
    }

    [Fact]
    public void A_thread_blocked_on_a_task_whose_thread_waits_for_a_lock_the_first_holds_is_a_deadlock()
    {
        const ulong task = 0x5000, gate = 0x6000;
        SnapshotThread main = new(10, 1, "main", ["System.Threading.Monitor.Wait", "System.Threading.Tasks.Task.InternalWait", "App.Program.Main"], []);
        SnapshotThread worker = new(20, 5, "worker",
            ["System.Threading.Monitor.Enter", "App.Resolver.Resolve", "System.Threading.Tasks.Task.ExecuteEntryUnsafe"], [new FrameObject(0, gate, "System.Object")]);
        var snapshot = new ProcessSnapshot
        {
            ProcessId = 1,
            Threads = [main, worker],
            Locks = [new SnapshotLock(gate, "System.Object", LockFlavor.Monitor, 10, 1, 1)],
            Async = new AsyncHeap
            {
                StackTasks = [new StackTask(10, 1, task, "System.Threading.Tasks.Task", false), new StackTask(20, 2, task, "System.Threading.Tasks.Task", false, "App.Resolver.<Run>b__0")],
                Orphans = [],
            },
        };

        AsyncHangAnalysis.Result result = AsyncHangAnalysis.Find(snapshot, BlockedThread.From(snapshot), _ => -1);

        Finding deadlock = Assert.Single(result.Findings);
        Assert.Equal(FindingKinds.Deadlock, deadlock.Kind);
        Assert.StartsWith("async deadlock: 1 task or flow and 2 threads wait for each other in a cycle: tid 10 → task 0x5000 → tid 20 → lock 0x6000 → tid 10", deadlock.Summary, StringComparison.Ordinal);
        Assert.True(result.ExplainedThreads.SetEquals([10, 20]));
    }

    [Fact]
    public void A_thread_blocked_on_a_task_that_runs_freely_elsewhere_is_no_async_finding()
    {
        const ulong task = 0x5000;
        SnapshotThread main = new(10, 1, "main", ["System.Threading.Monitor.Wait", "System.Threading.Tasks.Task.InternalWait", "App.Program.Main"], []);
        SnapshotThread worker = new(20, 5, "worker", ["App.Resolver.Compute", "System.Threading.Tasks.Task.ExecuteEntryUnsafe"], []);
        var snapshot = new ProcessSnapshot
        {
            ProcessId = 1,
            Threads = [main, worker],
            Async = new AsyncHeap { StackTasks = [new StackTask(10, 1, task, "System.Threading.Tasks.Task", false), new StackTask(20, 1, task, "System.Threading.Tasks.Task", false)] },
        };

        Assert.Empty(AsyncHangAnalysis.Find(snapshot, BlockedThread.From(snapshot), _ => -1).Findings);
    }

    [Theory]
    [InlineData("System.Runtime.CompilerServices.AsyncTaskMethodBuilder<System.Threading.Tasks.VoidTaskResult>+AsyncStateMachineBox<App.Outer+Service+<HandleAsync>d__4>", "App.Outer+Service.HandleAsync")]
    [InlineData("System.Runtime.CompilerServices.AsyncTaskMethodBuilder<System.String>+AsyncStateMachineBox<App.Program+<<Main>b__0_0>d>", "App.Program.<Main>b__0_0")]
    public void Box_type_names_give_the_async_method(string box, string method) =>
        Assert.Equal(method, AsyncHeapWalker.MethodOfBox(box));

    [Fact]
    public void The_async_heap_is_plain_data_that_survives_a_json_round_trip_with_the_same_verdict()
    {
        AsyncHeap heap = Cycle(extraReferrer: false) with
        {
            SyncContexts = new Dictionary<int, SyncContext> { [7] = new SyncContext(0x70, "App.UiContext") },
            QueuedOnContext = new Dictionary<ulong, ulong> { [FlowA] = 0x70 },
        };
        var options = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase };

        AsyncHeap back = System.Text.Json.JsonSerializer.Deserialize<AsyncHeap>(System.Text.Json.JsonSerializer.Serialize(heap, options), options)!;

        Assert.Equal(Find(heap).Select(f => f.Summary), Find(back).Select(f => f.Summary));
        Assert.Equal(0x70UL, back.QueuedOnContext[FlowA]);
        Assert.Equal("App.UiContext", back.SyncContexts[7].TypeName);
    }

    [Fact]
    public void A_live_walk_claims_an_orphan_only_when_the_second_look_finds_the_same_waiters_orphaned()
    {
        AsyncHeap orphaned = Waiting([Node1, Node2]) with { Orphans = [S1] };

        // One look of a heap that changed while walked: nothing. Two looks, same waiter nodes, orphan both times: a hang.
        Assert.Empty(Find(orphaned, running: true));
        Finding hang = Assert.Single(Find(orphaned, second: orphaned, gapMs: 2000, running: true));
        Assert.EndsWith("; orphan", hang.Summary, StringComparison.Ordinal);
        // A dump holds still: one look decides.
        Assert.Single(Find(orphaned));
    }

    [Fact]
    public void A_live_walk_whose_second_look_sees_new_waiter_nodes_or_a_reachable_semaphore_claims_nothing()
    {
        AsyncHeap orphaned = Waiting([Node1, Node2]) with { Orphans = [S1] };

        // Flows looping on a busy semaphore queue new nodes on every WaitAsync; a root missed once is found the next time.
        Assert.Empty(Find(orphaned, second: Waiting([0x130, 0x140]) with { Orphans = [S1] }, gapMs: 2000, running: true));
        Assert.DoesNotContain(Find(orphaned, second: Waiting([Node1, Node2, 0x120]), gapMs: 2000, running: true),
            f => f.Summary.EndsWith("; orphan", StringComparison.Ordinal));
    }

    [Fact]
    public void A_live_walk_keeps_an_async_deadlock_that_both_looks_find()
    {
        AsyncHeap heap = Cycle(extraReferrer: false);

        Assert.Empty(Find(heap, running: true));
        Assert.Empty(Find(heap, second: Cycle(extraReferrer: true), gapMs: 2000, running: true));
        Assert.Equal(FindingKinds.Deadlock, Assert.Single(Find(heap, second: heap, gapMs: 2000, running: true)).Kind);
    }

    private static IReadOnlyList<Finding> Find(AsyncHeap heap, AsyncHeap? second = null, double gapMs = 0, bool running = false)
    {
        var snapshot = new ProcessSnapshot { ProcessId = 1, Async = heap, AsyncSecondLook = second, AsyncLookGapMs = gapMs, AsyncWalkedRunning = running };
        return AsyncHangAnalysis.Find(snapshot, [], _ => -1).Findings;
    }

    /// <summary>A holds S1 and awaits S2; B holds S2 and awaits S1 (both refer to both, as through their `this`).</summary>
    private static AsyncHeap Cycle(bool extraReferrer) => new()
    {
        Flows =
        [
            new AsyncFlow(FlowA, "App.Svc.AAsync", 2, Node2, "System.Threading.SemaphoreSlim+TaskNode", false, [S1, S2]),
            new AsyncFlow(FlowB, "App.Svc.BAsync", 2, Node1, "System.Threading.SemaphoreSlim+TaskNode", false, [S1, S2]),
            .. extraReferrer ? new[] { new AsyncFlow(FlowC, "App.Svc.CAsync", 0, 0x9999, "System.Threading.Tasks.Task", false, [S1, S2]) } : [],
        ],
        Semaphores = [new AsyncSemaphore(S1, 0, 1, 1, [Node1]), new AsyncSemaphore(S2, 0, 1, 1, [Node2])],
        Orphans = [],
    };

    private static AsyncHeap Waiting(ulong[] nodes) => new()
    {
        Flows = [.. nodes.Select((n, i) => new AsyncFlow(0x1000 + (ulong)i, "App.Svc.AAsync", 0, n, "System.Threading.SemaphoreSlim+TaskNode", false, [S1]))],
        Semaphores = [new AsyncSemaphore(S1, 0, 1, nodes.Length, nodes)],
        Orphans = [],
    };
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>
/// Cycles through a blocking wait on a task (task events on): dotnet/runtime#80697's shape, where main blocks on a
/// Task.Run whose pool thread waits for a lock main holds.
/// </summary>
public sealed class TaskWaitDeadlockTests
{
    private const ulong Scope = 0x1000, Work = 7;
    private const int Main = 101, Pool = 102;

    [Fact]
    public void A_thread_blocked_on_a_task_whose_thread_waits_for_its_lock_is_a_deadlock_over_a_lock_and_a_task()
    {
        FindingSet findings = Run(
            Task(10, Pool, TaskEventReason.TaskStarted, Work),
            Task(11, Main, TaskEventReason.TaskWaitBegin, Work, behavior: 1, stackId: 5),
            TraceRecord.ContentionStart(12, Pool, Scope, 0xa1, ownerThreadId: Main, stackId: 6));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.Deadlock, f.Kind);
        Assert.Equal("2 threads wait for each other in a cycle over 1 lock and 1 task", f.Summary);
        Assert.Collection(f.Threads.OrderBy(t => t.ThreadId),
            t => Assert.Equal((Main, Pool, 5, (ulong?)null), (t.ThreadId, t.HeldBy!.Value, t.StackId, t.WaitsForLock)),
            t => Assert.Equal((Pool, Main, 6, (ulong?)Scope), (t.ThreadId, t.HeldBy!.Value, t.StackId, t.WaitsForLock)));
        Assert.Contains(f.Details, d => d.StartsWith($"tid {Main} blocks on task {Work}", StringComparison.Ordinal) && d.EndsWith($"runs on tid {Pool}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_cycle_closes_whichever_wait_begins_last_and_ends_when_the_task_wait_does()
    {
        var detector = new DeadlockDetector();
        var findings = new FindingSet();
        foreach (TraceRecord e in new[]
        {
            Task(10, Pool, TaskEventReason.TaskStarted, Work),
            TraceRecord.ContentionStart(11, Pool, Scope, 0xa1, ownerThreadId: Main, stackId: 6),
            Task(12, Main, TaskEventReason.TaskWaitBegin, Work, behavior: 1),
        })
        {
            detector.OnEvent(e, findings);
        }

        detector.Checkpoint(12 + Confirm, findings);
        Assert.Single(findings.Snapshot());
        detector.OnEvent(Task(13 + Confirm, Main, TaskEventReason.TaskWaitEnd, Work), findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_parallel_loop_whose_caller_let_the_lock_go_before_waiting_for_its_replica_is_not_a_deadlock()
    {
        // Parallel.For under load: Pool waits for the lock (owner Main); Main lets it go, ends its share of the loop and
        // blocks on Pool's replica task before Pool, woken, is scheduled. The last known owner closes a cycle for 30 ms.
        var detector = new DeadlockDetector();
        var sink = new RecordingSink();
        detector.OnEvent(Task(10, Pool, TaskEventReason.TaskStarted, Work), sink);
        detector.OnEvent(TraceRecord.ContentionStart(11, Pool, Scope, 0xa1, ownerThreadId: Main), sink);
        detector.OnEvent(Task(12, Main, TaskEventReason.TaskWaitBegin, Work, behavior: 1), sink);
        detector.Checkpoint(41, sink);
        detector.OnEvent(TraceRecord.ContentionStop(42, Pool, 31e6), sink);
        detector.Complete(42 + Confirm, sink);
        Assert.Empty(sink.Reported);
    }

    [Fact]
    public void An_await_a_finished_task_or_a_task_nobody_runs_makes_no_edge()
    {
        TraceRecord lockWait = TraceRecord.ContentionStart(20, Pool, Scope, 0xa1, ownerThreadId: Main, stackId: 6);

        Assert.Empty(Run(Task(10, Pool, TaskEventReason.TaskStarted, Work), Task(11, Main, TaskEventReason.TaskWaitBegin, Work, behavior: 2), lockWait).Snapshot());
        Assert.Empty(Run(Task(10, Pool, TaskEventReason.TaskStarted, Work), Task(11, Pool, TaskEventReason.TaskCompleted, Work),
            Task(12, Main, TaskEventReason.TaskWaitBegin, Work, behavior: 1), lockWait).Snapshot());
        Assert.Empty(Run(Task(11, Main, TaskEventReason.TaskWaitBegin, Work, behavior: 1), lockWait).Snapshot());
    }

    private static TraceRecord Task(double t, int tid, TaskEventReason reason, ulong task, long behavior = 0, int stackId = -1) =>
        TraceRecord.Thread(TraceEventKind.TaskEvent, t, tid) with { Reason = (byte)reason, ObjectId = task, Value = behavior, StackId = stackId };

    private static FindingSet Run(params TraceRecord[] events) => DeadlockStream.Run(events);

    private static readonly double Confirm = DeadlockStream.Confirm;
}

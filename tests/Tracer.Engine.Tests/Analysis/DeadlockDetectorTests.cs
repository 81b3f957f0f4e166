using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>The deadlock detector on synthetic event streams: no process, no timing, exact expectations.</summary>
public sealed class DeadlockDetectorTests
{
    private const ulong L1 = 0x1000, L2 = 0x2000, L3 = 0x3000;
    private const int T1 = 101, T2 = 102, T3 = 103;

    [Fact]
    public void Two_threads_waiting_for_each_others_lock_are_a_deadlock()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(10, T1, L1, 0xa1, ownerThreadId: T2, stackId: 7),
            TraceRecord.ContentionStart(12, T2, L2, 0xa2, ownerThreadId: T1, stackId: 8));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.Deadlock, f.Kind);
        Assert.Equal(12, f.TimeMs);
        Assert.Collection(f.Threads.OrderBy(t => t.ThreadId),
            t => { Assert.Equal(T1, t.ThreadId); Assert.Equal(L1, t.WaitsForLock); Assert.Equal(T2, t.HeldBy); Assert.Equal(7, t.StackId); },
            t => { Assert.Equal(T2, t.ThreadId); Assert.Equal(L2, t.WaitsForLock); Assert.Equal(T1, t.HeldBy); Assert.Equal(8, t.StackId); });
        Assert.Equal([L1, L2], f.Locks.Select(l => l.LockId).Order());
        Assert.Equal(0xa1ul, f.Locks.Single(l => l.LockId == L1).ObjectId);
    }

    [Fact]
    public void Three_thread_cycle_is_found_when_the_last_edge_appears_and_not_before()
    {
        var detector = new DeadlockDetector();
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.ContentionStart(1, T1, L1, 0, T2), findings);
        detector.OnEvent(TraceRecord.ContentionStart(2, T2, L2, 0, T3), findings);
        detector.Checkpoint(2 + Confirm, findings);
        Assert.Empty(findings.Snapshot());

        detector.OnEvent(TraceRecord.ContentionStart(3, T3, L3, 0, T1), findings);
        detector.Checkpoint(3 + Confirm, findings);
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(3, f.TimeMs); // when it closed, not when it was confirmed
        Assert.Equal(3, f.Threads.Count);
        Assert.Equal(T1, f.Threads[0].ThreadId); // cycles read from their smallest thread id
        Assert.Equal([T2, T3, T1], f.Threads.Select(t => t.HeldBy!.Value));
    }

    [Fact]
    public void A_cycle_is_reported_once_it_has_held_the_confirmation_time_and_not_before()
    {
        var detector = new DeadlockDetector(options: new AnalysisOptions { DeadlockConfirmAfter = TimeSpan.FromMilliseconds(250) });
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.ContentionStart(10, T1, L1, 0, T2), findings);
        detector.OnEvent(TraceRecord.ContentionStart(20, T2, L2, 0, T1), findings);
        detector.Checkpoint(269.9, findings);
        Assert.Empty(findings.Snapshot());

        detector.OnEvent(TraceRecord.Thread(TraceEventKind.PoolWorkerStart, 270, T3), findings); // any later record confirms it
        Assert.Single(findings.Snapshot());
    }

    [Fact]
    public void A_cycle_that_resolves_before_the_confirmation_time_is_never_reported()
    {
        // The false cycle seen under load: T1 let L1 go and began its next wait (for L2, held by T2); T2, woken to take
        // L1, had not run yet, so the last known owner of L1 was still T1. T2 ran 40 ms later.
        var detector = new DeadlockDetector();
        var sink = new RecordingSink();
        detector.OnEvent(TraceRecord.ContentionStart(1, T2, L1, 0, T1), sink);
        detector.OnEvent(TraceRecord.ContentionStart(2, T1, L2, 0, T2), sink);
        detector.Checkpoint(41, sink);
        detector.OnEvent(TraceRecord.ContentionStop(42, T2, 41e6), sink);
        detector.Complete(42 + Confirm, sink);
        Assert.Empty(sink.Reported);
    }

    [Fact]
    public void A_cycle_the_end_of_the_trace_cuts_shorter_than_the_confirmation_time_is_not_reported()
    {
        var detector = new DeadlockDetector();
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.ContentionStart(1, T1, L1, 0, T2), findings);
        detector.OnEvent(TraceRecord.ContentionStart(2, T2, L2, 0, T1), findings);
        detector.Complete(2 + Confirm - 1, findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_chain_that_is_not_a_cycle_is_not_a_deadlock()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(1, T1, L1, 0, T2),
            TraceRecord.ContentionStart(2, T2, L2, 0, T3));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_wait_that_ends_before_the_cycle_closes_is_not_a_deadlock()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(1, T1, L1, 0, T2),
            TraceRecord.ContentionStop(2, T1, durationNs: 1e6),   // T1 got L1: it no longer waits
            TraceRecord.ContentionStart(3, T2, L2, 0, T1));        // T2 waits for T1, which waits for nothing
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void The_waiter_that_gets_a_lock_becomes_its_owner()
    {
        // T2 held L1; T1 waited and got it. A later waiter on L1 whose event names no owner waits for T1, not T2.
        FindingSet findings = Run(
            TraceRecord.ContentionStart(1, T1, L1, 0, T2),
            TraceRecord.ContentionStop(2, T1, 1e6),
            TraceRecord.ContentionStart(3, T3, L1, 0, ownerThreadId: 0),
            TraceRecord.ContentionStart(4, T1, L3, 0, T3));
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal([T1, T3], f.Threads.Select(t => t.ThreadId).Order());
        Assert.DoesNotContain(f.Threads, t => t.ThreadId == T2 || t.HeldBy == T2);
    }

    [Fact]
    public void A_reported_cycle_is_withdrawn_when_a_member_gets_its_lock()
    {
        var detector = new DeadlockDetector();
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.ContentionStart(1, T1, L1, 0, T2), findings);
        detector.OnEvent(TraceRecord.ContentionStart(2, T2, L2, 0, T1), findings);
        detector.Checkpoint(2 + Confirm, findings);
        Assert.Single(findings.Snapshot());

        detector.OnEvent(TraceRecord.ContentionStop(2 + Confirm + 1, T2, 1e6), findings); // progress: it was not a deadlock
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void The_same_cycle_is_reported_once_whichever_thread_closes_it()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(1, T2, L2, 0, T1),
            TraceRecord.ContentionStart(2, T1, L1, 0, T2),
            TraceRecord.ContentionStart(3, T1, L1, 0, T2));
        Assert.Single(findings.Snapshot());
    }

    [Fact]
    public void Without_owner_information_no_cycle_is_invented()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(1, T1, L1, 0, 0),
            TraceRecord.ContentionStart(2, T2, L2, 0, 0));
        Assert.Empty(findings.Snapshot());
    }

    private static FindingSet Run(params TraceRecord[] events) => DeadlockStream.Run(events);

    private static readonly double Confirm = DeadlockStream.Confirm;
}

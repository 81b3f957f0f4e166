using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>
/// EventPipe dropped a ContentionStop or WaitStop (buffer full): the thread went on but seems to wait for ever. A cycle
/// or hang built on that phantom wait is not one, and the thread's own later events prove it.
/// </summary>
public sealed class LostEventDeadlockTests
{
    private const ulong L1 = 0x1000, L2 = 0x2000, L3 = 0x3000;
    private const int T1 = 101, T2 = 102;

    // T1 waited for L1 (held by T2) and got it (the stop was lost), so T1 now owns L1 and runs on;
    // T2 then waits for L2, which T1 holds: with T1's stale wait this looks like T1 ⇄ T2.
    private static readonly TraceRecord[] s_phantomCycle =
    [
        TraceRecord.ContentionStart(1, T1, L1, 0, ownerThreadId: T2),
        // lost: TraceRecord.ContentionStop(2, T1, 1e6)
        TraceRecord.ContentionStart(3, T2, L2, 0, ownerThreadId: T1),
    ];

    public static TheoryData<string, TraceRecord> ActivityOfTheThreadWithTheLostStop => new()
    {
        { "contends for another lock", TraceRecord.ContentionStart(4, T1, L3, 0, ownerThreadId: 0) },
        { "hits a probe", TraceRecord.Thread(TraceEventKind.Probe, 4, T1) },
        { "queues work", TraceRecord.Thread(TraceEventKind.PoolEnqueue, 4, T1) },
        { "runs a task event", TraceRecord.Thread(TraceEventKind.TaskEvent, 4, T1) },
    };

    [Theory]
    [MemberData(nameof(ActivityOfTheThreadWithTheLostStop))]
    public void A_cycle_through_a_wait_whose_stop_was_lost_is_withdrawn_when_that_thread_shows_it_runs(string activity, TraceRecord later)
    {
        // Reported as soon as it closes, so that its withdrawal shows (the confirmation time is DeadlockDetectorTests').
        var analyzer = new TraceAnalyzer(new AnalysisOptions { DeadlockConfirmAfter = TimeSpan.Zero });
        foreach (TraceRecord e in s_phantomCycle)
        {
            analyzer.OnEvent(e);
        }

        Assert.Contains(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Deadlock); // indistinguishable so far

        analyzer.OnEvent(later);
        analyzer.Complete();

        Assert.True(analyzer.Findings.Snapshot().All(f => f.Kind != FindingKinds.Deadlock), $"T1 {activity}: it was not blocked");
    }

    [Theory]
    [InlineData(TraceEventKind.Probe)]
    [InlineData(TraceEventKind.PoolEnqueue)]
    [InlineData(TraceEventKind.TaskEvent)]
    public void A_wait_whose_stop_was_lost_is_no_hang_once_its_thread_does_its_own_work(TraceEventKind work)
    {
        var analyzer = new TraceAnalyzer();
        analyzer.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0xa1));
        // lost: TraceRecord.WaitStop(150, T1)
        analyzer.OnEvent(TraceRecord.Thread(work, 200, T1));
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 5000, 900)); // time passes the threshold
        analyzer.Complete();

        Assert.DoesNotContain(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Hang);
    }

    [Fact]
    public void A_wait_that_never_ends_and_a_silent_thread_stay_a_hang()
    {
        var analyzer = new TraceAnalyzer();
        analyzer.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0xa1));
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.Probe, 200, T2)); // another thread's work says nothing about T1
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 5000, 900));
        analyzer.Complete();

        Assert.Contains(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Hang);
    }

    [Fact]
    public void A_real_deadlock_stays_found_when_its_threads_only_repeat_their_wait()
    {
        var analyzer = new TraceAnalyzer();
        foreach (TraceRecord e in s_phantomCycle)
        {
            analyzer.OnEvent(e);
        }

        analyzer.OnEvent(TraceRecord.ContentionStart(4, T1, L1, 0, ownerThreadId: T2)); // the same wait again
        analyzer.OnEvent(TraceRecord.WaitStart(5, T1, WaitSource.Unknown, 0));            // the lock's own handle wait
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 1000, 900));     // time passes the confirmation
        analyzer.Complete();

        Assert.Contains(analyzer.Findings.Snapshot(), f => f.Kind == FindingKinds.Deadlock);
    }
}

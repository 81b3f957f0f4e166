using Tracer.Engine.Analysis;
using Tracer.Engine.Snapshot;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Tests.Snapshot;

/// <summary>
/// The main thread parked on an event of its own: the program's wait for shutdown when code that runs can still reach
/// the event (the heap's mark says so in a look), a hang when nothing outside the stuck threads can (every look judged).
/// </summary>
public sealed class ShutdownWaitTests
{
    private const int Pid = 100;
    private const ulong Event = 0xe0;

    [Fact]
    public void The_main_thread_on_an_event_running_code_can_reach_is_no_hang_and_a_note_says_why()
    {
        ProcessSnapshot snapshot = Looked(MainOnEvent(), reachedFirst: true, reachedSecond: false);

        TraceAnalyzer found = SnapshotAnalysis.Analyze(snapshot);

        Assert.Empty(found.Findings.Snapshot());
        Assert.Contains(found.Model.Notes, n => n.Contains("taken as the program's wait for shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_wait_on_an_event_only_stuck_threads_reach_is_a_hang_that_says_so()
    {
        Finding hang = Assert.Single(SnapshotAnalysis.Analyze(Looked(MainOnEvent(), reachedFirst: false, reachedSecond: false)).Findings.Snapshot());

        Assert.Equal(FindingKinds.Hang, hang.Kind);
        Assert.Contains(hang.Details, d => d.Contains("no code that still runs can signal it", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_heaps_word_or_off_the_main_thread_the_wait_stays_a_hang()
    {
        ProcessSnapshot unjudged = Looked(MainOnEvent(), reachedFirst: true, reachedSecond: true) with { Async = null, AsyncSecondLook = null };
        SnapshotThread worker = MainOnEvent() with { OsThreadId = Pid + 1, ManagedThreadId = 7, Name = "worker" };
        ProcessSnapshot offMain = Looked(worker, reachedFirst: true, reachedSecond: true);

        Assert.Equal(FindingKinds.Hang, Assert.Single(SnapshotAnalysis.Analyze(unjudged).Findings.Snapshot()).Kind);
        Finding hang = Assert.Single(SnapshotAnalysis.Analyze(offMain).Findings.Snapshot());
        Assert.DoesNotContain(hang.Details, d => d.Contains("no code that still runs", StringComparison.Ordinal)); // reached: no such claim
    }

    [Fact]
    public void A_look_that_judged_the_wait_idle_dismisses_the_traces_hang_of_it_but_not_a_later_wait()
    {
        var analyzer = new TraceAnalyzer();
        analyzer.Findings.Report(TracedHang(sinceMs: 400));
        SnapshotMerge.Into(analyzer, Looked(MainOnEvent(), reachedFirst: true, reachedSecond: true) with { TakenAtMs = 3000 }, withinTrace: true);
        Assert.Empty(analyzer.Findings.Snapshot());
        Assert.False(analyzer.Findings.Any(FindingKinds.Hang));

        analyzer.Findings.Report(TracedHang(sinceMs: 3100)); // main waits again after the look: judged afresh
        Assert.Single(analyzer.Findings.Snapshot());
    }

    [Fact]
    public void A_held_hang_is_announced_only_after_the_look_and_never_once_dismissed_or_withdrawn()
    {
        var set = new FindingSet { HoldsOwnerlessWaits = true };
        var announced = new List<string>();
        set.Found += f => announced.Add(f.Key);
        set.Report(TracedHang(sinceMs: 400));
        Finding worker = TracedHang(sinceMs: 400) with { Key = "hang:wait:SemaphoreSlim.Wait:a0:7", Threads = [new FindingThread(7, "waits", null, null, -1, 400, Pid)] };
        Finding idle = worker with { Key = "hang:wait:SemaphoreSlim.Wait:a1:8", Threads = [new FindingThread(8, "waits", null, null, -1, 400, Pid)] };
        Finding lockHang = worker with { Key = "hang:lock:10:9", Threads = [new FindingThread(9, "waits", 0x10, 3, -1, 400, Pid)], OwnerlessWait = false };
        set.Report(worker);
        set.Report(idle);
        set.Report(lockHang);
        set.DispatchFound();
        Assert.Equal(["hang:lock:10:9"], announced); // a lock has an owner: told at once
        Assert.True(set.HasHeld);

        set.Retract(idle.Key); // its wait ended before the look: never told
        set.ReleaseHeld(untilEnd: f => f.Key == worker.Key); // the look: running code reaches the worker's semaphore
        set.DispatchFound();
        Assert.Equal(["hang:lock:10:9", "hang:wait:ManualResetEventSlim.Wait:e0:100"], announced);

        set.ReleaseHeld(atEnd: true); // the session ends and the worker still waits
        set.DispatchFound();
        Assert.Equal(["hang:lock:10:9", "hang:wait:ManualResetEventSlim.Wait:e0:100", "hang:wait:SemaphoreSlim.Wait:a0:7"], announced);

        var dismissed = new FindingSet { HoldsOwnerlessWaits = true };
        dismissed.Found += f => announced.Add("dismissed " + f.Key);
        dismissed.Report(TracedHang(sinceMs: 400));
        dismissed.DismissHangOf(Pid, Pid, 3000);
        dismissed.ReleaseHeld();
        dismissed.DispatchFound();
        Assert.DoesNotContain(announced, k => k.StartsWith("dismissed", StringComparison.Ordinal));
    }

    [Fact]
    public void After_the_look_a_later_hang_of_a_thread_it_saw_reachable_is_held_to_the_end_and_others_are_told_at_once()
    {
        var set = new FindingSet { HoldsOwnerlessWaits = true };
        var announced = new List<string>();
        set.Found += f => announced.Add(f.Key);
        Finding first = TracedHang(sinceMs: 400) with { Key = "hang:wait::0:7", Threads = [new FindingThread(7, "waits", null, null, -1, 400, Pid)] };
        set.Report(first);
        set.ReleaseHeld(untilEnd: f => f.Threads.All(t => t.ThreadId == 7)); // the look: thread 7's object is reachable
        set.Retract(first.Key); // it woke: the next item came
        set.DispatchFound();
        Assert.Empty(announced);

        // The same worker hung again later, its frames now named (another key); and a thread the look did not see.
        Finding again = first with { Key = "hang:wait:WaitHandle.WaitOne:0:7", TimeMs = 17_000 };
        Finding other = first with { Key = "hang:wait:WaitHandle.WaitOne:0:8", Threads = [new FindingThread(8, "waits", null, null, -1, 15_000, Pid)] };
        set.Report(again);
        set.Report(other);
        set.DispatchFound();
        Assert.Equal([other.Key], announced);

        set.Retract(again.Key); // it woke again
        set.ReleaseHeld(atEnd: true);
        set.DispatchFound();
        Assert.Equal([other.Key], announced);

        // Had it still stood at the end, it would be told then.
        var standing = new FindingSet { HoldsOwnerlessWaits = true };
        var told = new List<string>();
        standing.Found += f => told.Add(f.Key);
        standing.Report(first);
        standing.ReleaseHeld(untilEnd: f => f.Threads.All(t => t.ThreadId == 7));
        standing.Retract(first.Key);
        standing.Report(again);
        standing.DispatchFound();
        Assert.Empty(told);
        standing.ReleaseHeld(atEnd: true);
        standing.DispatchFound();
        Assert.Equal([again.Key], told);
    }

    private static Finding TracedHang(double sinceMs) => new()
    {
        Kind = FindingKinds.Hang,
        Severity = Severity.Error,
        Summary = "1 thread blocked in ManualResetEventSlim.Wait",
        TimeMs = sinceMs + 2000,
        Key = "hang:wait:ManualResetEventSlim.Wait:e0:100",
        Threads = [new FindingThread(Pid, "waits", null, null, -1, sinceMs, Pid)],
        OwnerlessWait = true,
    };

    private static SnapshotThread MainOnEvent() =>
        new(Pid, 1, "main", ["System.Threading.Monitor.Wait", "System.Threading.ManualResetEventSlim.Wait", "App.Service.Run", "Program.<Main>$"],
            [new FrameObject(1, Event, "System.Threading.ManualResetEventSlim")])
        { MadeProgress = false };

    private static ProcessSnapshot Looked(SnapshotThread thread, bool reachedFirst, bool reachedSecond) => new()
    {
        ProcessId = Pid,
        ProcessName = "app",
        Threads = [thread],
        ObservedMs = 2000,
        Async = new AsyncHeap { ReachedWaitSubjects = reachedFirst ? [Event] : [] },
        AsyncSecondLook = new AsyncHeap { ReachedWaitSubjects = reachedSecond ? [Event] : [] },
        AsyncWalkedRunning = true,
    };
}

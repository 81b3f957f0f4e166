using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>The hang detector on synthetic streams: threshold 2 s unless a test says otherwise.</summary>
public sealed class HangDetectorTests
{
    private const int T1 = 101, T2 = 102, T3 = 103, Other = 900;
    private const ulong L1 = 0x1000, Obj1 = 0xa1, Obj2 = 0xa2;

    [Fact]
    public void A_wait_that_never_ends_is_a_hang_once_another_event_passes_the_threshold()
    {
        var (detector, findings) = Create();
        detector.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1, stackId: 5), findings);
        detector.OnEvent(Tick(2099), findings);
        Assert.Empty(findings.Snapshot());

        detector.OnEvent(Tick(2100), findings);
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.Hang, f.Kind);
        Assert.Equal(2100, f.TimeMs);
        FindingThread t = Assert.Single(f.Threads);
        Assert.Equal((T1, 5, 100.0), (t.ThreadId, t.StackId, t.SinceMs));
        Assert.Contains("Monitor.Wait", f.Summary);
    }

    [Fact]
    public void A_wait_that_resolves_just_under_the_threshold_is_no_hang()
    {
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.Unknown, Obj1),
            TraceRecord.WaitStop(2099, T1),
            Tick(5000));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_hang_found_only_at_the_end_is_reported_by_Complete()
    {
        var (detector, findings) = Create();
        detector.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1), findings);
        Assert.Empty(findings.Snapshot());
        detector.Complete(3000, findings);
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(2900, f.Metrics["blockedMs"]);
    }

    [Fact]
    public void A_stop_that_arrives_after_a_later_event_from_another_thread_withdraws_the_hang()
    {
        // Cross-thread order may differ live vs replay: the end result must not.
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1),
            Tick(2500),
            TraceRecord.WaitStop(2000, T1));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void Threads_hanging_on_the_same_object_are_one_finding()
    {
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1),
            TraceRecord.WaitStart(150, T2, WaitSource.MonitorWait, Obj1),
            TraceRecord.WaitStart(160, T3, WaitSource.MonitorWait, Obj2),
            Tick(4000));
        Assert.Equal(2, findings.Snapshot().Count);
        Assert.Contains(findings.Snapshot(), f => f.Threads.Select(t => t.ThreadId).Order().SequenceEqual([T1, T2]));
    }

    [Fact]
    public void Handle_waits_without_an_object_are_one_group_and_no_owner_is_invented()
    {
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0),
            TraceRecord.WaitStart(101, T2, WaitSource.Unknown, 0),
            Tick(4000));
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal([T1, T2], f.Threads.Select(t => t.ThreadId));
        Assert.All(f.Threads, t => Assert.Null(t.HeldBy));
    }

    [Fact]
    public void A_wait_resumed_at_once_from_the_same_place_is_the_same_block()
    {
        // Barrier.SignalAndWait waits in growing timeout slices: each slice ends and the next begins at once.
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1, stackId: 4),
            TraceRecord.WaitStop(900, T1),
            TraceRecord.WaitStart(900.1, T1, WaitSource.MonitorWait, Obj1, stackId: 4),
            TraceRecord.WaitStop(1700, T1),
            TraceRecord.WaitStart(1700.1, T1, WaitSource.MonitorWait, Obj1, stackId: 4),
            Tick(2200));
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(100, f.Threads[0].SinceMs);
    }

    [Fact]
    public void A_busy_consumer_woken_every_few_ms_from_the_same_place_is_not_a_hang()
    {
        var events = new List<TraceRecord>();
        for (double t = 100; t < 3500; t += 31)
        {
            events.Add(TraceRecord.WaitStart(t, T1, WaitSource.MonitorWait, Obj1, stackId: 6));
            events.Add(TraceRecord.WaitStop(t + 30, T1));
        }

        events.Add(TraceRecord.WaitStart(3600, T1, WaitSource.MonitorWait, Obj1, stackId: 6));
        events.Add(Tick(4000));
        Assert.Empty(Run([.. events]).Snapshot());
    }

    [Fact]
    public void A_wait_that_ends_and_is_followed_by_other_work_is_progress()
    {
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1, stackId: 4),
            TraceRecord.WaitStop(1000, T1),
            TraceRecord.Thread(TraceEventKind.TaskEvent, 1200, T1),
            TraceRecord.WaitStart(1500, T1, WaitSource.MonitorWait, Obj1, stackId: 4),
            Tick(3000));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_lock_wait_names_the_owner_and_its_inner_handle_waits_are_not_counted_twice()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(100, T1, L1, Obj1, ownerThreadId: T3, stackId: 2),
            TraceRecord.WaitStart(101, T1, WaitSource.Unknown, 0xbeef),
            Tick(3000));
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(L1, Assert.Single(f.Locks).LockId);
        Assert.Equal(T3, f.Threads.Single(t => t.Role == "waits").HeldBy);
        Assert.Contains(f.Threads, t => t.ThreadId == T3 && t.Role == "holds");
    }

    [Fact]
    public void Threads_in_a_lock_cycle_are_left_to_the_deadlock_detector()
    {
        FindingSet findings = Run(
            TraceRecord.ContentionStart(100, T1, L1, 0, ownerThreadId: T2),
            TraceRecord.ContentionStart(100, T2, 0x2000, 0, ownerThreadId: T1),
            Tick(5000));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void The_result_does_not_depend_on_the_order_of_events_from_different_threads()
    {
        TraceRecord[] events =
        [
            TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1),
            TraceRecord.WaitStart(200, T2, WaitSource.MonitorWait, Obj1),
            TraceRecord.WaitStop(1900, T2),
            Tick(2600),
        ];
        string Keys(IEnumerable<TraceRecord> stream)
        {
            var (detector, findings) = Create();
            foreach (TraceRecord e in stream)
            {
                detector.OnEvent(e, findings);
            }

            detector.Complete(3000, findings);
            return string.Join(";", findings.Snapshot().Select(f => f.Key + "@" + f.TimeMs));
        }

        // Any interleaving that keeps each thread's own order.
        Assert.Equal("hang:wait::a1:101@2100", Keys(events));
        Assert.Equal(Keys(events), Keys([events[3], events[1], events[2], events[0]]));
        Assert.Equal(Keys(events), Keys([events[1], events[3], events[0], events[2]]));
    }

    private static TraceRecord Tick(double timeMs) => TraceRecord.Thread(TraceEventKind.CounterSample, timeMs, Other);

    private const int Barrier = 4, Join = 7, GateThread = 8, Poll = 9, Take = 10;

    /// <summary>Frames for the tests' stack ids, as the model's resolver gives them.</summary>
    private static IReadOnlyList<string> Frames(int stackId) => stackId switch
    {
        Barrier => ["System.Threading.Monitor.Wait", "System.Threading.ManualResetEventSlim.Wait", "System.Threading.Barrier.SignalAndWait", "Demo.Worker.Run"],
        Join => ["System.Threading.Thread.Join", "Demo.Program.Main"],
        GateThread => ["System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.PortableThreadPool+GateThread.GateThreadStart"],
        Poll => ["System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.WaitHandle.WaitOne", "Demo.Poller.Loop"],
        Take => ["System.Threading.SemaphoreSlim.Wait", "System.Collections.Concurrent.BlockingCollection`1[System.Int32].Take", "Demo.Consumer.Run"],
        _ => ["System.Threading.Monitor.Wait", $"Demo.Code{stackId}.Run"],
    };

    private static (HangDetector, FindingSet) Create() => (new HangDetector(new AnalysisOptions(), frames: Frames), new FindingSet());

    private static FindingSet Run(params TraceRecord[] events)
    {
        var (detector, findings) = Create();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        return findings;
    }

    [Fact]
    public void Barrier_slices_are_one_block_however_long_the_gap_between_them_under_load()
    {
        // Nothing else happens on the thread between the slices: the gap is the machine's, not the program's.
        FindingSet findings = Run(
            TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1, stackId: Barrier),
            TraceRecord.WaitStop(900, T1),
            TraceRecord.WaitStart(1300, T1, WaitSource.MonitorWait, Obj1, stackId: Barrier),
            TraceRecord.WaitStop(1700, T1),
            TraceRecord.WaitStart(1950, T1, WaitSource.MonitorWait, Obj1, stackId: Barrier),
            Tick(2200));
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(100, f.Threads[0].SinceMs);
        Assert.Contains("Barrier.SignalAndWait", f.Summary);
    }

    [Fact]
    public void A_timed_wait_that_returns_and_waits_again_is_polling_timed_by_its_slice()
    {
        var events = new List<TraceRecord>();
        for (double t = 100; t < 10_000; t += 1000)
        {
            events.Add(TraceRecord.WaitStart(t, T1, WaitSource.Unknown, 0, stackId: Poll));
            events.Add(TraceRecord.WaitStop(t + 999, T1));
        }

        events.Add(Tick(10_500));
        Assert.Empty(Run([.. events]).Snapshot());

        // One slice past the threshold is a block again: both sides of it.
        Assert.Empty(Run(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0, stackId: Poll), Tick(2099)).Snapshot());
        Assert.Single(Run(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0, stackId: Poll), Tick(2100)).Snapshot());
    }

    [Fact]
    public void Idle_points_are_no_hang()
    {
        var (detector, findings) = Create();
        detector.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0, stackId: GateThread), findings);
        detector.OnEvent(TraceRecord.WaitStart(100, T2, WaitSource.MonitorWait, Obj1, stackId: Take), findings);
        detector.Complete(60_000, findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_join_alone_is_no_finding_and_under_a_cause_it_is_listed_with_the_cause()
    {
        var (alone, aloneFindings) = Create();
        alone.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0, stackId: Join), aloneFindings);
        alone.Complete(10_000, aloneFindings);
        Assert.Empty(aloneFindings.Snapshot());

        var (detector, findings) = Create();
        detector.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.Unknown, 0, stackId: Join), findings);
        detector.OnEvent(TraceRecord.WaitStart(500, T2, WaitSource.MonitorWait, Obj1, stackId: Barrier), findings);
        detector.Complete(10_000, findings);
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Contains("Barrier.SignalAndWait", f.Summary);
        Assert.Equal([T2, T1], f.Threads.Select(t => t.ThreadId));
    }

    [Fact]
    public void A_queue_consumer_holds_the_process_open_once_main_waits_for_foreground_threads_to_exit()
    {
        const int Pid = 4000;
        var (detector, findings) = Create();
        detector.OnEvent(TraceRecord.WaitStart(100, T1, WaitSource.MonitorWait, Obj1, stackId: Take, processId: Pid), findings);
        detector.OnEvent(TraceRecord.WaitStart(200, Pid, WaitSource.Unknown, 0, processId: Pid), findings); // no managed frame
        detector.Complete(10_000, findings);
        Finding f = Assert.Single(findings.Snapshot());
        Assert.Contains("BlockingCollection.Take", f.Summary);
        Assert.Contains("exit", f.Summary);
        Assert.Contains(f.Threads, t => t.ThreadId == Pid);
    }
}

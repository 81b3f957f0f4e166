using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

public sealed class StarvationDetectorTests
{
    private const int Gate = 50, W1 = 61, W2 = 62, W3 = 63, Poller = 70;
    private const byte Starving = StarvationDetector.StarvationReason, Blocking = StarvationDetector.CooperativeBlockingReason, HillClimbing = 3;

    [Fact]
    public void Starvation_that_recovers_reports_its_start_duration_injections_and_blocked_threads()
    {
        FindingSet findings = Run(
            Worker(TraceEventKind.PoolWorkerStart, 10, W1), Worker(TraceEventKind.PoolWorkerStart, 11, W2),
            TraceRecord.WaitStart(20, W1, WaitSource.MonitorWait, 0xa, stackId: 7),
            TraceRecord.WaitStart(21, W2, WaitSource.MonitorWait, 0xb, stackId: 7),
            Adjust(500, 3, Starving),
            Counter(900, "threadpool-queue-length", 12),
            Adjust(1000, 4, Starving),
            Adjust(1500, 5, Blocking),
            Counter(1900, "threadpool-queue-length", 30),
            TraceRecord.WaitStop(2000, W1), TraceRecord.WaitStop(2001, W2),
            Adjust(2500, 5, HillClimbing),
            Counter(4000, "threadpool-queue-length", 0));

        Finding f = Assert.Single(findings.Snapshot());
        PoolStarvationEpisode p = f.PoolEpisode!;
        Assert.Equal(FindingKinds.Starvation, f.Kind);
        Assert.Equal((500, 1500, true), (p.StartMs, p.EndMs, p.Recovered));
        Assert.Equal((3, 2, 1), (p.Adjustments, p.ForNoProgress, p.ForBlockedThreads));
        Assert.Equal((2L, 5L, 30.0, 2), (p.WorkersBefore, p.WorkersAfter, p.PeakQueue, p.BlockedThreads));
        Assert.Equal([W1, W2], f.Threads.Select(t => t.ThreadId));
        Assert.All(f.Threads, t => Assert.Equal(("blocked", 7), (t.Role, t.StackId)));
        Assert.Equal([W1, W2], f.Explains);
        // The same numbers in the summary, the metrics and the episode.
        Assert.Contains("starved for 1.0 s: 2 pool threads blocked; 3 threads injected (workers 2 → 5), queue peaked at 30", f.Summary);
        Assert.Equal(3, f.Metrics["threadsInjected"]);
        Assert.Equal(2, f.Metrics["blockedPoolThreads"]);
        Assert.Contains(f.Details, d => d.Contains(".Result", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 0, false)] // one injection
    [InlineData(2, 99, false)] // a burst shorter than MinEpisodeMs
    [InlineData(2, 100, true)]
    public void An_episode_is_a_finding_from_MinInjections_over_MinEpisodeMs(int injections, double spanMs, bool found)
    {
        Assert.Equal(2, StarvationDetector.MinInjections);
        Assert.Equal(100, StarvationDetector.MinEpisodeMs);
        var events = new List<TraceRecord> { Worker(TraceEventKind.PoolWorkerStart, 1, W1), TraceRecord.WaitStart(2, W1, WaitSource.MonitorWait, 0xa, stackId: 7) };
        for (int i = 0; i < injections; i++)
        {
            events.Add(Adjust(100 + (injections == 1 ? 0 : spanMs * i / (injections - 1)), 3 + i, Blocking));
        }

        events.Add(Counter(5000, "threadpool-queue-length", 0));
        Assert.Equal(found, Run([.. events]).Snapshot().Count == 1);
    }

    [Theory]
    [InlineData(1999, 1)]
    [InlineData(2000, 2)]
    public void Injections_closer_than_EndGapMs_are_one_episode_even_across_hill_climbing(double gapMs, int episodes)
    {
        Assert.Equal(2000, StarvationDetector.EndGapMs);
        FindingSet findings = Run(
            Adjust(100, 3, Starving), Adjust(600, 4, Starving), Adjust(700, 4, HillClimbing), Counter(800, "threadpool-queue-length", 0),
            Adjust(600 + gapMs, 5, Starving), Adjust(1100 + gapMs, 6, Starving), Adjust(1200 + gapMs, 6, HillClimbing));

        Assert.Equal(episodes, findings.Snapshot().Count);
        Assert.Equal(4, findings.Snapshot().Sum(f => f.PoolEpisode!.Adjustments));
    }

    [Fact]
    public void An_episode_whose_pool_threads_are_still_blocked_does_not_end_when_injections_pause()
    {
        FindingSet findings = Run(
            Worker(TraceEventKind.PoolWorkerStart, 1, W1), TraceRecord.WaitStart(2, W1, WaitSource.MonitorWait, 0xa, stackId: 7),
            Adjust(100, 3, Blocking), Adjust(700, 4, Blocking),
            Adjust(5000, 5, Blocking), Adjust(5600, 6, Blocking)); // W1 never woke up: the same starvation

        PoolStarvationEpisode p = Assert.Single(findings.Snapshot()).PoolEpisode!;
        Assert.Equal((4, false, 5600.0), (p.Adjustments, p.Recovered, p.EndMs));
    }

    [Fact]
    public void A_pool_thread_blocked_before_the_trace_knew_it_is_recognised_by_a_workers_stack()
    {
        FindingSet findings = Run(
            TraceRecord.WaitStart(5, W3, WaitSource.MonitorWait, 0xc, stackId: 9), // attached late: no worker event from W3
            Worker(TraceEventKind.PoolWorkerStart, 10, W1), TraceRecord.WaitStart(20, W1, WaitSource.MonitorWait, 0xa, stackId: 9),
            TraceRecord.WaitStart(30, Poller, WaitSource.Unknown, 0xd, stackId: 4), // another thread, another stack: not a worker
            Adjust(100, 3, Blocking), Adjust(700, 4, Blocking));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal([W1, W3], f.Explains);
    }

    [Fact]
    public void The_first_report_of_an_episode_already_has_its_duration_and_blocked_threads()
    {
        var findings = new FindingSet();
        var first = new List<Finding>();
        findings.Found += first.Add;
        var detector = new StarvationDetector();
        foreach (TraceRecord e in new[]
        {
            Worker(TraceEventKind.PoolWorkerStart, 1, W1), TraceRecord.WaitStart(2, W1, WaitSource.MonitorWait, 0xa, stackId: 7),
            Adjust(100, 3, Blocking), Adjust(150, 4, Blocking), Adjust(650, 5, Blocking), Adjust(900, 6, Blocking),
        })
        {
            detector.OnEvent(e, findings);
            findings.DispatchFound(); // as the decoder does after each block
        }

        Finding notice = Assert.Single(first);
        Assert.Equal((3, 1, 550.0), (notice.PoolEpisode!.Adjustments, notice.PoolEpisode.BlockedThreads, notice.PoolEpisode.DurationMs));
        Assert.StartsWith("thread pool starved for 0.6 s: 1 pool thread blocked; 3 threads injected", notice.Summary);
    }

    [Fact]
    public void Sleeping_or_busy_pool_threads_are_named_and_not_blamed_on_Result()
    {
        FindingSet findings = Run(
            Worker(TraceEventKind.PoolWorkerStart, 10, W1), Worker(TraceEventKind.PoolWorkerStart, 11, W2), // run work items, no traced wait
            Worker(TraceEventKind.PoolWorkerWait, 12, W3), // idle: waits for work
            Adjust(500, 3, Starving), Adjust(1000, 4, Starving), Adjust(1500, 5, Starving));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal([(W1, "busy"), (W2, "busy")], f.Threads.Select(t => (t.ThreadId, t.Role)));
        Assert.Empty(f.Explains);
        Assert.Contains("no pool thread blocked in a traced wait, 2 running work items", f.Summary);
        Assert.DoesNotContain(f.Details, d => d.Contains(".Result", StringComparison.Ordinal));
        Assert.Contains(f.Details, d => d.Contains("Thread.Sleep", StringComparison.Ordinal));
    }

    [Fact]
    public void A_busy_pool_thread_is_shown_in_the_stack_it_was_sampled_in_most_not_its_last()
    {
        // A sleep-polling request: 3 samples in the sleep loop (stack 8), then one as it writes the response (stack 9).
        const int SleepLoop = 8, WriteResponse = 9;
        FindingSet findings = Run(
            Worker(TraceEventKind.PoolWorkerStart, 10, W1),
            Sample(20, W1, SleepLoop), Sample(30, W1, SleepLoop), Sample(40, W1, SleepLoop), Sample(50, W1, WriteResponse),
            Worker(TraceEventKind.PoolWorkerWait, 60, W3), Sample(70, W3, WriteResponse), // idle workers' samples do not count
            Adjust(500, 3, Starving), Adjust(1000, 4, Starving));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal([(W1, "busy", SleepLoop)], f.Threads.Select(t => (t.ThreadId, t.Role, t.StackId)));
    }

    [Fact]
    public void Threads_injected_is_the_peak_over_the_target_before_even_when_blocking_adjustments_lower_it()
    {
        // The demo's trace: CooperativeBlocking adjustments go 10 → 9 → 10 as a blocked thread wakes; hill climbing in
        // between. The old count (last target - target before) could reach 0 this way.
        FindingSet findings = Run(
            Adjust(10, 4, HillClimbing),
            Adjust(300, 5, Blocking), Adjust(400, 6, Blocking), Adjust(500, 7, HillClimbing),
            Adjust(615, 8, Blocking), Adjust(615, 7, Blocking), Adjust(616, 8, Blocking), Adjust(900, 4, Blocking));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal((6, 4L, 8L, 4L, 4L), (f.PoolEpisode!.Adjustments, f.PoolEpisode.WorkersBefore, f.PoolEpisode.WorkersPeak, f.PoolEpisode.WorkersAfter, f.PoolEpisode.ThreadsInjected));
        Assert.Contains("4 threads injected (workers 4 → 8)", f.Summary);
        Assert.Equal(4, f.Metrics["threadsInjected"]);
    }

    [Fact]
    public void Pool_threads_waiting_for_a_lock_are_blocked_but_not_explained_the_lock_may_be_the_cause()
    {
        FindingSet findings = Run(
            Worker(TraceEventKind.PoolWorkerStart, 1, W1), Worker(TraceEventKind.PoolWorkerStart, 2, W2),
            TraceRecord.ContentionStart(3, W1, 0x1, 0x2, ownerThreadId: 99, stackId: 5),
            TraceRecord.WaitStart(4, W1, WaitSource.Unknown, 0, stackId: 6), TraceRecord.WaitStop(5, W1), // the lock's own wait
            TraceRecord.WaitStart(6, W2, WaitSource.MonitorWait, 0xa, stackId: 7),
            Adjust(100, 3, Starving), Adjust(600, 4, Starving));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal([(W1, 5), (W2, 7)], f.Threads.Where(t => t.Role == "blocked").Select(t => (t.ThreadId, t.StackId)));
        Assert.Equal([W2], f.Explains);
    }

    [Fact]
    public void Hill_climbing_alone_is_not_starvation()
    {
        FindingSet findings = Run(Adjust(500, 3, HillClimbing), Adjust(900, 3, HillClimbing), Adjust(1500, 4, 2), Adjust(2000, 5, HillClimbing));
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void Counters_alone_do_not_make_starvation()
    {
        FindingSet findings = Run(Counter(1000, "threadpool-queue-length", 500), Counter(2000, "threadpool-queue-length", 900));
        Assert.Empty(findings.Snapshot());
    }

    private static TraceRecord Worker(TraceEventKind kind, double t, int tid) => TraceRecord.Thread(kind, t, tid);

    private static TraceRecord Sample(double t, int tid, int stackId) => TraceRecord.CpuSample(t, tid, managed: false, stackId, callersId: -1, leaf: 0);

    private static TraceRecord Adjust(double t, long workers, byte reason) =>
        TraceRecord.Thread(TraceEventKind.PoolAdjustment, t, Gate) with { Value = workers, Reason = reason };

    private static TraceRecord Counter(double t, string name, double value) =>
        TraceRecord.Thread(TraceEventKind.CounterSample, t, Poller) with { Text = name, Amount = value };

    private static FindingSet Run(params TraceRecord[] events) => Run(new FindingSet(), events);

    private static FindingSet Run(FindingSet findings, params TraceRecord[] events)
    {
        var detector = new StarvationDetector();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(events[^1].TimeMs, findings);
        return findings;
    }
}

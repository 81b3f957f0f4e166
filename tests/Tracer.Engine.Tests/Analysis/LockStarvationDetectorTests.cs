using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>The lock-starvation detector on synthetic streams: who waits, who is named holder.</summary>
public sealed class LockStarvationDetectorTests
{
    private const ulong L = 0x1000;
    private const int Greedy1 = 201, Greedy2 = 202, Polite = 301;

    [Fact]
    public void A_thread_that_keeps_waiting_and_is_never_seen_holding_while_others_hold_is_starved()
    {
        var events = new List<TraceRecord>();
        double t = 0;
        for (int i = 0; i < 20; i++)
        {
            int holder = i % 2 == 0 ? Greedy1 : Greedy2;
            int other = holder == Greedy1 ? Greedy2 : Greedy1;
            events.Add(TraceRecord.ContentionStart(t++, Polite, L, 0xab, holder, stackId: 5));
            events.Add(TraceRecord.ContentionStop(t++, Polite, durationNs: 20e6)); // TryEnter timed out
            events.Add(TraceRecord.ContentionStart(t++, other, L, 0xab, holder, stackId: 6));
            events.Add(TraceRecord.ContentionStop(t++, other, durationNs: 5e6));
        }

        Finding f = Assert.Single(Run(events).Snapshot());
        Assert.Equal(FindingKinds.Starvation, f.Kind);
        FindingThread starved = Assert.Single(f.Threads, x => x.Role == "starved");
        Assert.Equal(Polite, starved.ThreadId);
        Assert.Equal(L, starved.WaitsForLock);
        Assert.Equal(5, starved.StackId);
        Assert.Equal([Greedy1, Greedy2], f.Threads.Where(x => x.Role == "holds").Select(x => x.ThreadId).Order());
        Assert.Equal(0xabul, Assert.Single(f.Locks).ObjectId);
        Assert.Equal(20, f.Metrics["starvedWaits"]);
        Assert.Equal(400, f.Metrics["starvedWaitMs"]);
    }

    [Fact]
    public void Threads_that_wait_and_hold_in_turn_are_not_starved()
    {
        var events = new List<TraceRecord>();
        int[] threads = [Greedy1, Greedy2, Polite];
        for (int i = 0; i < 60; i++)
        {
            int waiter = threads[i % 3];
            int holder = threads[(i + 1) % 3];
            events.Add(TraceRecord.ContentionStart(i * 2, waiter, L, 0xab, holder));
            events.Add(TraceRecord.ContentionStop((i * 2) + 1, waiter, durationNs: 20e6));
        }

        Assert.Empty(Run(events).Snapshot());
    }

    [Fact]
    public void A_few_short_waits_are_not_starvation()
    {
        var events = new List<TraceRecord>();
        for (int i = 0; i < LockStarvationDetector.MinWaits - 1; i++)
        {
            events.Add(TraceRecord.ContentionStart(i * 2, Polite, L, 0xab, Greedy1));
            events.Add(TraceRecord.ContentionStop((i * 2) + 1, Polite, durationNs: 50e6));
        }

        for (int i = 0; i < 20; i++)
        {
            events.Add(TraceRecord.ContentionStart(100 + i, Greedy2, L, 0xab, Greedy1));
        }

        Assert.Empty(Run(events).Snapshot());
    }

    [Fact]
    public void The_result_does_not_depend_on_the_order_of_events_from_different_threads()
    {
        var polite = new List<TraceRecord>();
        var greedy = new List<TraceRecord>();
        for (int i = 0; i < 15; i++)
        {
            polite.Add(TraceRecord.ContentionStart(i * 10, Polite, L, 0xab, Greedy1));
            polite.Add(TraceRecord.ContentionStop((i * 10) + 5, Polite, durationNs: 20e6));
            greedy.Add(TraceRecord.ContentionStart((i * 10) + 1, Greedy2, L, 0xab, Greedy1));
            greedy.Add(TraceRecord.ContentionStop((i * 10) + 2, Greedy2, durationNs: 1e6));
        }

        Finding a = Assert.Single(Run([.. polite, .. greedy]).Snapshot());
        Finding b = Assert.Single(Run([.. greedy, .. polite]).Snapshot());
        Assert.Equal(a.Summary, b.Summary);
        Assert.Equal(a.Details, b.Details);
    }

    [Theory]
    [InlineData("System.Threading.Monitor.TryEnter_Slowpath", "System.Threading.Monitor.TryEnter", true)]
    [InlineData("System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", false)]
    [InlineData("System.Threading.Lock.EnterAndGetCurrentThreadId", "System.Threading.Lock.Enter", false)]
    [InlineData("System.Threading.Lock.TryEnterSlow", "System.Threading.Lock.TryEnter", true)]
    public void Only_a_wait_that_can_give_up_starves_a_thread(string inner, string api, bool starved)
    {
        // The same counts either way: the rarely named thread waited 20 times. In a blocking enter it got the lock each
        // time (a loaded machine's convoy: it was descheduled while holding it, so nobody named it).
        var events = new List<TraceRecord>();
        double t = 0;
        for (int i = 0; i < 20; i++)
        {
            int holder = i % 2 == 0 ? Greedy1 : Greedy2;
            events.Add(TraceRecord.ContentionStart(t++, Polite, L, 0xab, holder, stackId: 5));
            events.Add(TraceRecord.ContentionStop(t++, Polite, durationNs: 20e6));
            events.Add(TraceRecord.ContentionStart(t++, holder == Greedy1 ? Greedy2 : Greedy1, L, 0xab, holder, stackId: 6));
            events.Add(TraceRecord.ContentionStop(t++, holder == Greedy1 ? Greedy2 : Greedy1, durationNs: 5e6));
        }

        IReadOnlyList<string> Frames(int id) => id == 5
            ? [inner, api, "App.Worker.Run", "System.Threading.Thread.StartCallback"]
            : ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Worker.Run", "System.Threading.Thread.StartCallback"];

        Assert.Equal(starved, Run(events, Frames).Snapshot().Any(f => f.Kind == FindingKinds.Starvation));
    }

    [Fact]
    public void A_thread_that_waits_at_more_places_than_are_kept_is_judged_by_the_counts()
    {
        // Its first 8 places are blocking enters; its 9th, a TryEnter that gives up, is past what is kept.
        var events = new List<TraceRecord>();
        double t = 0;
        for (int i = 0; i < 20; i++)
        {
            int holder = i % 2 == 0 ? Greedy1 : Greedy2;
            events.Add(TraceRecord.ContentionStart(t++, Polite, L, 0xab, holder, stackId: 100 + Math.Min(i, 8)));
            events.Add(TraceRecord.ContentionStop(t++, Polite, durationNs: 20e6));
            events.Add(TraceRecord.ContentionStart(t++, holder == Greedy1 ? Greedy2 : Greedy1, L, 0xab, holder, stackId: 6));
            events.Add(TraceRecord.ContentionStop(t++, holder == Greedy1 ? Greedy2 : Greedy1, durationNs: 5e6));
        }

        IReadOnlyList<string> Frames(int id) => id == 108
            ? ["System.Threading.Monitor.TryEnter_Slowpath", "System.Threading.Monitor.TryEnter", "App.Worker.Run"]
            : ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Worker.Run"];

        Assert.Contains(Run(events, Frames).Snapshot(), f => f.Kind == FindingKinds.Starvation);
    }

    private static FindingSet Run(IEnumerable<TraceRecord> events, Func<int, IReadOnlyList<string>>? frames = null)
    {
        var detector = new LockStarvationDetector(frames: frames);
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(1000, findings);
        return findings;
    }
}

using Tracer.Engine.Analysis;

namespace Tracer.Engine.Tests.Analysis;

public sealed class RaceDetectorTests
{
    private const ulong Counter = 10;
    private const ulong Gate = 20;
    private const ulong Handoff = 30;

    [Fact]
    public void Unprotected_writes_from_two_threads_race_and_name_both_accesses()
    {
        List<Finding> found = new ProbeStream().Write(1, Counter, "counter", stack: 7).Write(2, Counter, "counter", stack: 8).Races();

        Finding race = Assert.Single(found);
        Assert.Equal(FindingKinds.Race, race.Kind);
        Assert.Contains("'counter'", race.Summary, StringComparison.Ordinal);
        Assert.Equal([1, 2], race.Threads.Select(t => t.ThreadId));
        Assert.Equal([7, 8], race.Threads.Select(t => t.StackId));
        Assert.Contains(race.Details, d => d.StartsWith("unordered:", StringComparison.Ordinal));
    }

    [Fact]
    public void Writes_under_the_same_lock_do_not_race()
    {
        var s = new ProbeStream();
        s.Acquire(1, Gate).Read(1, Counter).Write(1, Counter).Release(1, Gate);
        s.Acquire(2, Gate).Read(2, Counter).Write(2, Counter).Release(2, Gate);
        Assert.Empty(s.Races());
    }

    [Fact]
    public void Writes_under_different_locks_race_and_say_which_locks_were_held()
    {
        var s = new ProbeStream();
        s.Acquire(1, Gate, "a").Write(1, Counter).Release(1, Gate, "a");
        s.Acquire(2, Gate + 1, "b").Write(2, Counter).Release(2, Gate + 1, "b");
        Finding race = Assert.Single(s.Races());
        Assert.Contains("holding 'a'", race.Threads[0].Role, StringComparison.Ordinal);
        Assert.Contains("holding 'b'", race.Threads[1].Role, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signal_wait_pair_orders_the_publication()
    {
        Assert.Empty(new ProbeStream().Write(1, Counter).Signal(1, Handoff).Wait(2, Handoff).Read(2, Counter).Races());
    }

    [Fact]
    public void A_write_after_the_signal_is_not_covered_by_it()
    {
        Assert.Single(new ProbeStream().Signal(1, Handoff).Write(1, Counter).Wait(2, Handoff).Read(2, Counter).Races());
    }

    [Fact]
    public void Edges_are_applied_in_timestamp_order_whatever_order_threads_arrive_in()
    {
        var s = new ProbeStream().Write(1, Counter).Signal(1, Handoff).Wait(2, Handoff).Write(2, Counter);
        // Thread 2's events arrive before thread 1's (live flushing): the result must not change.
        var arrival = s.Records.Where(r => r.ThreadId == 2).Concat(s.Records.Where(r => r.ThreadId == 1));
        Assert.Empty(ProbeStream.Run(new RaceDetector(), arrival));
    }

    [Fact]
    public void Concurrent_reads_do_not_race_but_a_later_unordered_write_does()
    {
        var s = new ProbeStream().Write(1, Counter).Signal(1, Handoff);
        s.Wait(2, Handoff).Read(2, Counter, stack: 2).Wait(3, Handoff).Read(3, Counter, stack: 3);
        Assert.Empty(s.Races());

        s.Write(1, Counter, stack: 1);
        Finding race = Assert.Single(s.Races());
        Assert.Equal(1, race.Threads[1].ThreadId);
        Assert.StartsWith("write", race.Threads[1].Role, StringComparison.Ordinal);
        Assert.StartsWith("read", race.Threads[0].Role, StringComparison.Ordinal);
    }

    [Fact]
    public void One_thread_alone_never_races_and_each_location_is_reported_once()
    {
        Assert.Empty(new ProbeStream().Write(1, Counter).Read(1, Counter).Write(1, Counter).Races());
        var s = new ProbeStream();
        for (int i = 0; i < 5; i++)
        {
            s.Write(1, Counter).Write(2, Counter);
        }

        Assert.Single(s.Races());
    }

    [Fact]
    public void Same_ids_in_different_processes_are_different_locations()
    {
        var s = new ProbeStream().Write(1, Counter);
        var other = s.Records.Select(r => r with { ProcessId = 2, ThreadId = 2 });
        Assert.Empty(ProbeStream.Run(new RaceDetector(), s.Records.Concat(other)));
    }

    [Fact]
    public void Long_signal_wait_ping_pong_between_threads_stays_linear()
    {
        var s = new ProbeStream();
        for (int i = 0; i < 5_000; i++)
        {
            int thread = 1 + (i % 10);
            s.Wait(thread, Handoff).Signal(thread, Handoff); // an atomic counter, as the fixed lost-updates demo probes it
        }

        s.Read(1, Counter);
        var detector = new RaceDetector();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Empty(ProbeStream.Run(detector, s.Records));
        Assert.Equal(10_001, detector.ProcessedEvents);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}

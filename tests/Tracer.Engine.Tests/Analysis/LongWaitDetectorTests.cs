using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

public sealed class LongWaitDetectorTests
{
    private const int JoinStack = 70;

    private static IReadOnlyList<string> Frames(int stackId) => stackId == JoinStack
        ? ["System.Threading.Thread.Join", "Demo.Program.Main"]
        : ["System.Threading.Monitor.Wait", $"Demo.Code{stackId}.Run"];

    /// <summary>Lock waits of <paramref name="usualMs"/> by several threads on lock 0x10, then the given long ones.</summary>
    private static FindingSet Run(AnalysisOptions options, double usualMs, int usualCount, params (int Thread, double Ms)[] longOnes)
    {
        var detector = new LongWaitDetector(options, frames: Frames);
        var findings = new FindingSet();
        double t = 0;
        for (int i = 0; i < usualCount; i++, t += usualMs + 1)
        {
            detector.OnEvent(TraceRecord.ContentionStart(t, 20 + (i % 3), 0x10, 0, 9, stackId: 1), findings);
            detector.OnEvent(TraceRecord.ContentionStop(t + usualMs, 20 + (i % 3), usualMs * 1e6), findings);
        }

        foreach ((int thread, double ms) in longOnes)
        {
            detector.OnEvent(TraceRecord.ContentionStart(t, thread, 0x10, 0, 9, stackId: thread), findings);
            detector.OnEvent(TraceRecord.ContentionStop(t + ms, thread, ms * 1e6), findings);
            t += ms + 1;
        }

        detector.Complete(t + 1000, findings);
        return findings;
    }

    [Fact]
    public void The_longest_abnormal_waits_are_reported_longest_first_with_their_stacks()
    {
        FindingSet findings = Run(new AnalysisOptions { LongWaitCount = 2 }, 1, 10, (2, 400), (3, 50), (4, 300), (5, 150));
        Assert.Equal([(2, 400.0), (4, 300.0)], findings.Snapshot().Select(f => (f.Threads[0].ThreadId, f.Metrics["waitMs"])));
        Assert.Equal(2, findings.Snapshot()[0].Threads[0].StackId);
    }

    [Theory]
    [InlineData(99.9, false)]
    [InlineData(100, true)]
    public void A_wait_is_long_from_LongWaitAfter_on(double ms, bool reported) =>
        Assert.Equal(reported, Run(new AnalysisOptions(), 1, 10, (2, ms)).Snapshot().Count == 1);

    [Theory]
    [InlineData(199, false)]
    [InlineData(201, true)]
    public void A_wait_is_long_only_at_RelativeFactor_times_the_usual_wait_at_its_place(double ms, bool reported) =>
        Assert.Equal(reported, Run(new AnalysisOptions(), 20, 10, (2, ms)).Snapshot().Count == 1);

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void A_place_needs_MinWaitsAtPlace_waits_to_say_what_is_usual(int usual, bool reported) =>
        Assert.Equal(reported, Run(new AnalysisOptions(), 1, usual, (2, 500)).Snapshot().Count == 1);

    [Fact]
    public void A_join_lasts_as_long_as_the_work_it_waits_for_and_is_never_a_long_wait()
    {
        var detector = new LongWaitDetector(new AnalysisOptions(), frames: Frames);
        var findings = new FindingSet();
        for (int i = 0; i < 10; i++)
        {
            detector.OnEvent(TraceRecord.WaitStart(i * 100, 1, WaitSource.Unknown, 0, stackId: JoinStack), findings);
            detector.OnEvent(TraceRecord.WaitStop(i * 100 + (i == 9 ? 5000 : 1), 1), findings);
            detector.OnEvent(TraceRecord.Thread(TraceEventKind.TaskEvent, i * 100 + 5001, 1), findings);
        }

        detector.Complete(100_000, findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void Handle_waits_inside_a_lock_contention_are_not_counted_separately()
    {
        var detector = new LongWaitDetector(new AnalysisOptions(), frames: Frames);
        var findings = new FindingSet();
        for (int i = 0; i < 5; i++)
        {
            detector.OnEvent(TraceRecord.ContentionStart(i * 10, 2, 0x10, 0, 9, stackId: 1), findings);
            detector.OnEvent(TraceRecord.ContentionStop(i * 10 + 1, 2, 1e6), findings);
        }

        detector.OnEvent(TraceRecord.ContentionStart(100, 1, 0x10, 0, 9, stackId: 1), findings);
        detector.OnEvent(TraceRecord.WaitStart(101, 1, WaitSource.Unknown, 0, stackId: 2), findings);
        detector.OnEvent(TraceRecord.WaitStop(300, 1), findings);
        detector.OnEvent(TraceRecord.ContentionStop(301, 1, 201e6), findings);
        detector.Complete(400, findings);
        Assert.True(Assert.Single(findings.Snapshot()).Threads[0].WaitsForLock is 0x10);
    }

    [Fact]
    public void Timeout_slices_of_a_wait_that_never_ends_are_not_long_waits()
    {
        var detector = new LongWaitDetector(new AnalysisOptions());
        var findings = new FindingSet();
        double t = 0;
        foreach (double slice in new[] { 100.0, 200, 400, 800 })
        {
            detector.OnEvent(TraceRecord.WaitStart(t, 1, WaitSource.MonitorWait, 0xa, stackId: 3), findings);
            detector.OnEvent(TraceRecord.WaitStop(t + slice, 1), findings);
            t += slice + 0.1;
        }

        detector.OnEvent(TraceRecord.WaitStart(t, 1, WaitSource.MonitorWait, 0xa, stackId: 3), findings);
        detector.Complete(t + 1000, findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void The_counter_poller_thread_is_instrumentation_not_a_long_wait()
    {
        var detector = new LongWaitDetector(new AnalysisOptions());
        var findings = new FindingSet();
        detector.OnEvent(TraceRecord.WaitStart(0, 9, WaitSource.Unknown, 0, stackId: 1), findings);
        detector.OnEvent(TraceRecord.WaitStop(1000, 9), findings);
        detector.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 1000.5, 9) with { Text = "cpu-usage" }, findings);
        detector.Complete(2000, findings);
        Assert.Empty(findings.Snapshot());
    }

    [Fact]
    public void A_live_checkpoint_reports_a_lock_long_wait_before_the_end_and_the_end_keeps_it()
    {
        var detector = new LongWaitDetector(new AnalysisOptions(), frames: Frames);
        var findings = new FindingSet();
        for (int i = 0; i < 6; i++)
        {
            detector.OnEvent(TraceRecord.ContentionStart(i * 10, 2, 0x10, 0, 9, stackId: 1), findings);
            detector.OnEvent(TraceRecord.ContentionStop(i * 10 + 1, 2, 1e6), findings);
        }

        detector.OnEvent(TraceRecord.ContentionStart(100, 3, 0x10, 0, 9, stackId: 1), findings);
        detector.OnEvent(TraceRecord.ContentionStop(600, 3, 500e6), findings);
        Assert.Empty(findings.Snapshot());

        detector.Checkpoint(700, findings);
        string key = Assert.Single(findings.Snapshot()).Key;
        detector.Complete(800, findings);
        Assert.Equal(key, Assert.Single(findings.Snapshot()).Key);
    }
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>Synthetic sample streams: ~100 samples a second per thread, as the runtime's sampler delivers on Linux.</summary>
public sealed class SpinDetectorTests
{
    private const int Spinner = 10, Worker = 11, Sleeper = 12;
    private const int LoopCallers = 5, SleepCallers = 6;
    private static readonly AnalysisOptions s_options = new() { SpinAfter = TimeSpan.FromSeconds(3) };

    [Fact]
    public void A_thread_sampled_in_one_tight_loop_past_the_threshold_spins_with_its_stack_and_cpu_share()
    {
        FindingSet findings = Run(Loop(Spinner, fromMs: 0, toMs: 3500, managedEvery: 1));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.Spin, f.Kind);
        FindingThread thread = Assert.Single(f.Threads);
        Assert.Equal(Spinner, thread.ThreadId);
        Assert.InRange(thread.StackId, 100, 103); // one of the loop's stacks, not a stray one
        Assert.Equal(1.0, f.Metrics["cpuShare"]);
        Assert.True(f.Metrics["spinMs"] >= 3000);
    }

    [Fact]
    public void The_same_loop_just_under_the_threshold_is_not_a_spin()
    {
        Assert.Empty(Run(Loop(Spinner, fromMs: 0, toMs: 2990, managedEvery: 1)).Snapshot());
    }

    [Fact]
    public void A_thread_blocked_in_native_code_is_sampled_external_and_does_not_spin()
    {
        TraceRecord[] sleeping = [.. Enumerable.Range(0, 500).Select(i => TraceRecord.CpuSample(i * 10, Sleeper, managed: false, 200, SleepCallers, 0x50))];
        Assert.Empty(Run(sleeping).Snapshot());
    }

    [Fact]
    public void Busy_work_that_calls_around_is_not_a_spin()
    {
        // A worker in managed code all the time, but in ever different callers and instructions (real work).
        TraceRecord[] work = [.. Enumerable.Range(0, 600).Select(i => TraceRecord.CpuSample(i * 10, Worker, managed: true, 300 + (i % 40), 20 + (i % 7), (ulong)(0x1000 + (i * 37 % 500))))];
        Assert.Empty(Run(work).Snapshot());
    }

    [Fact]
    public void One_caller_chain_over_many_instructions_is_work_in_one_method_not_a_spin()
    {
        TraceRecord[] kernel = [.. Enumerable.Range(0, 600).Select(i => TraceRecord.CpuSample(i * 10, Worker, managed: true, 400 + (i % 60), LoopCallers, (ulong)(0x2000 + (i % 60))))];
        Assert.Empty(Run(kernel).Snapshot());
    }

    [Fact]
    public void A_wait_in_between_is_progress_and_withdraws_the_spin()
    {
        TraceRecord[] events =
        [
            .. Loop(Spinner, fromMs: 0, toMs: 3500, managedEvery: 1),
            TraceRecord.WaitStart(3600, Spinner, WaitSource.Unknown, 0x99),
        ];
        Assert.Empty(Run(events).Snapshot());
    }

    [Fact]
    public void A_loop_with_a_few_stray_samples_still_spins_but_a_loop_half_in_native_code_does_not()
    {
        Assert.Single(Run(Loop(Spinner, fromMs: 0, toMs: 4000, managedEvery: 1, strayEvery: 20)).Snapshot());
        Assert.Empty(Run(Loop(Spinner, fromMs: 0, toMs: 4000, managedEvery: 2)).Snapshot());
    }

    /// <summary>Samples every 10 ms in one caller chain over 4 leaf addresses; every <paramref name="managedEvery"/>-th is
    /// managed (the others external), every <paramref name="strayEvery"/>-th elsewhere.</summary>
    private static TraceRecord[] Loop(int tid, double fromMs, double toMs, int managedEvery, int strayEvery = int.MaxValue) =>
    [
        .. Enumerable.Range(0, (int)((toMs - fromMs) / 10) + 1).Select(i =>
            i % strayEvery == strayEvery - 1
                ? TraceRecord.CpuSample(fromMs + (i * 10), tid, managed: true, 900, 77, 0x9000)
                : TraceRecord.CpuSample(fromMs + (i * 10), tid, managed: i % managedEvery == 0, 100 + (i % 4), LoopCallers, (ulong)(0x100 + (i % 4)))),
    ];

    private static FindingSet Run(IReadOnlyList<TraceRecord> events)
    {
        var detector = new SpinDetector(s_options);
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            if (detector.Handles(e.Kind))
            {
                detector.OnEvent(e, findings);
            }
        }

        detector.Complete(events[^1].TimeMs, findings);
        return findings;
    }
}

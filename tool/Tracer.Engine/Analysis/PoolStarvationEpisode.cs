namespace Tracer.Engine.Analysis;

/// <summary>
/// One thread-pool starvation episode as the detector measured it: the numbers the finding's summary, the report's
/// thread-pool section, the Pool screen and the JSON all show, so they cannot disagree.
/// </summary>
public sealed record PoolStarvationEpisode
{
    /// <summary>The first starvation injection of the episode (trace ms).</summary>
    public required double StartMs { get; init; }
    /// <summary>The last injection when it recovered, or the time the evidence reaches while it still starves.</summary>
    public required double EndMs { get; init; }
    /// <summary>Whether the episode ended before the trace (or the live checkpoint) did.</summary>
    public required bool Recovered { get; init; }
    /// <summary>Adjustments with reason Starvation (6) or CooperativeBlocking (8) in the episode. Most add a worker;
    /// a CooperativeBlocking one lowers the target again when a blocked thread wakes up.</summary>
    public required int Adjustments { get; init; }
    /// <summary>Of those, reason Starvation: the gate thread saw queued work make no progress.</summary>
    public required int ForNoProgress { get; init; }
    /// <summary>Of those, reason CooperativeBlocking: a pool thread blocked in Task.Wait/.Result.</summary>
    public required int ForBlockedThreads { get; init; }
    /// <summary>The pool's worker target before the episode's first adjustment.</summary>
    public required long WorkersBefore { get; init; }
    /// <summary>The highest worker target the episode's adjustments set.</summary>
    public required long WorkersPeak { get; init; }
    /// <summary>The target the last adjustment set.</summary>
    public required long WorkersAfter { get; init; }
    /// <summary>Largest queue length seen in the episode (counter or enqueue/dequeue balance), 0 when the trace has neither.</summary>
    public required double PeakQueue { get; init; }
    /// <summary>Pool threads seen blocked in a traced wait during the episode (the finding's "blocked" threads).</summary>
    public required int BlockedThreads { get; init; }
    /// <summary>Pool threads running work items during the episode outside any traced wait (busy, sleeping or spinning).</summary>
    public required int BusyThreads { get; init; }

    public double DurationMs => EndMs - StartMs;

    /// <summary>Threads the pool added for the episode: its peak target over the target before (at least 1).</summary>
    public long ThreadsInjected => WorkersPeak - WorkersBefore;
}

namespace Tracer.Engine.Analysis;

/// <summary>Words and numbers of a pool-starvation finding, all taken from its <see cref="PoolStarvationEpisode"/>.</summary>
internal static class StarvationFinding
{
    public const string BlockedRole = "blocked";
    public const string BusyRole = "busy";

    /// <param name="busy">Workers running a work item outside any traced wait, with their last sampled stack (-1 when the
    /// trace has no CPU samples of them).</param>
    public static Finding Build(string key, PoolStarvationEpisode p, IReadOnlyDictionary<int, BlockedWorker> blocked, IReadOnlyList<(int ThreadId, int StackId)> busy)
    {
        var threads = blocked.OrderBy(b => b.Key)
            .Select(b => new FindingThread(b.Key, BlockedRole, null, null, b.Value.StackId, b.Value.SinceMs, b.Value.ProcessId)).ToList();
        int processId = threads.Count > 0 ? threads[0].ProcessId : 0;
        threads.AddRange(busy.Select(t => new FindingThread(t.ThreadId, BusyRole, null, null, t.StackId, p.StartMs, processId)));
        string queue = p.PeakQueue > 0 ? $", queue peaked at {p.PeakQueue:N0}" : string.Empty;
        string who = p.BlockedThreads > 0
            ? $"{p.BlockedThreads} pool thread{Plural(p.BlockedThreads)} blocked"
            : $"no pool thread blocked in a traced wait, {p.BusyThreads} running work item{Plural(p.BusyThreads)}";
        return new Finding
        {
            Kind = FindingKinds.Starvation,
            Severity = Severity.Error,
            Summary = $"thread pool starved for {p.DurationMs / 1000:F1} s: {who}; {p.ThreadsInjected} threads injected (workers {p.WorkersBefore} → {p.WorkersPeak}){queue}",
            TimeMs = p.StartMs,
            Key = key,
            Threads = threads,
            // Lock waiters are not explained by the starvation: the lock (a hang, a convoy) may be its cause.
            Explains = [.. blocked.Where(b => !b.Value.OnLock).Select(b => b.Key).Order()],
            PoolEpisode = p,
            Details =
            [
                $"began at {p.StartMs / 1000:F2} s; {(p.Recovered ? $"recovered after {p.EndMs / 1000:F2} s (no injection for {StarvationDetector.EndGapMs / 1000:0.#} s)" : $"still starving at {p.EndMs / 1000:F2} s")}",
                Injections(p),
                Advice(p),
            ],
            Metrics = new Dictionary<string, double>
            {
                ["startMs"] = p.StartMs,
                ["durationMs"] = p.DurationMs,
                ["threadsInjected"] = p.ThreadsInjected,
                ["adjustments"] = p.Adjustments,
                ["adjustmentsForNoProgress"] = p.ForNoProgress,
                ["adjustmentsForBlocking"] = p.ForBlockedThreads,
                ["workersBefore"] = p.WorkersBefore,
                ["workersPeak"] = p.WorkersPeak,
                ["workerThreads"] = p.WorkersAfter,
                ["peakQueueLength"] = p.PeakQueue,
                ["blockedPoolThreads"] = p.BlockedThreads,
                ["busyPoolThreads"] = p.BusyThreads,
                ["recovered"] = p.Recovered ? 1 : 0,
            },
        };
    }

    /// <summary>Why the pool adjusted, by the two reasons the runtime gives.</summary>
    private static string Injections(PoolStarvationEpisode p) => (p.ForNoProgress, p.ForBlockedThreads) switch
    {
        (_, 0) => $"{p.Adjustments} starvation adjustments, all because queued work made no progress",
        (0, _) => $"{p.Adjustments} starvation adjustments, all for pool threads blocked in Task.Wait/.Result",
        _ => $"{p.Adjustments} starvation adjustments: {p.ForNoProgress} because queued work made no progress, {p.ForBlockedThreads} for pool threads blocked in Task.Wait/.Result",
    };

    /// <summary>What to do, from what the trace shows: a traced wait, or no wait at all.</summary>
    private static string Advice(PoolStarvationEpisode p) => p switch
    {
        { BlockedThreads: > 0, ForBlockedThreads: > 0 } =>
            "pool threads that block on async work (.Result, .Wait(), GetAwaiter().GetResult()) keep the work that would unblock them queued: await instead",
        { BlockedThreads: > 0 } =>
            "pool threads block in the waits shown while work queues: make those waits async (WaitAsync, await) or move the blocking work to a dedicated thread",
        _ =>
            "the pool threads were not in any traced wait: they were busy, sleeping (Thread.Sleep) or spinning while work queued; "
            + "use await Task.Delay instead of Thread.Sleep polling, and a dedicated thread for long work (CPU samples, when the trace has them, show where they run)",
    };

    private static string Plural(int n) => n == 1 ? string.Empty : "s";
}

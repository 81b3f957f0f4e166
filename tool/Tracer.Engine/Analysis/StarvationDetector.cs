using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Thread-pool starvation: the pool injects workers with reason Starvation (6) because queued work is not being picked
/// up, or CooperativeBlocking (8, .NET 6+) because pool threads block in Task.Wait/.Result: both mean pool threads are
/// blocked (sync-over-async: .Result, .Wait(), GetAwaiter().GetResult()) while work waits in the queue.
/// A period starts at the first starvation adjustment and ends at an adjustment for another reason, or when the
/// queue-length counter reads 0; counters are a second source, never the only one. The finding names the stacks where
/// pool threads were blocked, most threads first.
/// </summary>
public sealed class StarvationDetector : IDetector
{
    /// <summary>ThreadPoolWorkerThreadAdjustment reason: the pool saw no progress and injected a worker.</summary>
    public const byte StarvationReason = 6;
    /// <summary>Reason on .NET 6+: a pool thread blocked in Task.Wait/.Result and the pool injected one to compensate.</summary>
    public const byte CooperativeBlockingReason = 8;
    private const int MinAdjustments = 2;

    private readonly HashSet<int> _poolThreads = [];
    private readonly Dictionary<int, (int StackId, double SinceMs, int ProcessId)> _blocked = new();
    private readonly Dictionary<int, (int StackId, double SinceMs, int ProcessId)> _blockedInPeriod = new();
    private Period? _period;
    private int _periods;
    private long _lastWorkerCount;
    /// <summary>Work items enqueued and not yet dequeued (ThreadPoolEnqueue/Dequeue), when the trace has them.</summary>
    private long _queued;

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.PoolEnqueue or TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerWait or TraceEventKind.PoolDequeue
            or TraceEventKind.WaitStart or TraceEventKind.WaitStop or TraceEventKind.PoolAdjustment or TraceEventKind.CounterSample;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        switch (e.Kind)
        {
            case TraceEventKind.PoolEnqueue:
                _queued++;
                if (_period is not null)
                {
                    _period.PeakQueue = Math.Max(_period.PeakQueue, _queued);
                }

                break;
            case TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerWait or TraceEventKind.PoolDequeue:
                if (e.Kind == TraceEventKind.PoolDequeue && _queued > 0)
                {
                    _queued--;
                }

                _poolThreads.Add(e.ThreadId);
                _blocked.Remove(e.ThreadId);
                break;
            case TraceEventKind.WaitStart when _poolThreads.Contains(e.ThreadId) && e.StackId >= 0:
                _blocked[e.ThreadId] = (e.StackId, e.TimeMs, e.ProcessId);
                if (_period is not null)
                {
                    _blockedInPeriod.TryAdd(e.ThreadId, _blocked[e.ThreadId]);
                }

                break;
            case TraceEventKind.WaitStop:
                _blocked.Remove(e.ThreadId);
                break;
            case TraceEventKind.PoolAdjustment:
                OnAdjustment(e, sink);
                break;
            case TraceEventKind.CounterSample when _period is not null:
                if (e.Text == "threadpool-queue-length")
                {
                    _period.PeakQueue = Math.Max(_period.PeakQueue, e.Amount);
                    if (e.Amount <= 0 && _period.Adjustments >= MinAdjustments)
                    {
                        End(e.TimeMs, "the queue emptied", sink);
                    }
                }

                break;
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        if (_period is not null)
        {
            Report(_period, endMs, recovered: null, sink);
        }
    }

    private void OnAdjustment(in TraceRecord e, IFindingSink sink)
    {
        if (e.Reason is not (StarvationReason or CooperativeBlockingReason))
        {
            _lastWorkerCount = e.Value;
            End(e.TimeMs, "the pool adjusted for another reason than starvation", sink);
            return;
        }

        if (_period is null)
        {
            _period = new Period(++_periods, e.TimeMs, _lastWorkerCount == 0 ? e.Value - 1 : _lastWorkerCount) { PeakQueue = _queued };
            _blockedInPeriod.Clear();
            foreach ((int tid, var wait) in _blocked)
            {
                _blockedInPeriod[tid] = wait;
            }
        }

        _period.Adjustments++;
        if (e.Reason == CooperativeBlockingReason)
        {
            _period.ForBlocking++;
        }

        _period.LastAdjustmentMs = e.TimeMs;
        _period.WorkerCount = e.Value;
        _lastWorkerCount = e.Value;
        if (_period.Adjustments >= MinAdjustments)
        {
            Report(_period, e.TimeMs, recovered: null, sink);
        }
    }

    private void End(double timeMs, string why, IFindingSink sink)
    {
        if (_period is null)
        {
            return;
        }

        if (_period.Adjustments >= MinAdjustments)
        {
            Report(_period, timeMs, why, sink);
        }

        _period = null;
    }

    private void Report(Period p, double endMs, string? recovered, IFindingSink sink)
    {
        if (p.Adjustments < MinAdjustments)
        {
            return;
        }

        double durationMs = endMs - p.StartMs;
        long injected = Math.Max(0, p.WorkerCount - p.WorkersBefore);
        var stacks = _blockedInPeriod.GroupBy(b => b.Value.StackId).OrderByDescending(g => g.Count()).ThenBy(g => g.Min(b => b.Key)).ToList();
        string state = recovered is null ? "still starving at the end of the trace" : $"recovered ({recovered})";
        sink.Report(new Finding
        {
            Kind = FindingKinds.Starvation,
            Severity = Severity.Error,
            Summary = $"thread pool starved for {durationMs / 1000:F1} s: {injected} workers injected, " +
                $"{_blockedInPeriod.Count} pool threads blocked{(p.PeakQueue > 0 ? $", queue peaked at {p.PeakQueue:N0}" : string.Empty)}",
            TimeMs = p.StartMs,
            Key = $"starvation:{p.Number}",
            // One thread per distinct blocking stack, most common first (the rest share those stacks).
            Threads = [.. stacks.Select(g => g.OrderBy(b => b.Key).First()).Select(b => new FindingThread(b.Key, "blocks a pool thread", null, null, b.Value.StackId, b.Value.SinceMs, b.Value.ProcessId))],
            Details =
            [
                $"began at {p.StartMs / 1000:F2} s; {state}",
                $"{p.Adjustments} injections: {p.Adjustments - p.ForBlocking} for starvation (no progress), {p.ForBlocking} to compensate for pool threads blocked in Task.Wait/.Result",
                .. stacks.Select(g => $"{g.Count()} pool thread(s) blocked with the stack of tid {g.Min(b => b.Key)}"),
                "pool threads that block on async work (.Result, .Wait(), GetAwaiter().GetResult()) keep the work that would unblock them queued: await instead",
            ],
            Metrics = new Dictionary<string, double>
            {
                ["startMs"] = p.StartMs,
                ["durationMs"] = durationMs,
                ["threadsInjected"] = injected,
                ["workerThreads"] = p.WorkerCount,
                ["peakQueueLength"] = p.PeakQueue,
                ["blockedPoolThreads"] = _blockedInPeriod.Count,
                ["recovered"] = recovered is null ? 0 : 1,
            },
        });
    }

    private sealed class Period(int number, double startMs, long workersBefore)
    {
        public int Number { get; } = number;
        public double StartMs { get; } = startMs;
        public long WorkersBefore { get; } = workersBefore;
        public double LastAdjustmentMs { get; set; }
        public long WorkerCount { get; set; }
        public int Adjustments { get; set; }
        public int ForBlocking { get; set; }
        public double PeakQueue { get; set; }
    }
}

using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Thread-pool starvation: the pool injects workers with reason Starvation (6) because queued work makes no progress,
/// or CooperativeBlocking (8, .NET 6+) because pool threads block in Task.Wait/.Result. One finding per episode.
/// <para>
/// An episode starts at a starvation injection and goes on while injections keep coming: it ends only when none came
/// for <see cref="EndGapMs"/> and either none of its blocked pool threads is still blocked or the queue-length counter
/// reads 0. Adjustments for other reasons (hill climbing) and a momentarily empty queue do not split it. It becomes a
/// finding once it has <see cref="MinInjections"/> injections over at least <see cref="MinEpisodeMs"/>, so a burst of
/// injections at start-up is not starvation and the first live notice already has something to say.
/// </para>
/// <para>
/// The finding lists the pool threads seen blocked in a traced wait during the episode (role "blocked", with the
/// wait's stack) and explains them (<see cref="Finding.Explains"/>): their hangs are its symptoms. When no pool thread
/// was blocked in a traced wait, the workers were busy, sleeping or spinning (Thread.Sleep emits no wait event): those
/// running a work item are listed as "busy" and the advice says so instead of blaming .Result.
/// </para>
/// </summary>
public sealed class StarvationDetector : IDetector
{
    public const byte StarvationReason = PoolHistory.StarvationReason;
    public const byte CooperativeBlockingReason = PoolHistory.CooperativeBlockingReason;
    /// <summary>An episode is a finding with at least this many starvation adjustments (injections)...</summary>
    public const int MinInjections = 2;
    /// <summary>...spread over at least this long (ms): the pool had to keep injecting. It adds its first ProcessorCount
    /// threads for blocked threads at once (a burst of .Result at start-up is over in under a millisecond) and later ones
    /// 25 ms or more apart, growing (traces show 25, 35, 50, 55, 75 ms): 100 ms is a few delayed injections. Its
    /// no-progress injections come at most every 500 ms, so two of those always qualify.</summary>
    public const double MinEpisodeMs = 100;
    /// <summary>No injection for this long (4× the slowest injection cadence) and the episode is over.</summary>
    public const double EndGapMs = 2000;

    private readonly PoolThreadTracker _pool = new();
    private Episode? _episode;
    private int _episodes;
    /// <summary>The worker target of the last adjustment (0 before the first).</summary>
    private long _lastTarget;
    private double _lastQueueSample = double.NaN;
    /// <summary>Work items enqueued and not yet dequeued (ThreadPoolEnqueue/Dequeue), when the trace has them.</summary>
    private long _queued;

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.PoolEnqueue or TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerStop or TraceEventKind.PoolWorkerWait
            or TraceEventKind.PoolDequeue or TraceEventKind.WaitStart or TraceEventKind.WaitStop or TraceEventKind.PoolAdjustment
            or TraceEventKind.CounterSample or TraceEventKind.TaskEvent or TraceEventKind.ThreadExited
            or TraceEventKind.ContentionStart or TraceEventKind.ContentionStop or TraceEventKind.CpuSample;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (e.Kind == TraceEventKind.CpuSample)
        {
            _pool.OnSample(e); // busy or sleeping workers get the stack they were sampled in most
            return;
        }

        if (_episode is { } open && e.TimeMs - open.LastInjectionMs >= EndGapMs && CanEnd(open))
        {
            Close(open, sink);
        }

        _pool.Apply(e);
        switch (e.Kind)
        {
            case TraceEventKind.PoolEnqueue:
                _queued++;
                Peak(_queued);
                break;
            case TraceEventKind.PoolDequeue when _queued > 0:
                _queued--;
                break;
            case TraceEventKind.PoolAdjustment:
                OnAdjustment(e, sink);
                break;
            case TraceEventKind.CounterSample when e.Text == "threadpool-queue-length":
                _lastQueueSample = e.Amount;
                Peak(e.Amount);
                break;
        }

        if (_pool.JustBlocked.Count > 0 && _episode is { } episode)
        {
            bool more = false;
            foreach (int tid in _pool.JustBlocked)
            {
                more |= episode.Blocked.TryAdd(tid, _pool.Blocked[tid]);
            }

            if (more && episode.Reported)
            {
                Report(episode, e.TimeMs, sink); // more threads it explains: before their hangs can be reported
            }
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        if (_episode is { } open)
        {
            if (endMs - open.LastInjectionMs >= EndGapMs && CanEnd(open))
            {
                Close(open, sink);
            }
            else if (open.IsFinding)
            {
                Report(open, endMs, sink);
            }
        }
    }

    private void Peak(double queue)
    {
        if (_episode is { } open)
        {
            open.PeakQueue = Math.Max(open.PeakQueue, queue);
        }
    }

    private void OnAdjustment(in TraceRecord e, IFindingSink sink)
    {
        if (e.Reason is not (StarvationReason or CooperativeBlockingReason))
        {
            _lastTarget = e.Value;
            return;
        }

        Episode episode = _episode ??= Start(e);
        episode.Adjustments++;
        if (e.Reason == CooperativeBlockingReason)
        {
            episode.ForBlocked++;
        }

        episode.LastInjectionMs = e.TimeMs;
        episode.WorkersAfter = e.Value;
        episode.WorkersPeak = Math.Max(episode.WorkersPeak, e.Value);
        _lastTarget = e.Value;
        foreach (int running in _pool.Running)
        {
            episode.Busy.Add(running);
        }

        if (episode.IsFinding)
        {
            Report(episode, e.TimeMs, sink);
        }
    }

    private Episode Start(in TraceRecord e)
    {
        // Before the first adjustment the trace does not say the target: the first injection added one worker.
        long before = _lastTarget > 0 && _lastTarget < e.Value ? _lastTarget : Math.Max(0, e.Value - 1);
        var episode = new Episode(++_episodes, e.TimeMs, before)
        {
            PeakQueue = Math.Max(_queued, double.IsNaN(_lastQueueSample) ? 0 : _lastQueueSample),
        };
        foreach ((int tid, BlockedWorker wait) in _pool.Blocked)
        {
            episode.Blocked[tid] = wait; // already blocked when the pool began to inject
        }

        return episode;
    }

    /// <summary>Over when no blocked thread of it still blocks, or the queue is known to be empty.</summary>
    private bool CanEnd(Episode episode) =>
        _lastQueueSample == 0 || !episode.Blocked.Keys.Any(_pool.Blocked.ContainsKey);

    private void Close(Episode episode, IFindingSink sink)
    {
        if (episode.IsFinding)
        {
            Report(episode, episode.LastInjectionMs, sink, recovered: true);
        }

        _episode = null;
    }

    private void Report(Episode p, double nowMs, IFindingSink sink, bool recovered = false)
    {
        p.Reported = true;
        var busy = p.Busy.Where(t => !p.Blocked.ContainsKey(t)).Order().Select(t => (t, _pool.BusyStackOf(t))).ToList();
        var episode = new PoolStarvationEpisode
        {
            StartMs = p.StartMs,
            EndMs = recovered ? p.LastInjectionMs : Math.Max(nowMs, p.LastInjectionMs),
            Recovered = recovered,
            Adjustments = p.Adjustments,
            ForNoProgress = p.Adjustments - p.ForBlocked,
            ForBlockedThreads = p.ForBlocked,
            WorkersBefore = p.WorkersBefore,
            WorkersPeak = p.WorkersPeak,
            WorkersAfter = p.WorkersAfter,
            PeakQueue = p.PeakQueue,
            BlockedThreads = p.Blocked.Count,
            BusyThreads = busy.Count,
        };
        sink.Report(StarvationFinding.Build($"starvation:{p.Number}", episode, p.Blocked, busy));
    }

    private sealed class Episode(int number, double startMs, long workersBefore)
    {
        public int Number { get; } = number;
        public double StartMs { get; } = startMs;
        public long WorkersBefore { get; } = workersBefore;
        public double LastInjectionMs { get; set; } = startMs;
        public long WorkersAfter { get; set; }
        public long WorkersPeak { get; set; }
        public int Adjustments { get; set; }
        public int ForBlocked { get; set; }
        public double PeakQueue { get; set; }
        public bool Reported { get; set; }
        /// <summary>Pool threads blocked in a traced wait at some time in the episode, with their first such wait.</summary>
        public Dictionary<int, BlockedWorker> Blocked { get; } = new();
        /// <summary>Pool threads seen running a work item at an injection.</summary>
        public HashSet<int> Busy { get; } = [];

        public bool IsFinding => Adjustments >= MinInjections && LastInjectionMs - StartMs >= MinEpisodeMs;
    }
}

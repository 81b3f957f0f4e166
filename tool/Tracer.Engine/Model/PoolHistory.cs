using Tracer.Engine.Events;

namespace Tracer.Engine.Model;

/// <summary>
/// The thread pool over time: active worker counts (worker start/stop and hill-climbing adjustments), a queue-length
/// estimate (enqueues minus dequeues, or the runtime's queue-length counter) and the adjustments made for starvation.
/// </summary>
public sealed class PoolHistory
{
    /// <summary>ThreadPoolWorkerThreadAdjustmentAdjustment's Reason for "injecting because work is starving".</summary>
    public const byte StarvationReason = 6;

    /// <summary>Reason 8 (.NET 6+): injecting because pool threads block in Task.Wait/.Result — on .NET 10 this is how
    /// sync-over-async starvation shows up, so it is marked like reason 6.</summary>
    public const byte CooperativeBlockingReason = 8;

    private readonly List<PoolSample> _workers = [];
    private readonly List<PoolSample> _queue = [];
    private readonly List<double> _starvation = [];
    private long _queued;

    public IReadOnlyList<PoolSample> Workers => _workers;
    public IReadOnlyList<PoolSample> QueueLength => _queue;
    /// <summary>Times of adjustments whose reason was starvation or cooperative blocking.</summary>
    public IReadOnlyList<double> StarvationAdjustments => _starvation;
    public bool IsEmpty => _workers.Count == 0 && _queue.Count == 0;

    public void OnEvent(in TraceRecord e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerStop or TraceEventKind.PoolAdjustment:
                _workers.Add(new PoolSample(e.TimeMs, e.Value));
                if (e.Kind == TraceEventKind.PoolAdjustment && e.Reason is StarvationReason or CooperativeBlockingReason)
                {
                    _starvation.Add(e.TimeMs);
                }

                break;
            case TraceEventKind.PoolEnqueue:
                _queue.Add(new PoolSample(e.TimeMs, ++_queued));
                break;
            case TraceEventKind.PoolDequeue:
                _queued = Math.Max(0, _queued - 1);
                _queue.Add(new PoolSample(e.TimeMs, _queued));
                break;
            case TraceEventKind.CounterSample when e.Text == "threadpool-queue-length":
                _queue.Add(new PoolSample(e.TimeMs, (long)e.Amount));
                break;
        }
    }
}

/// <summary>From <see cref="TimeMs"/> on, the series has <see cref="Value"/>.</summary>
public readonly record struct PoolSample(double TimeMs, long Value);

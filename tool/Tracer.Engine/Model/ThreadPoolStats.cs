namespace Tracer.Engine.Model;

/// <summary>What the trace said about the thread pool: worker adjustments and the runtime's counters over time.</summary>
public sealed class ThreadPoolStats
{
    private const int MaxSamplesPerCounter = 3600;

    public List<PoolAdjustment> Adjustments { get; } = [];
    /// <summary>System.Runtime counter samples by counter name (e.g. threadpool-queue-length), one per interval.</summary>
    public Dictionary<string, List<CounterPoint>> Counters { get; } = new(StringComparer.Ordinal);
    public long MaxWorkerThreads { get; private set; }

    /// <summary>A copy for a <see cref="ModelView"/>.</summary>
    internal ThreadPoolStats Copy()
    {
        var copy = new ThreadPoolStats { MaxWorkerThreads = MaxWorkerThreads };
        copy.Adjustments.AddRange(Adjustments);
        foreach ((string name, List<CounterPoint> series) in Counters)
        {
            copy.Counters.Add(name, [.. series]);
        }

        return copy;
    }

    internal void OnAdjustment(double timeMs, long workers, byte reason)
    {
        Adjustments.Add(new PoolAdjustment(timeMs, workers, reason));
        MaxWorkerThreads = Math.Max(MaxWorkerThreads, workers);
    }

    internal void OnCounter(double timeMs, string name, double value)
    {
        if (!Counters.TryGetValue(name, out List<CounterPoint>? series))
        {
            series = [];
            Counters.Add(name, series);
        }

        if (series.Count < MaxSamplesPerCounter)
        {
            series.Add(new CounterPoint(timeMs, value));
        }
    }
}

/// <summary>The pool changed its worker target: Reason 6 starvation, 8 compensating for blocked threads, others hill climbing.</summary>
public readonly record struct PoolAdjustment(double TimeMs, long Workers, byte Reason);

public readonly record struct CounterPoint(double TimeMs, double Value);

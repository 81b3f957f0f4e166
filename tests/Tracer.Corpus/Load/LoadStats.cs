namespace Tracer.Corpus.Load;

/// <summary>Requests answered and failed, counted by the load generators and printed at the end.</summary>
internal sealed class LoadStats
{
    private long _ok;
    private long _failed;
    private long _maxLatencyTicks;

    public long Ok => Interlocked.Read(ref _ok);
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The slowest answer: shows a pause of the whole process (e.g. while a heap dump is written).</summary>
    public TimeSpan MaxLatency => TimeSpan.FromTicks(Interlocked.Read(ref _maxLatencyTicks));

    public void Record(bool ok, TimeSpan latency)
    {
        Interlocked.Increment(ref ok ? ref _ok : ref _failed);
        long ticks = latency.Ticks;
        for (long seen = Interlocked.Read(ref _maxLatencyTicks); ticks > seen; seen = Interlocked.Read(ref _maxLatencyTicks))
        {
            if (Interlocked.CompareExchange(ref _maxLatencyTicks, ticks, seen) == seen)
            {
                break;
            }
        }
    }

    public override string ToString() => $"{Ok} requests answered, {Failed} failed, slowest {MaxLatency.TotalMilliseconds:F0} ms";
}

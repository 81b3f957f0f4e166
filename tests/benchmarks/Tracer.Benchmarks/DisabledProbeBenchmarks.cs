using BenchmarkDotNet.Attributes;
using Tracer.Probes;

namespace Tracer.Benchmarks;

/// <summary>What a probe costs when no tracer listens (target: under 2 ns per call, no allocation).</summary>
[MemoryDiagnoser]
public class DisabledProbeBenchmarks
{
    private readonly Shared<int> _shared = new("bench.shared");
    private readonly TracedLock _traced = new("bench.lock");
    private readonly Lock _plain = new();
    private readonly object _handoff = new();
    private int _field;

    [Benchmark(Baseline = true, Description = "plain field read")]
    public int PlainRead() => Volatile.Read(ref _field);

    [Benchmark(Description = "Shared<int>.Read() (disabled)")]
    public int SharedRead() => _shared.Read();

    [Benchmark(Description = "Shared<int>.Write() (disabled)")]
    public void SharedWrite() => _shared.Write(1);

    [Benchmark(Description = "Probe.Signal(obj) (disabled)")]
    public void Signal() => Probe.Signal(_handoff, "bench");

    [Benchmark(Description = "lock (Lock) enter+exit")]
    public void PlainLock()
    {
        lock (_plain)
        {
            _field++;
        }
    }

    [Benchmark(Description = "TracedLock enter+exit (disabled)")]
    public void TracedLockEnterExit()
    {
        using (_traced.Enter())
        {
            _field++;
        }
    }
}

using BenchmarkDotNet.Attributes;
using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Benchmarks;

/// <summary>
/// Race + lock-order detection speed on a replayed probe stream (no decoding): 8 threads updating 64 locations,
/// each under one of 4 locks, with a nested lock now and then. Reported per event; events/s = 1e9 / ns.
/// </summary>
public class DetectorThroughputBenchmarks
{
    private const int Events = 1_000_000;
    private TraceRecord[] _records = [];

    [GlobalSetup]
    public void Setup()
    {
        var records = new List<TraceRecord>(Events);
        var random = new Random(42);
        double time = 0;
        while (records.Count < Events)
        {
            int thread = 1 + random.Next(8);
            ulong gate = 1000 + (ulong)random.Next(4);
            ulong location = (ulong)random.Next(64) * 4 + (gate - 1000); // each location always under the same lock
            records.Add(ProbeRecord.Create(ProbeOperation.LockAcquired, time += 0.001, thread, gate, "gate"));
            if (random.Next(16) == 0)
            {
                records.Add(ProbeRecord.Create(ProbeOperation.LockAcquired, time += 0.001, thread, 2000, "inner"));
                records.Add(ProbeRecord.Create(ProbeOperation.LockReleased, time += 0.001, thread, 2000, "inner"));
            }

            records.Add(ProbeRecord.Create(ProbeOperation.Read, time += 0.001, thread, location, "cell"));
            records.Add(ProbeRecord.Create(ProbeOperation.Write, time += 0.001, thread, location, "cell"));
            records.Add(ProbeRecord.Create(ProbeOperation.LockReleased, time += 0.001, thread, gate, "gate"));
        }

        _records = [.. records];
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "race + lock-order, per probe event")]
    public int RaceAndLockOrder()
    {
        var sink = new FindingSet();
        var race = new RaceDetector();
        var order = new LockOrderDetector();
        foreach (TraceRecord r in _records)
        {
            race.OnEvent(r, sink);
            order.OnEvent(r, sink);
        }

        race.Complete(double.MaxValue, sink);
        order.Complete(double.MaxValue, sink);
        return sink.Snapshot().Count;
    }
}

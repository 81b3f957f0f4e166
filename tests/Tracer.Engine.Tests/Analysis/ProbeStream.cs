using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>Builds synthetic probe event streams: each call is one event at the next millisecond.</summary>
internal sealed class ProbeStream
{
    private readonly List<TraceRecord> _records = [];
    private double _time;

    public IReadOnlyList<TraceRecord> Records => _records;

    public ProbeStream Op(int thread, ProbeOperation op, ulong id, string name, int stack = -1)
    {
        _records.Add(ProbeRecord.Create(op, ++_time, thread, id, name, stack));
        return this;
    }

    public ProbeStream Acquire(int thread, ulong id, string name = "lock", int stack = -1) => Op(thread, ProbeOperation.LockAcquired, id, name, stack);
    public ProbeStream Release(int thread, ulong id, string name = "lock") => Op(thread, ProbeOperation.LockReleased, id, name);
    public ProbeStream Read(int thread, ulong id, string name = "x", int stack = -1) => Op(thread, ProbeOperation.Read, id, name, stack);
    public ProbeStream Write(int thread, ulong id, string name = "x", int stack = -1) => Op(thread, ProbeOperation.Write, id, name, stack);
    public ProbeStream Signal(int thread, ulong id) => Op(thread, ProbeOperation.Signal, id, "handoff");
    public ProbeStream Wait(int thread, ulong id) => Op(thread, ProbeOperation.Wait, id, "handoff");

    /// <summary>Runs the stream (optionally in another arrival order) through one detector.</summary>
    public static List<Finding> Run(IDetector detector, IEnumerable<TraceRecord> records)
    {
        var sink = new FindingSet();
        foreach (TraceRecord r in records)
        {
            detector.OnEvent(r, sink);
        }

        detector.Complete(records.Any() ? records.Max(r => r.TimeMs) : 0, sink);
        return [.. sink.Snapshot()];
    }

    public List<Finding> Races() => Run(new RaceDetector(), _records);

    public List<Finding> LockOrders() => Run(new LockOrderDetector(), _records);
}

using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Happens-before data-race detection over probe events with vector clocks and FastTrack epochs (Flanagan &amp; Freund,
/// PLDI 2009): each thread has a vector clock; a lock release or a signal publishes the thread's clock on the sync
/// object, an acquire or a wait joins it; each location keeps its last write as an epoch and its reads as an epoch
/// (or a per-thread map while concurrent readers exist), so the common access is O(1).
/// <para>
/// Events from different threads may arrive slightly out of order (live flushing), so probe events are replayed in
/// timestamp order through a reorder window. That is sound because the probes emit a release before releasing and an
/// acquire after acquiring: a real edge's two events are always in timestamp order.
/// </para>
/// <para>
/// The runtime's ContentionStart/Stop are not used as edges: they do not say when the owner released, so joining the
/// owner's clock could order (and hide) accesses it made after the release. Unprobed locks are invisible.
/// </para>
/// </summary>
public sealed class RaceDetector : IDetector
{
    /// <summary>Events this far (ms) behind the newest one are in final order; live lag is ~100 ms.</summary>
    public const double ReorderWindowMs = 1000;

    private readonly ReorderBuffer _pending = new();
    private readonly Dictionary<(int Process, int Thread), RaceThreadState> _threads = new();
    private readonly Dictionary<(int Process, ulong Id), VectorClock> _syncClocks = new();
    private readonly Dictionary<(int Process, ulong Id), ProbeLocationState> _locations = new();
    private readonly Dictionary<ulong, string> _singleLockTexts = new();
    private double _newestMs = double.NegativeInfinity;

    /// <summary>Probe events analysed so far (after reordering).</summary>
    public long ProcessedEvents { get; private set; }

    public bool Handles(TraceEventKind kind) =>
        kind == TraceEventKind.Probe;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        ProbeOperation op = ProbeRecord.Operation(e);
        if (op == ProbeOperation.RaceReport)
        {
            sink.Report(InProcessFindings.Race(e)); // already decided in the process: no reordering needed
            return;
        }

        if (op is ProbeOperation.None or ProbeOperation.LockOrderReport or ProbeOperation.RegionBegin or ProbeOperation.RegionEnd)
        {
            return;
        }

        _pending.Add(e);
        _newestMs = Math.Max(_newestMs, e.TimeMs);
        Drain(_newestMs - ReorderWindowMs, sink);
    }

    public void Complete(double endMs, IFindingSink sink) => Drain(double.PositiveInfinity, sink);

    private void Drain(double upToMs, IFindingSink sink)
    {
        while (_pending.TryTake(upToMs, out TraceRecord e))
        {
            Apply(e, sink);
        }
    }

    private void Apply(in TraceRecord e, IFindingSink sink)
    {
        ProcessedEvents++;
        RaceThreadState thread = Thread(e.ProcessId, e.ThreadId);
        var key = (e.ProcessId, e.ObjectId);
        switch (ProbeRecord.Operation(e))
        {
            case ProbeOperation.LockAcquired:
                thread.Acquired(e.ObjectId, e.Text);
                Acquire(thread, key);
                break;
            case ProbeOperation.Wait:
                Acquire(thread, key);
                break;
            case ProbeOperation.LockReleased:
                thread.Released(e.ObjectId);
                Release(thread, key);
                break;
            case ProbeOperation.Signal:
                Release(thread, key);
                break;
            case ProbeOperation.Read:
                Read(thread, Location(key, e.Text), e, sink);
                break;
            case ProbeOperation.Write:
                Write(thread, Location(key, e.Text), e, sink);
                break;
        }
    }

    private void Acquire(RaceThreadState thread, (int, ulong) syncObject)
    {
        if (_syncClocks.TryGetValue(syncObject, out VectorClock? published))
        {
            thread.Clock.Join(published);
        }
    }

    private void Release(RaceThreadState thread, (int, ulong) syncObject)
    {
        if (!_syncClocks.TryGetValue(syncObject, out VectorClock? published))
        {
            _syncClocks[syncObject] = published = new VectorClock();
        }

        published.Join(thread.Clock);
        thread.Clock[thread.Index]++; // a new epoch: later accesses are not covered by this release
    }

    private void Read(RaceThreadState thread, ProbeLocationState location, in TraceRecord e, IFindingSink sink)
    {
        int now = thread.Clock[thread.Index];
        if (location.SharedReads is null && location.LastRead.Thread == thread.Index && location.LastRead.Clock == now)
        {
            return; // same epoch: nothing new
        }

        ProbeAccess access = thread.Access(now, isWrite: false, e);
        if (!Ordered(location.LastWrite, thread))
        {
            Report(location, location.LastWrite, access, thread, e, sink);
        }

        if (location.SharedReads is not null)
        {
            location.SharedReads[thread.Index] = access;
        }
        else if (location.LastRead.IsNone || location.LastRead.Thread == thread.Index || Ordered(location.LastRead, thread))
        {
            location.LastRead = access;
        }
        else
        {
            location.SharedReads = new Dictionary<int, ProbeAccess> { [location.LastRead.Thread] = location.LastRead, [thread.Index] = access };
        }
    }

    private void Write(RaceThreadState thread, ProbeLocationState location, in TraceRecord e, IFindingSink sink)
    {
        int now = thread.Clock[thread.Index];
        if (location.LastWrite.Thread == thread.Index && location.LastWrite.Clock == now && location.SharedReads is null && location.LastRead.IsNone)
        {
            return;
        }

        ProbeAccess access = thread.Access(now, isWrite: true, e);
        if (!Ordered(location.LastWrite, thread))
        {
            Report(location, location.LastWrite, access, thread, e, sink);
        }
        else if (location.SharedReads is not null)
        {
            foreach (ProbeAccess read in location.SharedReads.Values)
            {
                if (!Ordered(read, thread))
                {
                    Report(location, read, access, thread, e, sink);
                    break;
                }
            }
        }
        else if (!Ordered(location.LastRead, thread))
        {
            Report(location, location.LastRead, access, thread, e, sink);
        }

        location.LastWrite = access;
        location.LastRead = default;
        location.SharedReads = null;
    }

    /// <summary>An earlier access happens before the thread's current step iff the thread has seen its epoch.</summary>
    private static bool Ordered(in ProbeAccess earlier, RaceThreadState thread) =>
        earlier.IsNone || earlier.Thread == thread.Index || earlier.Clock <= thread.Clock[earlier.Thread];

    private void Report(ProbeLocationState location, in ProbeAccess first, in ProbeAccess second, RaceThreadState thread, in TraceRecord e, IFindingSink sink)
    {
        if (location.Reported)
        {
            return;
        }

        location.Reported = true;
        string name = location.Name;
        int seen = thread.Clock[first.Thread];
        sink.Report(new Finding
        {
            Kind = FindingKinds.Race,
            Severity = Severity.Error,
            Summary = $"data race on '{name}': a {first.Verb} and a {second.Verb} from two threads are not ordered by happens-before",
            TimeMs = e.TimeMs,
            Key = $"race:{e.ProcessId}:{e.ObjectId}",
            Threads =
            [
                new FindingThread(first.ThreadId, $"{first.Verb}s '{name}' (holding {first.HeldLocks})", null, null, first.StackId, first.TimeMs, first.ProcessId),
                new FindingThread(second.ThreadId, $"{second.Verb}s '{name}' (holding {second.HeldLocks})", null, null, second.StackId, second.TimeMs, second.ProcessId),
            ],
            Details =
            [
                $"location '{name}' (probe id {e.ObjectId})",
                $"first: {first.Verb} by thread {first.ThreadId} at {first.TimeMs:F3} ms, holding {first.HeldLocks}",
                $"then: {second.Verb} by thread {second.ThreadId} at {second.TimeMs:F3} ms, holding {second.HeldLocks}",
                $"unordered: the {first.Verb} was thread {first.ThreadId}'s step {first.Clock}, but thread {second.ThreadId} had seen it only up to step {seen}: " +
                    "no common lock, signal/wait, start/join or barrier lies between them",
            ],
            Metrics = new Dictionary<string, double> { ["locationId"] = e.ObjectId, ["firstMs"] = first.TimeMs, ["secondMs"] = second.TimeMs },
        });
    }

    private RaceThreadState Thread(int processId, int threadId)
    {
        if (!_threads.TryGetValue((processId, threadId), out RaceThreadState? thread))
        {
            thread = new RaceThreadState(_threads.Count, threadId, processId, _singleLockTexts);
            _threads[(processId, threadId)] = thread;
        }

        return thread;
    }

    private ProbeLocationState Location((int, ulong) key, string? name)
    {
        if (!_locations.TryGetValue(key, out ProbeLocationState? location))
        {
            location = new ProbeLocationState(name ?? $"location#{key.Item2}");
            _locations[key] = location;
        }

        return location;
    }
}

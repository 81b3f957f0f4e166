using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Latency spikes: the longest individual lock and handle waits that did end (a wait that never ends is a hang).
/// Keeps the few longest per kind and reports them at the end, with the waiting stack. Handle waits inside a lock
/// contention are the lock's own and are not counted; idle pool workers waiting for work are not waits.
/// </summary>
public sealed class LongWaitDetector(AnalysisOptions options) : IDetector
{
    private readonly double _minMs = options.LongWaitAfter.TotalMilliseconds;
    private readonly ThreadMap<Pending> _lockWaits = new();
    private readonly ThreadMap<Pending> _handleWaits = new();
    private readonly HashSet<int> _poolIdle = [];
    private readonly List<Resolved> _longest = [];
    private readonly Dictionary<int, (Pending Wait, double EndMs, double SliceMs)> _ended = new();
    private readonly Dictionary<int, double> _sliceStart = new();
    private readonly HashSet<int> _instrumentation = [];

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
                _lockWaits[e.ThreadId] = new Pending(e.LockId, e.ObjectId, e.StackId, e.TimeMs, e.ProcessId, e.OwnerThreadId);
                break;
            case TraceEventKind.ContentionStop:
                if (_lockWaits.Remove(e.ThreadId, out Pending lockWait))
                {
                    if (_handleWaits.Count > 0)
                    {
                        _handleWaits.Remove(e.ThreadId);
                    }

                    Keep(e.ThreadId, lockWait, true, e.DurationNs > 0 ? e.DurationNs / 1e6 : e.TimeMs - lockWait.StartMs, e.TimeMs);
                }

                break;
            case TraceEventKind.PoolWorkerWait:
                _poolIdle.Add(e.ThreadId);
                break;
            case TraceEventKind.WaitStart:
                // A wait without a stack cannot be shown to anyone (runtime-internal threads such as the counter poller).
                if (e.StackId >= 0 && !_lockWaits.ContainsKey(e.ThreadId) && !_poolIdle.Contains(e.ThreadId))
                {
                    var next = new Pending(0, e.ObjectId, e.StackId, e.TimeMs, e.ProcessId, 0);
                    // A wait resumed at once from the same place after a timeout slice (Barrier) is the same wait.
                    if (_ended.Remove(e.ThreadId, out (Pending Wait, double EndMs, double SliceMs) ended)
                        && !(e.TimeMs - ended.EndMs <= HangDetector.ContinuationGapMs && ended.SliceMs >= HangDetector.MinSliceMs && ended.Wait.StackId == e.StackId))
                    {
                        Keep(e.ThreadId, ended.Wait, false, ended.EndMs - ended.Wait.StartMs, ended.EndMs);
                    }
                    else if (ended.EndMs > 0)
                    {
                        next = next with { StartMs = ended.Wait.StartMs };
                    }

                    _handleWaits[e.ThreadId] = next;
                    _sliceStart[e.ThreadId] = e.TimeMs;
                }

                break;
            case TraceEventKind.WaitStop:
                if (_handleWaits.Remove(e.ThreadId, out Pending handleWait))
                {
                    _ended[e.ThreadId] = (handleWait, e.TimeMs, e.TimeMs - _sliceStart.GetValueOrDefault(e.ThreadId, handleWait.StartMs));
                }

                break;
            case TraceEventKind.CounterSample:
                _instrumentation.Add(e.ThreadId); // the runtime's counter poller waits a second between samples
                break;
            default:
                _poolIdle.Remove(e.ThreadId);
                Settle(e.ThreadId);
                break;
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        foreach (int threadId in _ended.Keys.ToList())
        {
            Settle(threadId);
        }

        foreach (bool onLock in new[] { true, false })
        {
            foreach (Resolved r in _longest.Where(r => r.OnLock == onLock && !_instrumentation.Contains(r.ThreadId)).OrderByDescending(r => r.DurationMs).ThenBy(r => r.ThreadId).Take(options.LongWaitCount))
            {
                string what = onLock ? $"waited {r.DurationMs:N0} ms for a contended lock ({Finding.PrimitivePlaceholder}), then got it"
                    : $"waited {r.DurationMs:N0} ms in {Finding.PrimitivePlaceholder}, then went on";
                int? owner = r.Wait.Owner == 0 ? null : r.Wait.Owner;
                sink.Report(new Finding
                {
                    Kind = FindingKinds.LongWait,
                    Severity = Severity.Info,
                    Summary = $"a thread {what}",
                    TimeMs = r.EndMs,
                    Key = $"long-wait:{r.ThreadId}:{r.Wait.StartMs:R}",
                    Threads = [new FindingThread(r.ThreadId, "waited", onLock ? r.Wait.LockId : null, owner, r.Wait.StackId, r.Wait.StartMs, r.Wait.ProcessId)],
                    Locks = onLock ? [new FindingLock(r.Wait.LockId, r.Wait.ObjectId, owner)] : [],
                    Metrics = new Dictionary<string, double> { ["waitMs"] = r.DurationMs, ["startMs"] = r.Wait.StartMs },
                });
            }
        }
    }

    /// <summary>An ended wait that was not resumed: it resolved.</summary>
    private void Settle(int threadId)
    {
        if (_ended.Remove(threadId, out (Pending Wait, double EndMs, double SliceMs) ended))
        {
            Keep(threadId, ended.Wait, false, ended.EndMs - ended.Wait.StartMs, ended.EndMs);
        }
    }

    private void Keep(int threadId, Pending wait, bool onLock, double durationMs, double endMs)
    {
        if (durationMs < _minMs)
        {
            return;
        }

        _longest.Add(new Resolved(threadId, wait, onLock, durationMs, endMs));
        if (_longest.Count > 64)
        {
            // Bounded memory: keep the longest of each kind.
            _longest.RemoveAll(r => _instrumentation.Contains(r.ThreadId));
            var keep = _longest.Where(r => r.OnLock).OrderByDescending(r => r.DurationMs).Take(options.LongWaitCount)
                .Concat(_longest.Where(r => !r.OnLock).OrderByDescending(r => r.DurationMs).Take(options.LongWaitCount)).ToList();
            _longest.Clear();
            _longest.AddRange(keep);
        }
    }

    private readonly record struct Pending(ulong LockId, ulong ObjectId, int StackId, double StartMs, int ProcessId, int Owner);

    private readonly record struct Resolved(int ThreadId, Pending Wait, bool OnLock, double DurationMs, double EndMs);
}

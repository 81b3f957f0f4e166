using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Threads blocked longer than <see cref="AnalysisOptions.HangAfter"/> without progress: in a contended lock
/// (ContentionStart without Stop) or in a runtime wait (WaitHandleWaitStart without Stop: wait handles, Monitor.Wait
/// and the slim primitives built on it). Checked whenever any event's time passes the next deadline, and at the end.
/// <para>
/// A hang is a state, not an event: the finding lists the threads blocked at the latest time seen, and is withdrawn
/// when they make progress (a wait that ended is a long wait, not a hang). That keeps the result independent of the
/// order in which events from different threads arrive. Threads in a lock cycle are left to the deadlock detector;
/// handle waits inside a lock contention are the lock's own and are not counted twice.
/// </para>
/// <para>
/// Hanging threads are grouped: by lock, by the object of a Monitor-based wait, and handle waits on several different
/// objects (no owner is ever known for those) together, since threads hanging on each other's handles is the
/// likeliest explanation. The primitive is named from the stack when rendered (<see cref="Finding.PrimitivePlaceholder"/>).
/// </para>
/// </summary>
public sealed class HangDetector(AnalysisOptions options) : IDetector
{
    /// <summary>A wait that starts again within this long, from the same place, continues the previous one...</summary>
    public const double ContinuationGapMs = 50;

    /// <summary>...if that one lasted at least this long (a timeout slice; Barrier's start at 100 ms), so that a busy
    /// consumer woken every few ms from the same place is not taken for one long block.</summary>
    public const double MinSliceMs = 90;

    private readonly double _thresholdMs = options.HangAfter.TotalMilliseconds;
    private readonly Dictionary<int, Blocked> _locks = new();
    private readonly Dictionary<int, Blocked> _handles = new();
    private readonly Dictionary<ulong, int> _owners = new();
    private readonly Dictionary<string, Finding> _reported = new();
    private readonly HashSet<int> _hungThreads = [];
    private readonly HashSet<int> _poolIdle = [];
    private readonly HashSet<int> _instrumentation = [];
    private double _nowMs;
    private double _nextDeadlineMs = double.PositiveInfinity;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
                if (e.OwnerThreadId != 0)
                {
                    _owners[e.LockId] = e.OwnerThreadId;
                }

                Block(_locks, e.ThreadId, new Blocked(true, e.LockId, WaitSource.Unknown, e.StackId, e.TimeMs, e.ProcessId, e.OwnerThreadId));
                break;
            case TraceEventKind.ContentionStop:
                if (_locks.Remove(e.ThreadId, out Blocked done))
                {
                    _owners[done.Subject] = e.ThreadId;
                }

                if (_handles.Count > 0)
                {
                    _handles.Remove(e.ThreadId);
                }

                RefreshIfHung(e.ThreadId, sink);
                break;
            case TraceEventKind.PoolWorkerWait:
                _poolIdle.Add(e.ThreadId); // an idle pool worker waiting for work is not hung
                _handles.Remove(e.ThreadId);
                break;
            case TraceEventKind.WaitStart when _poolIdle.Contains(e.ThreadId):
            case TraceEventKind.WaitStop when _poolIdle.Contains(e.ThreadId):
                break;
            case TraceEventKind.WaitStart:
            {
                var wait = new Blocked(false, e.ObjectId, e.WaitSource, e.StackId, e.TimeMs, e.ProcessId, 0);
                if (_handles.TryGetValue(e.ThreadId, out Blocked previous) && previous.Continues(wait, ContinuationGapMs, MinSliceMs))
                {
                    wait = wait with { SinceMs = previous.SinceMs, LastSliceMs = e.TimeMs }; // the same wait, resumed after a timeout slice
                }

                Block(_handles, e.ThreadId, wait);
                break;
            }

            case TraceEventKind.WaitStop:
                // Kept for a moment: primitives such as Barrier wait in growing timeout slices, and a wait that
                // starts again at once from the same place is the same block, not progress.
                if (_handles.TryGetValue(e.ThreadId, out Blocked ended) && double.IsNaN(ended.EndedMs))
                {
                    _handles[e.ThreadId] = ended with { EndedMs = e.TimeMs };
                    if (_hungThreads.Contains(e.ThreadId))
                    {
                        _nextDeadlineMs = Math.Min(_nextDeadlineMs, e.TimeMs + ContinuationGapMs + 1e-3);
                    }
                }

                break;
            case TraceEventKind.ThreadExited:
                _locks.Remove(e.ThreadId);
                _handles.Remove(e.ThreadId);
                RefreshIfHung(e.ThreadId, sink);
                break;
            case TraceEventKind.CounterSample:
                _instrumentation.Add(e.ThreadId); // the runtime's counter poller: it waits a second between samples
                break;
            default:
                _poolIdle.Remove(e.ThreadId);
                // Any other event of the thread is progress after an ended wait. Work the thread does itself also
                // ends a wait whose stop EventPipe dropped (a thread blocked in a wait does nothing else).
                if (_handles.TryGetValue(e.ThreadId, out Blocked last) && (!double.IsNaN(last.EndedMs) || IsOwnWork(e.Kind)))
                {
                    _handles.Remove(e.ThreadId);
                    RefreshIfHung(e.ThreadId, sink);
                }

                break;
        }

        Advance(e.TimeMs, sink);
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        _nowMs = Math.Max(_nowMs, endMs);
        Refresh(sink, force: true);
    }

    private static bool IsOwnWork(TraceEventKind kind) =>
        kind is TraceEventKind.Probe or TraceEventKind.TaskEvent or TraceEventKind.PoolEnqueue or TraceEventKind.PoolDequeue;

    private void Block(Dictionary<int, Blocked> waits, int threadId, Blocked blocked)
    {
        waits[threadId] = blocked;
        _nextDeadlineMs = Math.Min(_nextDeadlineMs, blocked.SinceMs + _thresholdMs);
    }

    private void RefreshIfHung(int threadId, IFindingSink sink)
    {
        if (_hungThreads.Count > 0 && _hungThreads.Contains(threadId))
        {
            Refresh(sink, force: true);
        }
    }

    private void Advance(double timeMs, IFindingSink sink)
    {
        if (timeMs > _nowMs)
        {
            _nowMs = timeMs;
        }

        if (_nowMs >= _nextDeadlineMs)
        {
            Refresh(sink, force: false);
        }
    }

    /// <summary>Recomputes the hanging groups at <see cref="_nowMs"/>; reports new ones, withdraws those that moved.</summary>
    private void Refresh(IFindingSink sink, bool force)
    {
        _nextDeadlineMs = double.PositiveInfinity;
        var hung = new List<(int ThreadId, Blocked Wait)>();
        foreach ((int tid, Blocked wait) in _locks)
        {
            Consider(tid, wait, hung);
        }

        foreach ((int tid, Blocked wait) in _handles)
        {
            if (!_locks.ContainsKey(tid))
            {
                Consider(tid, wait, hung);
            }
        }

        _hungThreads.Clear();
        _hungThreads.UnionWith(hung.Select(h => h.ThreadId));
        var current = new Dictionary<string, Finding>();
        foreach (Finding finding in HangGroups.Build(hung, _owners, _nowMs, _thresholdMs))
        {
            current[finding.Key] = finding;
        }

        foreach (string key in _reported.Keys.Where(k => !current.ContainsKey(k)).ToList())
        {
            _reported.Remove(key);
            sink.Retract(key);
        }

        foreach ((string key, Finding finding) in current)
        {
            // Re-report only on membership change or at a forced refresh (fresher durations), not on every event.
            if (force || !_reported.ContainsKey(key))
            {
                sink.Report(finding);
            }

            _reported[key] = finding;
        }
    }

    private void Consider(int threadId, Blocked wait, List<(int, Blocked)> hung)
    {
        if (_instrumentation.Contains(threadId))
        {
            return;
        }

        if (!double.IsNaN(wait.EndedMs))
        {
            // Ended, and may still resume within the gap: it hangs only if it had already hung when it ended.
            if (_nowMs > wait.EndedMs + ContinuationGapMs || wait.EndedMs - wait.SinceMs < _thresholdMs)
            {
                return;
            }

            _nextDeadlineMs = Math.Min(_nextDeadlineMs, wait.EndedMs + ContinuationGapMs + 1e-3);
        }

        double deadline = wait.SinceMs + _thresholdMs;
        if (_nowMs < deadline)
        {
            _nextDeadlineMs = Math.Min(_nextDeadlineMs, deadline);
        }
        else if (!(wait.OnLock && InLockCycle(threadId)))
        {
            hung.Add((threadId, wait));
        }
    }

    /// <summary>True when following "waits for a lock held by" from this thread comes back to it (the deadlock detector's case).</summary>
    private bool InLockCycle(int start)
    {
        var seen = new HashSet<int>();
        int current = start;
        while (seen.Add(current) && _locks.TryGetValue(current, out Blocked wait) && _owners.TryGetValue(wait.Subject, out int owner))
        {
            if (owner == start)
            {
                return true;
            }

            current = owner;
        }

        return false;
    }
}

/// <summary>What a blocked thread waits on: a lock (Subject = lock id) or a runtime wait (Subject = object address).</summary>
internal readonly record struct Blocked(bool OnLock, ulong Subject, WaitSource Source, int StackId, double SinceMs, int ProcessId, int OwnerAtStart)
{
    /// <summary>When the last wait slice ended (NaN while it lasts).</summary>
    public double EndedMs { get; init; } = double.NaN;

    /// <summary>When the current slice began (SinceMs is when the whole block began).</summary>
    public double LastSliceMs { get; init; } = SinceMs;

    /// <summary>Whether <paramref name="next"/>, on the same thread, resumes this ended wait rather than being a new one.</summary>
    public bool Continues(Blocked next, double gapMs, double minSliceMs) =>
        !double.IsNaN(EndedMs) && next.SinceMs - EndedMs <= gapMs && EndedMs - LastSliceMs >= minSliceMs && next.Source == Source
        && ((StackId >= 0 && StackId == next.StackId) || (Subject != 0 && Subject == next.Subject));
}

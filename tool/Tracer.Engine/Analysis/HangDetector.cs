using Tracer.Engine.Events;
using Tracer.Engine.Model;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Threads blocked longer than <see cref="AnalysisOptions.HangAfter"/> in a wait that holds up work (docs/findings.md,
/// "hang"): in a contended lock outside a cycle, or in a runtime wait that is not one of the program's idle points.
/// Checked whenever any event's time passes the next deadline, and at the end.
/// <para>
/// A hang is a state, not an event: the finding lists the threads blocked at the latest time seen, and is withdrawn
/// when they make progress. That keeps the result independent of the order in which events from different threads
/// arrive. The waits are the model's <see cref="WaitTracker"/>; a hung wait that ended counts as blocked until its thread
/// does something else (it may be the next slice of the same wait), except at the end of the trace. There is no time
/// gap in this rule: how long the next slice takes to start depends on the machine's load, not on the program.
/// </para>
/// <para>
/// What a wait is, is read from its stack by the one <see cref="WaitClassifier"/> (through <paramref name="frames"/>;
/// without it every wait is of an unknown primitive): idle points are no hang; a wait that returned and waited again
/// is polling, timed by its current slice, unless the primitive itself waits in slices (Barrier); a join or task wait
/// is a hang only when something else hangs (it is then listed under that cause, not as a finding of its own).
/// </para>
/// <para>
/// A thread that waits again where it was woken before (a worker loop on its event, a consumer on its condition) is
/// timed against that place's own history: its current block is a hang only past <see cref="LongWaitDetector.RelativeFactor"/>
/// times the longest block this trace saw end there (and past the threshold). An idle worker woken every few seconds is
/// not hung between items; a consumer whose producer died after short waits is hung at the threshold as before.
/// </para>
/// </summary>
public sealed class HangDetector(AnalysisOptions options, WaitTracker? waits = null, Func<int, IReadOnlyList<string>>? frames = null) : IDetector
{
    private readonly double _thresholdMs = options.HangAfter.TotalMilliseconds;
    private readonly bool _ownsWaits = waits is null;
    private readonly WaitTracker _waits = waits ?? new WaitTracker();
    private readonly Dictionary<string, Finding> _reported = new();
    private readonly HashSet<int> _hungThreads = [];
    private double _nowMs;
    private double _nextDeadlineMs = double.PositiveInfinity;
    /// <summary>The longest handle-wait block that ended, per thread and stack: how long the thread waits there when woken.</summary>
    private readonly Dictionary<(int ThreadId, int StackId), double> _longestEndedAt = new();

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (_ownsWaits)
        {
            _waits.Apply(e);
        }

        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart when _waits.TryGetLockWait(e.ThreadId, out LockWait lockWait):
                _nextDeadlineMs = Math.Min(_nextDeadlineMs, lockWait.SinceMs + _thresholdMs);
                break;
            case TraceEventKind.WaitStart when _waits.TryGetHandleWait(e.ThreadId, out HandleWait handleWait) && !handleWait.HasEnded:
                _nextDeadlineMs = Math.Min(_nextDeadlineMs, handleWait.SliceSinceMs + _thresholdMs);
                break;
        }

        if (_waits.TryGetSettledHandleWait(e, out SettledHandleWait settled) && !settled.Lost && settled.Wait.StackId >= 0)
        {
            (int, int) at = (e.ThreadId, settled.Wait.StackId);
            _longestEndedAt[at] = Math.Max(_longestEndedAt.GetValueOrDefault(at), settled.DurationMs);
        }

        if (_hungThreads.Count > 0 && _hungThreads.Contains(e.ThreadId)
            && (e.Kind == TraceEventKind.WaitStop || _waits.TryGetEndedLockWait(e, out _) || _waits.TryGetSettledHandleWait(e, out _)))
        {
            _nowMs = Math.Max(_nowMs, e.TimeMs);
            Refresh(sink, final: false, force: true); // a hung thread made progress
        }

        if (e.TimeMs > _nowMs)
        {
            _nowMs = e.TimeMs;
        }

        if (_nowMs >= _nextDeadlineMs)
        {
            Refresh(sink, final: false, force: false);
        }
    }

    public void Checkpoint(double nowMs, IFindingSink sink)
    {
        _nowMs = Math.Max(_nowMs, nowMs);
        Refresh(sink, final: false, force: false);
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        _nowMs = Math.Max(_nowMs, endMs);
        Refresh(sink, final: true, force: true);
    }

    /// <summary>Recomputes the hanging groups at <see cref="_nowMs"/>; reports new ones, withdraws those that moved.</summary>
    private void Refresh(IFindingSink sink, bool final, bool force)
    {
        _nextDeadlineMs = double.PositiveInfinity;
        var hung = new List<HungThread>();
        foreach ((int tid, LockWait wait) in _waits.LockWaits())
        {
            if (_waits.IsInstrumentation(tid))
            {
                continue;
            }

            if (_nowMs < wait.SinceMs + _thresholdMs)
            {
                _nextDeadlineMs = Math.Min(_nextDeadlineMs, wait.SinceMs + _thresholdMs);
            }
            else if (!InWaitCycle(tid))
            {
                hung.Add(new HungThread(tid, wait.SinceMs, wait.StackId, wait.ProcessId, Classify(wait.StackId), wait.LockId, 0));
            }
        }

        foreach ((int tid, HandleWait wait) in _waits.HandleWaits())
        {
            if (_waits.IsInstrumentation(tid) || _waits.IsWaitingOnLock(tid))
            {
                continue;
            }

            WaitClass what = Classify(wait.StackId);
            // Polling (a timed wait that returned and waits again) is timed by its current slice alone.
            double since = wait.Slices > 1 && !what.WaitsInSlices ? wait.SliceSinceMs : wait.SinceMs;
            // How long it waited here before when woken: earlier slices of this block (a loop that waits again at once),
            // or earlier blocks at the same stack that ended.
            double usual = Math.Max(since == wait.SliceSinceMs ? wait.LongestSliceMs : 0, _longestEndedAt.GetValueOrDefault((tid, wait.StackId)));
            double threshold = Math.Max(_thresholdMs, LongWaitDetector.RelativeFactor * usual);
            if (wait.HasEnded && (final || wait.EndedMs - since < threshold))
            {
                // Ended: a block that had not hung yet is over unless it resumes (then the tracker continues it); one
                // that had stays hung until its thread does something else, so a resumed slice is no flap of the finding.
                continue;
            }

            if (_nowMs < since + threshold)
            {
                _nextDeadlineMs = Math.Min(_nextDeadlineMs, since + threshold);
            }
            else
            {
                hung.Add(new HungThread(tid, since, wait.StackId, wait.ProcessId, what, null, wait.ObjectId));
            }
        }

        _hungThreads.Clear();
        var current = new Dictionary<string, Finding>();
        foreach (Finding finding in HangGroups.Build(hung, _waits.Owners, _nowMs, _thresholdMs))
        {
            current[finding.Key] = finding;
            foreach (FindingThread t in finding.Threads)
            {
                _hungThreads.Add(t.ThreadId);
            }
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

    private WaitClass Classify(int stackId) =>
        frames is null || stackId < 0 ? WaitClass.Unknown : WaitClassifier.Classify(frames(stackId));

    /// <summary>True when following "waits for" (a lock's holder, a task's thread) from this thread comes back to it (the deadlock detector's case).</summary>
    private bool InWaitCycle(int start)
    {
        var seen = new HashSet<int>();
        int current = start;
        while (seen.Add(current) && _waits.TryGetWaitedThread(current, out int owner))
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

/// <summary>A thread blocked past the threshold: on a lock (<see cref="LockId"/>) or in a runtime wait on <see cref="ObjectId"/>
/// (0 when the runtime did not say), since <see cref="SinceMs"/>, in the wait its stack shows.</summary>
internal readonly record struct HungThread(int ThreadId, double SinceMs, int StackId, int ProcessId, WaitClass Wait, ulong? LockId, ulong ObjectId)
{
    public bool OnLock => LockId is not null;
}

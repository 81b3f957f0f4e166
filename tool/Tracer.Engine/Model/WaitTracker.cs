using System.Runtime.InteropServices;
using Tracer.Engine.Events;

namespace Tracer.Engine.Model;

/// <summary>
/// Who waits for what, and who holds which lock: the one per-thread wait state of a trace. The model applies every
/// record to it before the detectors see that record, so a detector reads the state after the record plus what the
/// record ended (<see cref="TryGetEndedLockWait"/>, <see cref="TryGetSettledHandleWait"/>).
/// <para>
/// Lock waits run from ContentionStart to ContentionStop. The handle waits a contended lock makes inside its
/// contention are the lock's own and are not tracked; neither are the waits of an idle pool worker (between its
/// PoolWorkerWait and its next other event: it waits for work, not for another thread).
/// </para>
/// <para>
/// A handle wait that ends stays as an ended block until the thread does something else: if the same wait (same
/// source, and same stack or object) starts again first, it is one block in several slices (Barrier waits in timeout
/// slices; a polling loop too: the wait classifier tells the two apart by the primitive). Any other event of the
/// thread settles the block. A thread blocked in a wait emits nothing else, so its own work (probe, task and pool
/// events) also ends a wait whose stop EventPipe dropped; a new ContentionStart ends a previous lock wait likewise.
/// </para>
/// <para>
/// With task events (TplEventSource), a blocking wait on a task (TaskWaitBegin, synchronous) runs to its TaskWaitEnd,
/// and a task a scheduler runs is on its thread from TaskStarted to TaskCompleted: a thread blocked on a task that
/// another thread runs waits for that thread (<see cref="TryGetTaskWaitRunner"/>).
/// </para>
/// </summary>
public sealed class WaitTracker
{
    private readonly ThreadMap<LockWait> _lockWaits = new();
    private readonly ThreadMap<HandleWait> _handleWaits = new();
    private readonly ThreadMap<bool> _poolIdle = new();
    private readonly ThreadMap<bool> _instrumentation = new();
    private readonly Dictionary<ulong, int> _owners = new();
    private readonly ThreadMap<TaskWait> _taskWaits = new();
    /// <summary>Task id → the thread running it (TaskStarted to TaskCompleted).</summary>
    private readonly Dictionary<ulong, int> _taskRunners = new();
    private ulong _lastOwnedLock = ulong.MaxValue;
    private int _lastOwner;

    private bool _hasEndedLock;
    private EndedLockWait _endedLock;
    private bool _hasSettledHandle;
    private SettledHandleWait _settledHandle;

    /// <summary>Threads now waiting for a contended lock.</summary>
    public int LockWaitCount => _lockWaits.Count;

    /// <summary>Threads now in a handle wait (or an ended one not yet settled).</summary>
    public int HandleWaitCount => _handleWaits.Count;

    public void Apply(in TraceRecord e)
    {
        _hasEndedLock = false;
        _hasSettledHandle = false;
        int tid = e.ThreadId;
        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
                if (_poolIdle.Count > 0)
                {
                    _poolIdle.Remove(tid); // it runs work: it contends a lock
                }

                if (_lockWaits.TryGetValue(tid, out LockWait previous) && previous.LockId != e.LockId)
                {
                    EndLockWait(tid, previous, e.TimeMs, double.NaN, lost: true);
                }

                SettleHandleWait(tid, e.TimeMs, onlyEnded: true);
                _lockWaits[tid] = new LockWait(e.LockId, e.ObjectId, e.OwnerThreadId, e.StackId, e.TimeMs, e.ProcessId);
                if (e.OwnerThreadId != 0)
                {
                    SetOwner(e.LockId, e.OwnerThreadId);
                }

                break;
            case TraceEventKind.ContentionStop:
                if (_lockWaits.Remove(tid, out LockWait done))
                {
                    EndLockWait(tid, done, e.TimeMs, e.DurationNs, lost: false);
                    SetOwner(done.LockId, tid);
                }

                if (_handleWaits.Count > 0)
                {
                    _handleWaits.Remove(tid); // the lock's own inner wait, if its stop was lost
                }

                break;
            case TraceEventKind.WaitStart:
                if (!_lockWaits.ContainsKey(tid) && !_poolIdle.ContainsKey(tid))
                {
                    StartHandleWait(e);
                }

                break;
            case TraceEventKind.WaitStop:
                if (_handleWaits.TryGetValue(tid, out HandleWait open) && !open.HasEnded)
                {
                    _handleWaits[tid] = open with { EndedMs = e.TimeMs };
                }

                break;
            case TraceEventKind.PoolWorkerWait:
                _poolIdle[tid] = true;
                DropOwnWork(tid, e.TimeMs);
                break;
            case TraceEventKind.CounterSample:
                _instrumentation[tid] = true; // the runtime's counter poller: it waits a second between samples
                break;
            case TraceEventKind kind when ThreadActivity.IsNotItsProgress(kind):
                break;
            case TraceEventKind.ThreadExited:
                if (_lockWaits.Remove(tid, out LockWait exited))
                {
                    EndLockWait(tid, exited, e.TimeMs, double.NaN, lost: true);
                }

                SettleHandleWait(tid, e.TimeMs, onlyEnded: false);
                _poolIdle.Remove(tid);
                _taskWaits.Remove(tid);
                break;
            case TraceEventKind.TaskEvent:
                ApplyTask(e);
                goto default;
            default:
                if (_poolIdle.Count > 0)
                {
                    _poolIdle.Remove(tid);
                }

                if (IsOwnWork(e.Kind))
                {
                    DropOwnWork(tid, e.TimeMs);
                    if (e.Kind != TraceEventKind.TaskEvent && _taskWaits.Count > 0)
                    {
                        _taskWaits.Remove(tid); // it runs its own code: a wait on a task whose end EventPipe dropped is over
                    }
                }
                else
                {
                    SettleHandleWait(tid, e.TimeMs, onlyEnded: true);
                }

                break;
        }
    }

    public bool TryGetLockWait(int threadId, out LockWait wait) => _lockWaits.TryGetValue(threadId, out wait);

    /// <summary>The thread this one waits for: the owner of the lock it waits for, or the thread running the task it blocks on.</summary>
    public bool TryGetWaitedThread(int threadId, out int other)
    {
        if (_lockWaits.TryGetValue(threadId, out LockWait wait))
        {
            return TryGetOwner(wait.LockId, out other);
        }

        return TryGetTaskWaitRunner(threadId, out _, out other);
    }

    /// <summary>The task the thread blocks on, and the thread that runs that task now (not the waiter itself).</summary>
    public bool TryGetTaskWaitRunner(int threadId, out TaskWait wait, out int runner)
    {
        runner = 0;
        if (_taskWaits.Count == 0 || !_taskWaits.TryGetValue(threadId, out wait))
        {
            wait = default;
            return false;
        }

        return _taskRunners.TryGetValue(wait.TaskId, out runner) && runner != threadId;
    }

    public bool IsWaitingOnLock(int threadId) => _lockWaits.ContainsKey(threadId);

    /// <summary>The thread's handle wait: open, or ended and not yet settled (<see cref="HandleWait.HasEnded"/>).</summary>
    public bool TryGetHandleWait(int threadId, out HandleWait wait) => _handleWaits.TryGetValue(threadId, out wait);

    /// <summary>An idle pool worker, waiting for work.</summary>
    public bool IsPoolIdle(int threadId) => _poolIdle.ContainsKey(threadId);

    /// <summary>A thread the runtime uses to sample counters for the tracer's own session (not the target's work).</summary>
    public bool IsInstrumentation(int threadId) => _instrumentation.ContainsKey(threadId);

    /// <summary>The threads that are the runtime's own instrumentation (<see cref="IsInstrumentation"/>).</summary>
    internal IEnumerable<int> InstrumentationThreads() => _instrumentation.Entries().Select(e => e.Key);

    /// <summary>The lock's last known owner: named by a ContentionStart, or the waiter that got it.</summary>
    public bool TryGetOwner(ulong lockId, out int owner)
    {
        if (lockId == _lastOwnedLock)
        {
            owner = _lastOwner;
            return true;
        }

        return _owners.TryGetValue(lockId, out owner);
    }

    /// <summary>Every lock whose owner is known, with it.</summary>
    public IReadOnlyDictionary<ulong, int> Owners => _owners;

    /// <summary>Threads waiting for a lock, in the order threads were first seen.</summary>
    public IEnumerable<KeyValuePair<int, LockWait>> LockWaits() => _lockWaits.Entries();

    /// <summary>Threads in a handle wait (open or ended, not settled), in the order threads were first seen.</summary>
    public IEnumerable<KeyValuePair<int, HandleWait>> HandleWaits() => _handleWaits.Entries();

    /// <summary>The lock wait that <paramref name="e"/> (the record applied last) ended: by its ContentionStop, or, when
    /// that was lost, by a later ContentionStart, the thread's own work or its exit (<see cref="EndedLockWait.Lost"/>).</summary>
    public bool TryGetEndedLockWait(in TraceRecord e, out EndedLockWait ended)
    {
        ended = _endedLock;
        return _hasEndedLock && ended.ThreadId == e.ThreadId;
    }

    /// <summary>The handle-wait block that <paramref name="e"/> (the record applied last) settled: the thread went on
    /// after it ended, or did its own work after a wait whose stop was lost.</summary>
    public bool TryGetSettledHandleWait(in TraceRecord e, out SettledHandleWait settled)
    {
        settled = _settledHandle;
        return _hasSettledHandle && settled.ThreadId == e.ThreadId;
    }

    private void ApplyTask(in TraceRecord e)
    {
        switch ((TaskEventReason)e.Reason)
        {
            case TaskEventReason.TaskStarted:
                _taskRunners[e.ObjectId] = e.ThreadId;
                break;
            case TaskEventReason.TaskCompleted or TaskEventReason.TaskFaulted:
                _taskRunners.Remove(e.ObjectId);
                break;
            case TaskEventReason.TaskWaitBegin when e.Value == SynchronousTaskWait:
                _taskWaits[e.ThreadId] = new TaskWait(e.ObjectId, e.StackId, e.TimeMs, e.ProcessId);
                break;
            case TaskEventReason.TaskWaitEnd when _taskWaits.Count > 0:
                _taskWaits.Remove(e.ThreadId);
                break;
        }
    }

    /// <summary>TplEventSource's TaskWaitBehavior.Synchronous: the thread blocks (an await is Asynchronous, 2).</summary>
    private const long SynchronousTaskWait = 1;

    private static bool IsOwnWork(TraceEventKind kind) =>
        kind is TraceEventKind.Probe or TraceEventKind.TaskEvent or TraceEventKind.PoolEnqueue or TraceEventKind.PoolDequeue
            or TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerStop;

    private void StartHandleWait(in TraceRecord e)
    {
        var next = new HandleWait(e.ObjectId, e.WaitSource, e.StackId, e.TimeMs, e.ProcessId, e.TimeMs, 1);
        if (_handleWaits.TryGetValue(e.ThreadId, out HandleWait last))
        {
            if (last.HasEnded && last.Source == next.Source
                && ((last.StackId >= 0 && last.StackId == next.StackId) || (last.ObjectId != 0 && last.ObjectId == next.ObjectId)))
            {
                next = next with { SinceMs = last.SinceMs, Slices = last.Slices + 1, LongestSliceMs = Math.Max(last.LongestSliceMs, last.LastSliceMs) };
            }
            else
            {
                SettleHandleWait(e.ThreadId, e.TimeMs, onlyEnded: false);
            }
        }

        _handleWaits[e.ThreadId] = next;
    }

    /// <summary>The thread ran its own code: its lock wait and its handle wait, ended or not, are over.</summary>
    private void DropOwnWork(int tid, double timeMs)
    {
        if (_lockWaits.Count > 0 && _lockWaits.Remove(tid, out LockWait wait))
        {
            EndLockWait(tid, wait, timeMs, double.NaN, lost: true);
        }

        SettleHandleWait(tid, timeMs, onlyEnded: false);
    }

    private void SettleHandleWait(int tid, double timeMs, bool onlyEnded)
    {
        if (_handleWaits.Count == 0 || !_handleWaits.TryGetValue(tid, out HandleWait wait) || (onlyEnded && !wait.HasEnded))
        {
            return;
        }

        _handleWaits.Remove(tid);
        _hasSettledHandle = true;
        _settledHandle = new SettledHandleWait(tid, wait, wait.HasEnded ? wait.EndedMs : timeMs, Lost: !wait.HasEnded);
    }

    private void EndLockWait(int tid, LockWait wait, double timeMs, double durationNs, bool lost)
    {
        _hasEndedLock = true;
        double ms = durationNs > 0 ? durationNs / 1e6 : timeMs - wait.SinceMs;
        _endedLock = new EndedLockWait(tid, wait, ms, timeMs, lost);
    }

    private void SetOwner(ulong lockId, int owner)
    {
        if (lockId == _lastOwnedLock && owner == _lastOwner)
        {
            return;
        }

        CollectionsMarshal.GetValueRefOrAddDefault(_owners, lockId, out _) = owner;
        (_lastOwnedLock, _lastOwner) = (lockId, owner);
    }
}

/// <summary>A thread blocked on a task (Wait, .Result, GetAwaiter().GetResult()) since <see cref="SinceMs"/>.</summary>
public readonly record struct TaskWait(ulong TaskId, int StackId, double SinceMs, int ProcessId);

/// <summary>A thread waiting for a contended lock since <see cref="SinceMs"/>; <see cref="OwnerAtStart"/> is the holder the
/// runtime named when the wait began (0 when it did not).</summary>
public readonly record struct LockWait(ulong LockId, ulong ObjectId, int OwnerAtStart, int StackId, double SinceMs, int ProcessId);

/// <summary>A thread in a runtime wait (a handle, Monitor.Wait, a slim primitive), as one block since
/// <see cref="SinceMs"/> over <see cref="Slices"/> consecutive waits from the same place; the current slice began at
/// <see cref="SliceSinceMs"/>.</summary>
public readonly record struct HandleWait(ulong ObjectId, WaitSource Source, int StackId, double SinceMs, int ProcessId, double SliceSinceMs, int Slices)
{
    /// <summary>When the current slice ended (NaN while it lasts).</summary>
    public double EndedMs { get; init; } = double.NaN;

    /// <summary>The longest slice before the current one (0 for the first).</summary>
    public double LongestSliceMs { get; init; }

    public bool HasEnded => !double.IsNaN(EndedMs);

    /// <summary>How long the current slice lasted (to its end, or 0 while it lasts).</summary>
    public double LastSliceMs => HasEnded ? EndedMs - SliceSinceMs : 0;

    /// <summary>How long the current slice has lasted by <paramref name="nowMs"/>.</summary>
    public double SliceMs(double nowMs) => (HasEnded ? EndedMs : nowMs) - SliceSinceMs;
}

/// <summary>A lock wait that ended after <see cref="DurationMs"/>; <see cref="Lost"/> when its stop never came and
/// something else proved it over.</summary>
public readonly record struct EndedLockWait(int ThreadId, LockWait Wait, double DurationMs, double EndMs, bool Lost);

/// <summary>A handle-wait block that is over: it ended at <see cref="EndMs"/> and the thread went on.</summary>
public readonly record struct SettledHandleWait(int ThreadId, HandleWait Wait, double EndMs, bool Lost)
{
    public double DurationMs => EndMs - Wait.SinceMs;
}

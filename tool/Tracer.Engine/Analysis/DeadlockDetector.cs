using System.Runtime.InteropServices;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Finds wait-for cycles over contended locks the moment the last edge appears.
/// <para>
/// Each waiting thread has one outgoing edge: thread → owner of the lock it waits for. The runtime names the owner
/// in ContentionStart (.NET 8+, an OS thread id); a waiter that gets the lock becomes its owner. Ownership is "last
/// known", so a cycle built on a stale owner is possible in principle; a real deadlock never makes progress, so a
/// cycle is withdrawn as soon as any thread in it gets its lock.
/// </para>
/// <para>
/// When EventPipe drops events, a ContentionStop can be lost and the thread seem to wait for ever: a cycle built on
/// that wait would be false. A thread blocked in a lock does nothing else, so any later event of its own (per-thread
/// order is kept, live and replay) proves the wait ended: the wait is forgotten and a cycle through it withdrawn.
/// </para>
/// <para>
/// With task events, a thread blocked on a task (Wait, .Result, GetAwaiter().GetResult()) has an edge to the thread
/// running that task: the cycle of dotnet/runtime#80697, where main blocks on a Task.Run whose thread waits for a lock
/// main holds (the DI scope's), is a deadlock over one lock and one task. The cycle is withdrawn when the wait on the
/// task ends or the task completes.
/// </para>
/// <para>
/// A cycle is reported once it has held <see cref="AnalysisOptions.DeadlockConfirmAfter"/> of trace time (checked on
/// each later record, at each live checkpoint and at the end): an owner that let its lock go just before its own next
/// wait, whose woken waiter the scheduler has not run yet, closes a cycle for a few ms on a loaded machine (seen: a
/// healthy Parallel.For under 4 CPU hogs). A cycle the trace's end cuts shorter is not reported.
/// </para>
/// <para>Waits and owners are the model's <see cref="WaitTracker"/> (one it owns when none is given, as in unit tests).</para>
/// </summary>
public sealed class DeadlockDetector(WaitTracker? waits = null, AnalysisOptions? options = null) : IDetector
{
    private readonly bool _ownsWaits = waits is null;
    private readonly WaitTracker _waits = waits ?? new WaitTracker();
    private readonly double _confirmMs = (options ?? new AnalysisOptions()).DeadlockConfirmAfter.TotalMilliseconds;
    private readonly Dictionary<string, int[]> _reported = new();

    /// <summary>Cycles closed and not yet held long enough: their threads and the finding as it closed.</summary>
    private readonly Dictionary<string, (int[] Threads, Finding Finding)> _pending = new();
    private readonly List<int> _walkOrder = [];
    private readonly Dictionary<int, int> _walkPosition = new();
    private const int ShortWalk = 16;

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.ContentionStart or TraceEventKind.ContentionStop or TraceEventKind.ThreadExited or TraceEventKind.Probe
            or TraceEventKind.TaskEvent or TraceEventKind.PoolEnqueue or TraceEventKind.PoolDequeue or TraceEventKind.PoolWorkerStart
            or TraceEventKind.PoolWorkerStop or TraceEventKind.PoolWorkerWait;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (_ownsWaits)
        {
            _waits.Apply(e);
        }

        // A wait that ended (its stop, or a lost stop implied by a new contention, the thread's own work or its exit)
        // breaks every cycle through the thread.
        if (e.Kind == TraceEventKind.ContentionStop || _waits.TryGetEndedLockWait(e, out _)
            || (e.Kind == TraceEventKind.TaskEvent && (TaskEventReason)e.Reason is TaskEventReason.TaskWaitEnd or TaskEventReason.TaskCompleted or TaskEventReason.TaskFaulted))
        {
            RetractCyclesWith(e.ThreadId, sink);
        }

        if (e.Kind == TraceEventKind.ContentionStart || (e.Kind == TraceEventKind.TaskEvent && (TaskEventReason)e.Reason == TaskEventReason.TaskWaitBegin))
        {
            FindCycleFrom(e.ThreadId);
        }

        ConfirmHeld(e.TimeMs, sink);
    }

    public void Checkpoint(double nowMs, IFindingSink sink) => ConfirmHeld(nowMs, sink);

    public void Complete(double endMs, IFindingSink sink) => ConfirmHeld(endMs, sink);

    private void ConfirmHeld(double nowMs, IFindingSink sink)
    {
        if (_pending.Count == 0)
        {
            return; // every record ends here: no copy of an empty set
        }

        foreach ((string key, (int[] threads, Finding finding)) in _pending.ToArray())
        {
            if (nowMs - finding.TimeMs >= _confirmMs)
            {
                _pending.Remove(key);
                _reported[key] = threads;
                sink.Report(finding);
            }
        }
    }

    private void FindCycleFrom(int start)
    {
        // Each thread has at most one outgoing edge, so the walk is a path; a repeat is a cycle. Runs on every contention:
        // the two collections are reused, not allocated per call, and a short path (nearly always one or two threads)
        // is searched in the list instead of hashed.
        List<int> order = _walkOrder;
        Dictionary<int, int> position = _walkPosition;
        order.Clear();
        if (position.Count > 0)
        {
            position.Clear();
        }

        int current = start;
        while (true)
        {
            int first = order.Count <= ShortWalk ? order.IndexOf(current) : position.GetValueOrDefault(current, -1);
            if (first >= 0)
            {
                Hold(order.GetRange(first, order.Count - first));
                return;
            }

            if (!_waits.TryGetWaitedThread(current, out int owner) || owner == current)
            {
                return;
            }

            if (order.Count == ShortWalk)
            {
                for (int i = 0; i < order.Count; i++)
                {
                    position[order[i]] = i;
                }
            }

            if (order.Count >= ShortWalk)
            {
                position[current] = order.Count;
            }

            order.Add(current);
            current = owner;
        }
    }

    private void Hold(List<int> cycle)
    {
        // Start the cycle at its smallest thread id so that the same cycle always reads the same way.
        int rotate = cycle.IndexOf(cycle.Min());
        int[] threads = [.. cycle.Skip(rotate), .. cycle.Take(rotate)];
        string key = "deadlock:" + string.Join(",", threads.Order());
        if (_reported.ContainsKey(key) || _pending.ContainsKey(key))
        {
            return;
        }

        _pending[key] = (threads, Build(key, threads));
    }

    private Finding Build(string key, int[] threads)
    {
        var members = new List<FindingThread>(threads.Length);
        var locks = new List<FindingLock>(threads.Length);
        var details = new List<string>();
        for (int i = 0; i < threads.Length; i++)
        {
            int holder = threads[(i + 1) % threads.Length];
            if (_waits.TryGetLockWait(threads[i], out LockWait wait))
            {
                members.Add(new FindingThread(threads[i], "waits", wait.LockId, holder, wait.StackId, wait.SinceMs, wait.ProcessId));
                locks.Add(new FindingLock(wait.LockId, wait.ObjectId, holder));
            }
            else if (_waits.TryGetTaskWaitRunner(threads[i], out TaskWait task, out _))
            {
                members.Add(new FindingThread(threads[i], $"blocks on task {task.TaskId} (Wait/.Result)", null, holder, task.StackId, task.SinceMs, task.ProcessId));
                details.Add($"tid {threads[i]} blocks on task {task.TaskId} (Task.Wait, .Result or GetAwaiter().GetResult()), which runs on tid {holder}");
            }
        }

        int tasks = threads.Length - locks.Count;
        string over = tasks == 0 ? $"{locks.Count} locks" : $"{Count(locks.Count, "lock")} and {Count(tasks, "task")}";
        if (tasks > 0)
        {
            details.Add("a thread that blocks on a task waits for the thread running it: make the wait async (await), or do not hold a lock across it");
        }

        // The cycle closed when its last wait began: independent of the order events from different threads arrive in.
        double closedMs = members.Max(m => m.SinceMs);
        return new Finding
        {
            Kind = FindingKinds.Deadlock,
            Severity = Severity.Critical,
            Summary = $"{threads.Length} threads wait for each other in a cycle over {over}",
            TimeMs = closedMs,
            Key = key,
            Threads = members,
            Locks = locks,
            Details = details,
            Metrics = new Dictionary<string, double> { ["threads"] = threads.Length, ["closedAtMs"] = closedMs },
        };
    }

    private void RetractCyclesWith(int threadId, IFindingSink sink)
    {
        if (_pending.Count > 0)
        {
            foreach ((string key, (int[] threads, _)) in _pending.ToArray())
            {
                if (Array.IndexOf(threads, threadId) >= 0)
                {
                    _pending.Remove(key);
                }
            }
        }

        if (_reported.Count == 0)
        {
            return; // every contention ends here: no copy of an empty set
        }

        foreach ((string key, int[] threads) in _reported.ToArray())
        {
            if (Array.IndexOf(threads, threadId) >= 0)
            {
                _reported.Remove(key);
                sink.Retract(key);
            }
        }
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}

using System.Runtime.InteropServices;
using Tracer.Engine.Events;

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
/// </summary>
public sealed class DeadlockDetector : IDetector
{
    private readonly ThreadMap<Wait> _waiting = new();
    private readonly Dictionary<ulong, LockState> _locks = new();
    private LockState? _lastLock; // a contended program mostly contends one lock: most lookups end here
    private readonly Dictionary<string, int[]> _reported = new();
    private readonly List<int> _walkOrder = [];
    private readonly Dictionary<int, int> _walkPosition = new();
    private const int ShortWalk = 16;

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.ContentionStart or TraceEventKind.ContentionStop or TraceEventKind.ThreadExited or TraceEventKind.Probe
            or TraceEventKind.TaskEvent or TraceEventKind.PoolEnqueue or TraceEventKind.PoolDequeue or TraceEventKind.PoolWorkerStart
            or TraceEventKind.PoolWorkerStop or TraceEventKind.PoolWorkerWait;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
                if (_waiting.TryGetValue(e.ThreadId, out Wait previous) && previous.LockId != e.LockId)
                {
                    RetractCyclesWith(e.ThreadId, sink); // waits for another lock now: the previous wait ended, its stop was lost
                }

                _waiting[e.ThreadId] = new Wait(e.LockId, e.TimeMs, e.StackId, e.ProcessId);
                LockState state = Lock(e.LockId);
                state.ObjectId = e.ObjectId;
                if (e.OwnerThreadId != 0)
                {
                    state.SetOwner(e.OwnerThreadId);
                }

                FindCycleFrom(e.ThreadId, sink);
                break;

            case TraceEventKind.ContentionStop:
                if (_waiting.Remove(e.ThreadId, out Wait done))
                {
                    Lock(done.LockId).SetOwner(e.ThreadId);
                }

                RetractCyclesWith(e.ThreadId, sink);
                break;

            case TraceEventKind.ThreadExited:
                _waiting.Remove(e.ThreadId);
                RetractCyclesWith(e.ThreadId, sink);
                break;

            // Work the thread does itself. (Wait-handle events are left out: a contended lock waits on its own
            // handle inside the contention; counter samples come from the runtime's poller thread.)
            case TraceEventKind.Probe or TraceEventKind.TaskEvent or TraceEventKind.PoolEnqueue or TraceEventKind.PoolDequeue
                or TraceEventKind.PoolWorkerStart or TraceEventKind.PoolWorkerStop or TraceEventKind.PoolWorkerWait:
                if (_waiting.Remove(e.ThreadId))
                {
                    RetractCyclesWith(e.ThreadId, sink); // it runs, so the lost stop is implied
                }

                break;
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        // Cycles are reported when they close; nothing is left to decide at the end.
    }

    private void FindCycleFrom(int start, IFindingSink sink)
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
                Report(order.GetRange(first, order.Count - first), sink);
                return;
            }

            if (!_waiting.TryGetValue(current, out Wait wait) || FindLock(wait.LockId) is not { HasOwner: true, Owner: int owner } || owner == current)
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

    private void Report(List<int> cycle, IFindingSink sink)
    {
        // Start the cycle at its smallest thread id so that the same cycle always reads the same way.
        int rotate = cycle.IndexOf(cycle.Min());
        int[] threads = [.. cycle.Skip(rotate), .. cycle.Take(rotate)];
        string key = "deadlock:" + string.Join(",", threads.Order());
        if (_reported.ContainsKey(key))
        {
            return;
        }

        _reported[key] = threads;
        var members = new List<FindingThread>(threads.Length);
        var locks = new List<FindingLock>(threads.Length);
        for (int i = 0; i < threads.Length; i++)
        {
            Wait wait = _waiting[threads[i]];
            int holder = threads[(i + 1) % threads.Length];
            members.Add(new FindingThread(threads[i], "waits", wait.LockId, holder, wait.StackId, wait.SinceMs, wait.ProcessId));
            locks.Add(new FindingLock(wait.LockId, FindLock(wait.LockId)?.ObjectId ?? 0, holder));
        }

        // The cycle closed when its last wait began: independent of the order events from different threads arrive in.
        double closedMs = members.Max(m => m.SinceMs);
        sink.Report(new Finding
        {
            Kind = FindingKinds.Deadlock,
            Severity = Severity.Critical,
            Summary = $"{threads.Length} threads wait for each other in a cycle over {threads.Length} locks",
            TimeMs = closedMs,
            Key = key,
            Threads = members,
            Locks = locks,
            Metrics = new Dictionary<string, double> { ["threads"] = threads.Length, ["closedAtMs"] = closedMs },
        });
    }

    private void RetractCyclesWith(int threadId, IFindingSink sink)
    {
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

    private LockState Lock(ulong lockId)
    {
        if (_lastLock is not null && _lastLock.LockId == lockId)
        {
            return _lastLock;
        }

        ref LockState? state = ref CollectionsMarshal.GetValueRefOrAddDefault(_locks, lockId, out _);
        return _lastLock = state ??= new LockState(lockId);
    }

    private LockState? FindLock(ulong lockId) =>
        _lastLock is not null && _lastLock.LockId == lockId ? _lastLock : _locks.GetValueOrDefault(lockId);

    /// <summary>What is known of a lock: its object and its last known owner.</summary>
    private sealed class LockState(ulong lockId)
    {
        public ulong LockId { get; } = lockId;
        public ulong ObjectId { get; set; }
        public bool HasOwner { get; private set; }
        public int Owner { get; private set; }

        public void SetOwner(int owner) => (HasOwner, Owner) = (true, owner);
    }

    private readonly record struct Wait(ulong LockId, double SinceMs, int StackId, int ProcessId);
}

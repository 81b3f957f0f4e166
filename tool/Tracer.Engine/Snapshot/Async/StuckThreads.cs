using Tracer.Engine.Symbols;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// Threads blocked at the snapshot in a wait that only another thread can end: on an object (an event, a semaphore, a
/// Monitor.Wait condition, a barrier, a task) or on a thread (a lock's owner, a joined thread). The reachability mark
/// does not take their stacks as roots until that end is possible: a thread that cannot run signals nothing. Sleeps,
/// idle points and running threads stay ordinary roots (they run again by themselves, or when work comes).
/// </summary>
internal sealed class StuckThreads
{
    private readonly Dictionary<ulong, List<int>> _bySubject = new();
    private readonly Dictionary<int, List<int>> _byThread = new();
    private readonly HashSet<int> _stuck = [];

    private StuckThreads()
    {
    }

    public static StuckThreads None { get; } = new();

    /// <summary>Objects stuck threads wait on (the ones whose reach is judged).</summary>
    public IEnumerable<ulong> Subjects => _bySubject.Keys;

    public int Count => _stuck.Count;

    public bool IsStuck(int threadId) => _stuck.Contains(threadId);

    /// <summary>Stuck threads that can run once <paramref name="subject"/> is reachable by code that runs.</summary>
    public IReadOnlyList<int> WaitingOn(ulong subject) => _bySubject.GetValueOrDefault(subject) ?? [];

    /// <summary>Stuck threads that can run once thread <paramref name="threadId"/> runs (its lock's waiters, its joiners).</summary>
    public IReadOnlyList<int> WaitingFor(int threadId) => _byThread.GetValueOrDefault(threadId) ?? [];

    public static StuckThreads From(ProcessSnapshot snapshot)
    {
        var waits = BlockedThread.From(snapshot).Where(b => b.Kind != WaitKind.Sleep).ToDictionary(b => b.Thread.OsThreadId);

        // A wait for a thread that is not stuck itself (or not known) ends when that thread goes on: not stuck.
        bool dropped = true;
        while (dropped)
        {
            dropped = false;
            foreach (BlockedThread b in waits.Values.ToList())
            {
                bool stuck = ThreadWaitedFor(b, snapshot) is int other ? waits.ContainsKey(other) : b.ObjectId != 0 && !WaitsForThread(b.Kind);
                if (!stuck)
                {
                    waits.Remove(b.Thread.OsThreadId);
                    dropped = true;
                }
            }
        }

        var stuckThreads = new StuckThreads();
        foreach (BlockedThread b in waits.Values)
        {
            stuckThreads._stuck.Add(b.Thread.OsThreadId);
            if (ThreadWaitedFor(b, snapshot) is int other)
            {
                Add(stuckThreads._byThread, other, b.Thread.OsThreadId);
            }
            else
            {
                Add(stuckThreads._bySubject, b.ObjectId, b.Thread.OsThreadId);
            }
        }

        return stuckThreads;
    }

    private static bool WaitsForThread(WaitKind kind) => WaitClassifier.HasOwner(kind) || kind == WaitKind.ThreadJoin;

    /// <summary>The thread a lock wait or a join waits for, when the snapshot names it.</summary>
    private static int? ThreadWaitedFor(BlockedThread b, ProcessSnapshot snapshot) =>
        WaitClassifier.HasOwner(b.Kind) ? b.Lock?.OwnerOsThreadId
        : b.Kind == WaitKind.ThreadJoin && snapshot.ThreadObjects.TryGetValue(b.ObjectId, out int joined) ? joined
        : null;

    private static void Add<TKey>(Dictionary<TKey, List<int>> map, TKey key, int threadId)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out List<int>? list))
        {
            map[key] = list = [];
        }

        list.Add(threadId);
    }
}

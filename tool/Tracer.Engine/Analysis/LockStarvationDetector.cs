using System.Runtime.InteropServices;
using Tracer.Engine.Events;
using Tracer.Engine.Model;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Finds threads starved of a lock: they queue for it again and again (often Monitor.TryEnter with a timeout that
/// runs out, which the runtime reports as a contention start/stop pair like any other wait) and are never seen
/// holding it, while other threads are seen holding it over and over.
/// <para>
/// "Seen holding" comes from ContentionStart's owner field: the runtime names the holder whenever someone waits. A
/// thread that takes the lock only when nobody else wants it is invisible there, so a thread counts as starved only
/// if it waited many times, for long in total, and was named holder in at most a fifth as many waits as it made,
/// while others were named holder many times. Decided at the end (or when a live session asks) from per-thread
/// counts only, so the result does not depend on the order events from different threads arrive in.
/// </para>
/// <para>
/// The wait must also be a real share of the thread's time: from its first wait to the end of its last, it waited at
/// least <see cref="MinWaitingShare"/> of the time. A request thread that queues for a logger's lock now and then
/// (181 ms in ten minutes) is not starved; the polite threads of a starvation demo wait for a third of their time.
/// </para>
/// <para>
/// Only a wait that can give up can starve: a thread whose every wait is a blocking enter (<c>lock</c>, Monitor.Enter,
/// Lock.Enter, read from its stacks by the <see cref="WaitClassifier"/> through <paramref name="frames"/>) got the lock
/// at the end of each wait, so however rarely it was named holder it is not starved of it. On a loaded machine the
/// threads of a plain convoy are descheduled while they hold the lock and so are seldom named; they are the convoy's
/// waiters, not starved threads. A thread whose stacks are unknown is judged by the counts alone.
/// </para>
/// </summary>
public sealed class LockStarvationDetector(WaitTracker? waits = null, Func<int, IReadOnlyList<string>>? frames = null) : IDetector
{
    /// <summary>Distinct wait stacks kept per thread and lock (a loop waits at one or two places).</summary>
    private const int MaxStacksPerThread = 8;

    /// <summary>A starved thread waited at least this often...</summary>
    public const int MinWaits = 10;
    /// <summary>...and at least this long in total (ms)...</summary>
    public const double MinWaitMs = 100;
    /// <summary>...while the lock was seen held by others at least this often.</summary>
    public const int MinOtherHolds = 10;
    /// <summary>A starved thread was named holder in at most 1/MaxHoldShare of its waits (each turn it gets may be seen by several waiters)...</summary>
    public const int MaxHoldShare = 5;
    /// <summary>...and spent at least this share of the span of its waits waiting (0..1).</summary>
    public const double MinWaitingShare = 0.05;

    private readonly Dictionary<ulong, LockStats> _locks = new();
    private readonly HashSet<string> _reported = [];
    private readonly bool _ownsWaits = waits is null;
    private readonly WaitTracker _waits = waits ?? new WaitTracker();
    private ulong _lastLockId;
    private LockStats? _lastLock; // a contended program mostly contends one lock: most lookups end here

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.ContentionStart or TraceEventKind.ContentionStop;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (_ownsWaits)
        {
            _waits.Apply(e);
        }

        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
            {
                LockStats stats = Lock(e.LockId, e.ObjectId);

                ThreadStats waiter = stats.Thread(e.ThreadId, e.ProcessId);
                waiter.Waits++;
                if (waiter.FirstWaitMs < 0)
                {
                    waiter.FirstWaitMs = e.TimeMs;
                }

                if (waiter.StackId < 0 && e.StackId >= 0)
                {
                    waiter.StackId = e.StackId;
                }

                if (e.StackId >= 0 && !waiter.StackIds.Contains(e.StackId))
                {
                    if (waiter.StackIds.Count < MaxStacksPerThread)
                    {
                        waiter.StackIds.Add(e.StackId);
                    }
                    else
                    {
                        waiter.MoreStacks = true; // not all its places are known: judged by the counts alone
                    }
                }

                if (e.OwnerThreadId != 0)
                {
                    stats.Thread(e.OwnerThreadId, e.ProcessId).SeenHolding++;
                }
                break;
            }

            case TraceEventKind.ContentionStop:
                if (_waits.TryGetEndedLockWait(e, out EndedLockWait ended) && !ended.Lost && FindLock(ended.Wait.LockId) is { } waited)
                {
                    ThreadStats waiter = waited.Thread(e.ThreadId, e.ProcessId);
                    waiter.WaitMs += ended.DurationMs;
                    waiter.LastWaitEndMs = Math.Max(waiter.LastWaitEndMs, e.TimeMs);
                }

                break;
        }
    }

    private LockStats Lock(ulong lockId, ulong objectId)
    {
        if (FindLock(lockId) is { } stats)
        {
            return stats;
        }

        stats = new LockStats(objectId);
        _locks.Add(lockId, stats);
        (_lastLockId, _lastLock) = (lockId, stats);
        return stats;
    }

    private LockStats? FindLock(ulong lockId)
    {
        if (_lastLock is not null && _lastLockId == lockId)
        {
            return _lastLock;
        }

        if (_locks.TryGetValue(lockId, out LockStats? stats))
        {
            (_lastLockId, _lastLock) = (lockId, stats);
        }

        return stats;
    }

    public void Checkpoint(double nowMs, IFindingSink sink) => Complete(nowMs, sink);

    public void Complete(double endMs, IFindingSink sink)
    {
        // Asked again and again live: a lock whose starved threads got it since is withdrawn.
        var reported = new HashSet<string>();
        foreach ((ulong lockId, LockStats stats) in _locks)
        {
            List<(int Id, ThreadStats Stats)> starved = [.. stats.Threads
                .Where(t => t.Value.Waits >= MinWaits && t.Value.WaitMs >= MinWaitMs && t.Value.SeenHolding * MaxHoldShare <= t.Value.Waits
                    && t.Value.WaitingShare >= MinWaitingShare && !OnlyBlockingEnters(t.Value))
                .Select(t => (t.Key, t.Value))
                .OrderBy(t => t.Key)];
            if (starved.Count == 0)
            {
                continue;
            }

            var starvedIds = starved.Select(s => s.Id).ToHashSet();
            List<(int Id, ThreadStats Stats)> holders = [.. stats.Threads
                .Where(t => !starvedIds.Contains(t.Key) && t.Value.SeenHolding > 0)
                .Select(t => (t.Key, t.Value))
                .OrderByDescending(t => t.Value.SeenHolding).ThenBy(t => t.Key)];
            int otherHolds = holders.Sum(h => h.Stats.SeenHolding);
            if (otherHolds < MinOtherHolds)
            {
                continue;
            }

            Report(lockId, stats, starved, holders, otherHolds, sink);
            reported.Add(KeyOf(lockId));
        }

        foreach (string key in _reported.Where(k => !reported.Contains(k)).ToList())
        {
            sink.Retract(key);
        }

        _reported.Clear();
        _reported.UnionWith(reported);
    }

    /// <summary>Every wait stack of the thread is a blocking enter: each of its waits ended holding the lock.</summary>
    private bool OnlyBlockingEnters(ThreadStats thread) =>
        frames is not null && thread.StackIds.Count > 0 && !thread.MoreStacks
        && thread.StackIds.All(id => WaitClassifier.EndsHoldingTheLock(frames(id)));

    private static string KeyOf(ulong lockId) => $"starvation:lock:{lockId:x}";

    private static void Report(ulong lockId, LockStats stats, List<(int Id, ThreadStats Stats)> starved,
        List<(int Id, ThreadStats Stats)> holders, int otherHolds, IFindingSink sink)
    {
        int topHolder = holders[0].Id;
        var threads = new List<FindingThread>();
        var details = new List<string>();
        foreach ((int id, ThreadStats s) in starved)
        {
            threads.Add(new FindingThread(id, "starved", lockId, topHolder, s.StackId, s.FirstWaitMs, s.ProcessId));
            details.Add($"tid {id}: waited {s.Waits} times ({s.WaitMs:F0} ms in all, {s.WaitingShare:P0} of its {s.SpanMs / 1000:F2} s from first wait to last), seen holding the lock {s.SeenHolding} times");
        }

        foreach ((int id, ThreadStats s) in holders)
        {
            threads.Add(new FindingThread(id, "holds", null, null, -1, s.FirstWaitMs < 0 ? 0 : s.FirstWaitMs, s.ProcessId));
            details.Add($"tid {id}: seen holding the lock {s.SeenHolding} times, waited {s.Waits} times");
        }

        details.Add("a Monitor is not fair: a thread that gives up (TryEnter timeout) or backs off loses to threads already queued; hand the lock over in order (a ticket lock, SemaphoreSlim.WaitAsync queue) or let every thread block");
        int totalWaits = starved.Sum(s => s.Stats.Waits);
        double totalMs = starved.Sum(s => s.Stats.WaitMs);
        sink.Report(new Finding
        {
            Kind = FindingKinds.Starvation,
            Severity = Severity.Error,
            Summary = $"{starved.Count} thread(s) starved of a lock: {totalWaits} waits ({totalMs:F0} ms), never or rarely holding it, while {holders.Count} other thread(s) held it {otherHolds} times",
            TimeMs = starved.Min(s => s.Stats.FirstWaitMs),
            Key = KeyOf(lockId),
            Threads = threads,
            Locks = [new FindingLock(lockId, stats.ObjectId, topHolder)],
            Details = details,
            Metrics = new Dictionary<string, double>
            {
                ["starvedThreads"] = starved.Count,
                ["starvedWaits"] = totalWaits,
                ["starvedWaitMs"] = Math.Round(totalMs, 3),
                ["otherHolds"] = otherHolds,
            },
        });
    }

    private sealed class LockStats(ulong objectId)
    {
        public ulong ObjectId { get; } = objectId;
        public Dictionary<int, ThreadStats> Threads { get; } = new();

        public ThreadStats Thread(int threadId, int processId)
        {
            ref ThreadStats? t = ref CollectionsMarshal.GetValueRefOrAddDefault(Threads, threadId, out _);
            return t ??= new ThreadStats(processId);
        }
    }

    private sealed class ThreadStats(int processId)
    {
        public int ProcessId { get; } = processId;
        public int Waits { get; set; }
        public double WaitMs { get; set; }
        public int SeenHolding { get; set; }
        public double FirstWaitMs { get; set; } = -1;
        public double LastWaitEndMs { get; set; }
        public int StackId { get; set; } = -1;
        public HashSet<int> StackIds { get; } = [];
        /// <summary>It waited at more places than <see cref="StackIds"/> keeps.</summary>
        public bool MoreStacks { get; set; }

        /// <summary>From its first wait to the end of its last (at least 1 ms).</summary>
        public double SpanMs => Math.Max(1, LastWaitEndMs - FirstWaitMs);

        public double WaitingShare => WaitMs / SpanMs;
    }
}

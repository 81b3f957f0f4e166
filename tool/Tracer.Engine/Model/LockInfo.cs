using System.Runtime.InteropServices;

namespace Tracer.Engine.Model;

/// <summary>Contention statistics of one runtime lock (a Monitor's sync block or a System.Threading.Lock).</summary>
public sealed class LockInfo(ulong lockId, ulong objectId)
{
    private WaitHistogram _waits = new();

    public ulong LockId { get; } = lockId;
    /// <summary>Address of the object the lock belongs to (the `lock (x)` target), when the runtime said.</summary>
    public ulong ObjectId { get; set; } = objectId;
    public int Contentions { get; private set; }
    public double TotalWaitNs { get; private set; }
    public double MaxWaitNs { get; private set; }
    /// <summary>Owners named by the runtime at contention time, with how often each was seen.</summary>
    public Dictionary<int, int> Owners { get; } = new();
    /// <summary>Threads that waited, with their wait counts.</summary>
    public Dictionary<int, int> Waiters { get; } = new();
    /// <summary>Waiting stacks (stack id) with counts.</summary>
    public Dictionary<int, int> WaitStacks { get; } = new();
    /// <summary>Last owner known: from a ContentionStart's owner field, or the waiter that got the lock.</summary>
    public int LastKnownOwner { get; set; }
    public double FirstContentionMs { get; private set; } = double.NaN;
    public double LastContentionMs { get; private set; }

    /// <summary>How many waits ended (the ones percentiles are over).</summary>
    public long EndedWaits => _waits.Count;

    /// <summary>A copy for a <see cref="ModelView"/>: read elsewhere while this one keeps counting.</summary>
    internal LockInfo Copy()
    {
        var copy = new LockInfo(LockId, ObjectId)
        {
            _waits = _waits.Copy(),
            Contentions = Contentions,
            TotalWaitNs = TotalWaitNs,
            MaxWaitNs = MaxWaitNs,
            LastKnownOwner = LastKnownOwner,
            FirstContentionMs = FirstContentionMs,
            LastContentionMs = LastContentionMs,
        };
        copy.Owners.EnsureCapacity(Owners.Count);
        foreach (KeyValuePair<int, int> kv in Owners)
        {
            copy.Owners.Add(kv.Key, kv.Value);
        }

        foreach (KeyValuePair<int, int> kv in Waiters)
        {
            copy.Waiters.Add(kv.Key, kv.Value);
        }

        foreach (KeyValuePair<int, int> kv in WaitStacks)
        {
            copy.WaitStacks.Add(kv.Key, kv.Value);
        }

        return copy;
    }

    internal void OnContention(double timeMs, int waiter, int owner, int stackId)
    {
        Contentions++;
        if (double.IsNaN(FirstContentionMs))
        {
            FirstContentionMs = timeMs;
        }

        LastContentionMs = timeMs;
        // One hash lookup per count (runs for every contention).
        CollectionsMarshal.GetValueRefOrAddDefault(Waiters, waiter, out _)++;
        if (owner != 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(Owners, owner, out _)++;
            LastKnownOwner = owner;
        }

        if (stackId >= 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(WaitStacks, stackId, out _)++;
        }
    }

    internal void OnWaitEnded(double durationNs, int newOwner)
    {
        _waits.Add(durationNs);
        TotalWaitNs += durationNs;
        MaxWaitNs = Math.Max(MaxWaitNs, durationNs);
        LastKnownOwner = newOwner;
    }

    /// <summary>Wait-time percentile in ns over the waits that ended (0 when none did); exact up to
    /// <see cref="WaitHistogram.ExactLimit"/> waits, within 3 % beyond.</summary>
    public double PercentileWaitNs(double p) => _waits.Percentile(p);
}

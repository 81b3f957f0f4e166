namespace Tracer.Engine.Model;

/// <summary>Contention statistics of one runtime lock (a Monitor's sync block or a System.Threading.Lock).</summary>
public sealed class LockInfo(ulong lockId, ulong objectId)
{
    private readonly List<double> _waitsNs = [];
    private double[] _sorted = [];

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

    public IReadOnlyList<double> WaitsNs => _waitsNs;

    internal void OnContention(double timeMs, int waiter, int owner, int stackId)
    {
        Contentions++;
        if (double.IsNaN(FirstContentionMs))
        {
            FirstContentionMs = timeMs;
        }

        LastContentionMs = timeMs;
        Waiters[waiter] = Waiters.GetValueOrDefault(waiter) + 1;
        if (owner != 0)
        {
            Owners[owner] = Owners.GetValueOrDefault(owner) + 1;
            LastKnownOwner = owner;
        }

        if (stackId >= 0)
        {
            WaitStacks[stackId] = WaitStacks.GetValueOrDefault(stackId) + 1;
        }
    }

    internal void OnWaitEnded(double durationNs, int newOwner)
    {
        _waitsNs.Add(durationNs);
        TotalWaitNs += durationNs;
        MaxWaitNs = Math.Max(MaxWaitNs, durationNs);
        LastKnownOwner = newOwner;
    }

    /// <summary>Wait-time percentile in ns over the waits that ended (0 when none did).</summary>
    /// <remarks>Keeps a sorted copy and merges only the waits added since the last call, so a UI asking every
    /// refresh on a lock with 100k+ waits does not sort them all again.</remarks>
    public double PercentileWaitNs(double p)
    {
        if (_waitsNs.Count == 0)
        {
            return 0;
        }

        if (_sorted.Length != _waitsNs.Count)
        {
            _sorted = MergeNew(_sorted, _waitsNs);
        }

        int index = (int)Math.Ceiling(p / 100.0 * _sorted.Length) - 1;
        return _sorted[Math.Clamp(index, 0, _sorted.Length - 1)];
    }

    private static double[] MergeNew(double[] sorted, List<double> all)
    {
        double[] added = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all)[sorted.Length..].ToArray();
        Array.Sort(added);
        var merged = new double[all.Count];
        int i = 0, j = 0, k = 0;
        while (i < sorted.Length && j < added.Length)
        {
            merged[k++] = sorted[i] <= added[j] ? sorted[i++] : added[j++];
        }

        while (i < sorted.Length)
        {
            merged[k++] = sorted[i++];
        }

        while (j < added.Length)
        {
            merged[k++] = added[j++];
        }

        return merged;
    }
}

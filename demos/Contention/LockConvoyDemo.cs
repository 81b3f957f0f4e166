using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.Contention;

/// <summary>
/// Bug: eight threads add their results into one shared total under one global lock, once per item, in a hot loop:
/// they spend their time queueing for the lock one after another (a convoy). All threads start together behind a
/// barrier, so they contend from the first item. Fixed: each thread sums into its own local and merges once.
/// </summary>
public static class LockConvoyDemo
{
    private const int Threads = 8;
    private const int ItemsPerThread = 20_000;
    private static readonly object s_totalLock = new();
    private static long s_total;

    public static int Run(bool fixedVariant)
    {
        s_total = 0;
        using var start = new Barrier(Threads);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            if (fixedVariant)
            {
                SumLocallyThenMerge(t);
            }
            else
            {
                AddEachItemUnderGlobalLock(t);
            }
        }) { Name = $"adder-{t}" }).ToList();
        workers.ForEach(w => w.Start());
        Console.WriteLine($"{Threads} threads add {ItemsPerThread:N0} items each ({(fixedVariant ? "local sums, one merge" : "one global lock per item")})");
        workers.ForEach(w => w.Join());
        Console.WriteLine($"total = {s_total:N0} in {clock.ElapsedMilliseconds} ms");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddEachItemUnderGlobalLock(int thread)
    {
        for (int i = 0; i < ItemsPerThread; i++)
        {
            lock (s_totalLock)
            {
                s_total += Score(thread, i);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SumLocallyThenMerge(int thread)
    {
        long local = 0;
        for (int i = 0; i < ItemsPerThread; i++)
        {
            local += Score(thread, i);
        }

        lock (s_totalLock)
        {
            s_total += local;
        }
    }

    /// <summary>A little work per item, so the lock is held long enough to matter.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Score(int thread, int item)
    {
        long x = item ^ thread;
        for (int k = 0; k < 1_000; k++)
        {
            x = (x * 31 + k) % 1_000_003;
        }

        return x;
    }
}

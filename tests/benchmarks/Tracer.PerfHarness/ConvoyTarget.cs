using System.Diagnostics;

namespace Tracer.PerfHarness;

/// <summary>The workload traced by the overhead and decode benchmarks: N threads through one global lock in a hot loop.</summary>
internal static class ConvoyTarget
{
    private static readonly object s_gate = new();
    private static long s_counter;

    /// <summary>Runs for <paramref name="seconds"/> and prints "ops N" (operations completed).</summary>
    /// <param name="yieldInside">Give the core away while holding the lock: waiters block (many contention events,
    /// for the decode benchmark). Without it the lock is held briefly and throughput is steady (for the overhead one).</param>
    public static int Run(int threads, double seconds, bool yieldInside = true)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (s_gate)
                {
                    s_counter++;
                    Thread.SpinWait(20);
                    if (yieldInside)
                    {
                        Thread.Yield(); // the others block behind it (a convoy)
                    }
                }
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Console.WriteLine($"ops {s_counter} in {clock.Elapsed.TotalSeconds:F2} s");
        return 0;
    }
}

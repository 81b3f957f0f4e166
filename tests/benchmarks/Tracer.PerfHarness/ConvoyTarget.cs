using System.Diagnostics;

namespace Tracer.PerfHarness;

/// <summary>The workload traced by the overhead and decode benchmarks: N threads through one global lock in a hot loop.</summary>
internal static class ConvoyTarget
{
    private static readonly object s_gate = new();
    private static long s_counter;

    /// <summary>Runs for <paramref name="seconds"/> and prints "ops N" (operations completed).</summary>
    public static int Run(int threads, double seconds)
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
                    Thread.Yield(); // give the core away while holding the lock: the others block behind it (a convoy)
                }
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Console.WriteLine($"ops {s_counter} in {clock.Elapsed.TotalSeconds:F2} s");
        return 0;
    }
}

using System.Diagnostics;
using Tracer.Probes;

namespace Tracer.Benchmarks;

/// <summary>
/// A probe-heavy program: 4 threads each take a traced lock, read and write a shared value, and release it, many
/// times (4 probe events per iteration). Prints its own work time, so that the traced/untraced ratio leaves out the
/// fixed start-up cost of launching under the tracer.
/// </summary>
public static class ProbeWorkload
{
    public static int Run(int iterationsPerThread)
    {
        var gate = new TracedLock("workload.gate");
        var value = new Shared<long>("workload.value");
        var watch = Stopwatch.StartNew();
        Thread[] threads = [.. Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < iterationsPerThread; i++)
            {
                using (gate.Enter())
                {
                    value.Write(value.Read() + 1);
                }

                Spin();
            }
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        watch.Stop();
        long events = 4L * threads.Length * iterationsPerThread;
        Console.WriteLine($"workload: {events:N0} probe calls in {watch.Elapsed.TotalMilliseconds:F0} ms (probes {(Probe.Enabled ? "enabled" : "disabled")})");
        return 0;
    }

    /// <summary>A little work outside the lock, as real code has.</summary>
    private static void Spin()
    {
        for (int i = 0; i < 200; i++)
        {
            Thread.SpinWait(1);
        }
    }
}

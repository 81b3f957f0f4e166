using System.Diagnostics;

namespace Tracer.RaceCorpus;

/// <summary>
/// `bench-fields`: a field-access-heavy workload for run --races' cost (tests/benchmarks/races-bench.sh runs it plain
/// and rewritten). Two threads each step their own particles (plain fields, no races); every 1,000 steps a thread takes
/// a shared lock to add to a total. Prints the time, the checked field accesses and the peak working set.
/// </summary>
internal static class FieldBenchmark
{
    private const int Particles = 1_000;
    private const int Rounds = 20_000;
    private const int Threads = 2;

    public static void Run()
    {
        var total = new Particle();
        var gate = new object();
        var watch = Stopwatch.StartNew();
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() => Step(total, gate, t)))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        watch.Stop();
        // Per particle step: 4 loads and 2 stores of fields.
        long accesses = (long)Threads * Rounds * Particles * 6;
        Console.WriteLine($"bench-fields: {watch.Elapsed.TotalMilliseconds:F0} ms, {accesses:N0} field accesses, " +
            $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB, total {total.X:F1}");
    }

    private static void Step(Particle total, object gate, int seed)
    {
        var particles = new Particle[Particles];
        for (int i = 0; i < particles.Length; i++)
        {
            particles[i] = new Particle { X = i + seed, V = 1.0 / (i + 1) };
        }

        for (int round = 0; round < Rounds; round++)
        {
            foreach (Particle p in particles)
            {
                p.V = p.V * 0.999 + 0.001;
                p.X = p.X + p.V;
            }

            if (round % 1_000 == 0)
            {
                lock (gate)
                {
                    total.X += particles[0].X;
                }
            }
        }
    }

    private sealed class Particle
    {
        public double X;
        public double V;
    }
}

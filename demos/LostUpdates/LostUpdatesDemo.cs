using Tracer.Probes;

namespace Tracer.Demos.LostUpdates;

/// <summary>
/// Ten threads each add 1 to a shared counter 1,000,000 times with <c>count++</c> (read, add, write: not atomic), so
/// increments get lost. The first increments of every thread go through probes (all would make millions of events;
/// a few hundred per thread show the race just as well, deterministically). Fixed: Interlocked.Increment.
/// </summary>
public static class LostUpdatesDemo
{
    private const int Threads = 10;
    private const int IncrementsPerThread = 1_000_000;
    private const int ProbedPerThread = 200;

    public static int Run(bool fixedVariant)
    {
        var counter = new Counter();
        using var go = new ManualResetEventSlim(); // start all adders together so that they overlap
        TracedThread[] workers = [.. Enumerable.Range(0, Threads).Select(i =>
            TracedThread.Start(() => { go.Wait(); AddMany(counter, fixedVariant); }, $"adder-{i}"))];
        go.Set();
        foreach (TracedThread worker in workers)
        {
            worker.Join();
        }

        int actual = counter.Total();
        int expected = Threads * IncrementsPerThread;
        Console.WriteLine($"expected {expected:N0}, actual {actual:N0} ({expected - actual:N0} updates lost)");
        return 0;
    }

    private static void AddMany(Counter counter, bool fixedVariant)
    {
        for (int i = 0; i < IncrementsPerThread; i++)
        {
            bool probed = i < ProbedPerThread;
            if (fixedVariant)
            {
                counter.AddAtomically(probed);
            }
            else
            {
                counter.AddRacily(probed);
            }
        }
    }

    /// <summary>The shared counter; its probe location is named "counter".</summary>
    private sealed class Counter
    {
        private readonly object _location = new();
        private int _count;

        public void AddRacily(bool probed)
        {
            if (probed)
            {
                Probe.Read(_location, "counter");
            }

            int seen = _count;
            if (probed)
            {
                Probe.Write(_location, "counter");
            }

            _count = seen + 1;
        }

        public void AddAtomically(bool probed)
        {
            // An atomic read-modify-write is a synchronisation, not a plain access: probed as acquire + release.
            if (probed)
            {
                Probe.Wait(_location, "counter");
            }

            Interlocked.Increment(ref _count);
            if (probed)
            {
                Probe.Signal(_location, "counter");
            }
        }

        /// <summary>Read by the main thread after joining every adder: ordered by the joins.</summary>
        public int Total()
        {
            Probe.Read(_location, "counter");
            return Volatile.Read(ref _count);
        }
    }
}

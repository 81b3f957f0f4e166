namespace Tracer.HangTargets;

/// <summary>
/// A high event rate for fault tests: N threads through one lock, giving the core away while holding it, so every
/// entry is a contention (ContentionStart/Stop with stacks). Runs until a line (or end of file) on stdin, at most
/// <see cref="MaxRun"/>, then prints "convoy: ops N" and exits 0.
/// </summary>
internal static class Convoy
{
    private static readonly TimeSpan MaxRun = TimeSpan.FromMinutes(5);
    private static readonly object s_gate = new();
    private static long s_ops;

    /// <summary>A short burst of contention (4 threads × 20,000 entries of one lock), then exit 0 or, with <paramref name="crash"/>,
    /// an unhandled exception (the runtime aborts: SIGABRT, exit code 134).</summary>
    public static int Burst(bool crash)
    {
        Thread[] workers = [.. Enumerable.Range(0, 4).Select(i => new Thread(() =>
        {
            for (int n = 0; n < 20_000; n++)
            {
                lock (s_gate)
                {
                    s_ops++;
                    if (n % 16 == 0)
                    {
                        Thread.Yield(); // now and then the others block behind it: contention for sure
                    }
                }
            }
        }) { Name = $"burst-{i}" })];
        foreach (Thread t in workers)
        {
            t.Start();
        }

        foreach (Thread t in workers)
        {
            t.Join();
        }

        Console.WriteLine($"burst: ops {s_ops}{(crash ? ", now crashing" : string.Empty)}");
        return crash ? throw new InvalidOperationException("crash requested (Tracer.HangTargets crash)") : 0;
    }

    public static int Run(int threads)
    {
        using var stop = new CancellationTokenSource(MaxRun);
        Thread[] workers = [.. Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (s_gate)
                {
                    s_ops++;
                    Thread.Yield(); // the others block behind it
                }
            }
        }) { Name = $"convoy-{i}", IsBackground = true })];
        foreach (Thread t in workers)
        {
            t.Start();
        }

        Console.WriteLine($"convoy: running {threads} threads; a line on stdin stops");
        _ = Task.Run(() =>
        {
            Console.In.ReadLine();
            stop.Cancel();
        });
        foreach (Thread t in workers)
        {
            t.Join();
        }

        Console.WriteLine($"convoy: ops {Interlocked.Read(ref s_ops)}");
        return 0;
    }
}

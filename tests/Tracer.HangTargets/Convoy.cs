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

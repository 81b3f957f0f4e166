using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A supervisor that runs its work in two .NET child processes (this program's `child-worker`) and awaits their exit.
/// Each child takes jobs from a BlockingCollection on an unnamed thread that a pool thread created (on Linux it would
/// inherit ".NET TP Worker" as its OS name), fed in bursts with idle stretches, while its main thread waits for the
/// work to end. Healthy: the consumer waits for work, the parent for its children.
/// </summary>
internal static class ProcessSupervisor
{
    public static async Task<int> RunAsync(CorpusOptions options)
    {
        string self = Assembly.GetEntryAssembly()!.Location;
        var children = Enumerable.Range(0, 2).Select(_ => Process.Start(new ProcessStartInfo(Environment.ProcessPath!)
        {
            ArgumentList = { self, "child-worker", "--seconds", options.Duration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!).ToList();
        Console.WriteLine("ready");
        await Task.WhenAll(children.Select(c => c.WaitForExitAsync()));
        int failed = children.Count(c => c.ExitCode != 0);
        Console.WriteLine($"supervisor done: {children.Count} children, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The child: jobs in bursts of 2 s every 5 s, consumed by a thread a pool thread started.</summary>
    public static int RunChild(CorpusOptions options)
    {
        using var jobs = new BlockingCollection<int>(boundedCapacity: 100);
        int done = 0;
        Thread consumer = Task.Run(() =>
        {
            var thread = new Thread(() =>
            {
                foreach (int job in jobs.GetConsumingEnumerable())
                {
                    Thread.SpinWait(20_000 + job % 1000);
                    done++;
                }
            });
            thread.Start();
            return thread;
        }).GetAwaiter().GetResult();
        var clock = Stopwatch.StartNew();
        int produced = 0;
        while (clock.Elapsed < options.Duration)
        {
            bool burst = clock.Elapsed.TotalSeconds % 5 < 2;
            if (burst)
            {
                jobs.Add(produced++);
            }

            Thread.Sleep(burst ? 1 : 100);
        }

        jobs.CompleteAdding();
        consumer.Join();
        Console.WriteLine($"child {Environment.ProcessId} done: {done} of {produced} jobs");
        return done == produced ? 0 : 1;
    }
}

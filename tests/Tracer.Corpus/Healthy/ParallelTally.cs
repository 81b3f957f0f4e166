using System.Diagnostics;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// Parallel.For over work items, each computing a little and then updating a shared tally under a short lock: the
/// pool threads contend for it now and then, as real aggregations do, with 3 s pauses between rounds. Healthy: the
/// lock is held for a few instructions, so its waits are short and the threads spend their time computing.
/// </summary>
internal static class ParallelTally
{
    public static int Run(CorpusOptions options)
    {
        var clock = Stopwatch.StartNew();
        var tally = new Dictionary<int, long>();
        var gate = new object();
        int round = 0;
        Console.WriteLine("ready");
        while (clock.Elapsed < options.Duration)
        {
            var work = Stopwatch.StartNew();
            Parallel.For(0, 200_000, i =>
            {
                long x = i;
                for (int k = 0; k < 200; k++)
                {
                    x = (x * 6364136223846793005L) + 1442695040888963407L;
                }

                lock (gate)
                {
                    tally[(int)(x & 63)] = tally.GetValueOrDefault((int)(x & 63)) + 1;
                }
            });
            Console.WriteLine($"round {round++}: 200000 items in {work.ElapsedMilliseconds} ms");
            Thread.Sleep(TimeSpan.FromSeconds(3));
        }

        Console.WriteLine($"tally done: {round} rounds, {tally.Values.Sum()} items");
        return 0;
    }
}

using System.Diagnostics;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A read-mostly cache guarded by a ReaderWriterLockSlim: six reader threads look prices up all the time, a refresher
/// thread replaces entries under the write lock every 50 ms (readers then wait briefly for it), with quiet stretches
/// where readers pause as a service between bursts of traffic. Healthy: every wait for the lock is short and ends.
/// </summary>
internal static class ReadMostlyCache
{
    public static int Run(CorpusOptions options)
    {
        var rw = new ReaderWriterLockSlim();
        var prices = new Dictionary<int, decimal>();
        for (int i = 0; i < 1000; i++)
        {
            prices[i] = i;
        }

        var clock = Stopwatch.StartNew();
        long reads = 0, writes = 0;
        bool Quiet() => clock.Elapsed.TotalSeconds % 10 >= 6; // 6 s of traffic, 4 s quiet
        var threads = Enumerable.Range(0, 6).Select(r => new Thread(() =>
        {
            var random = new Random(r);
            while (clock.Elapsed < options.Duration)
            {
                if (Quiet())
                {
                    Thread.Sleep(200);
                    continue;
                }

                rw.EnterReadLock();
                try
                {
                    _ = prices[random.Next(1000)];
                }
                finally
                {
                    rw.ExitReadLock();
                }

                Interlocked.Increment(ref reads);
                Thread.SpinWait(200);
            }
        }) { Name = $"reader-{r}" }).ToList();
        threads.Add(new Thread(() =>
        {
            int round = 0;
            while (clock.Elapsed < options.Duration)
            {
                rw.EnterWriteLock();
                try
                {
                    for (int i = 0; i < 50; i++)
                    {
                        prices[(round * 50 + i) % 1000] = round + i;
                    }
                }
                finally
                {
                    rw.ExitWriteLock();
                }

                writes++;
                round++;
                Thread.Sleep(50);
            }
        }) { Name = "refresher" });
        Console.WriteLine("ready");
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine($"cache done: {reads} reads, {writes} refreshes");
        return 0;
    }
}

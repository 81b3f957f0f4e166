using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A batch job: rounds of Parallel.ForEach over records (hashing, per-partition sums merged once under a lock, results
/// in a ConcurrentDictionary), with a pause between rounds as a job waiting for its next input file. Healthy: the
/// pool threads compute, the lock is taken once per partition.
/// </summary>
internal static class BatchJob
{
    private const int RecordsPerRound = 600_000;

    public static int Run(CorpusOptions options)
    {
        var clock = Stopwatch.StartNew();
        var totals = new ConcurrentDictionary<int, long>();
        var merge = new Lock();
        long grandTotal = 0;
        int round = 0;
        Console.WriteLine("ready");
        while (clock.Elapsed < options.Duration)
        {
            var work = Stopwatch.StartNew();
            Parallel.ForEach(
                Enumerable.Range(round * RecordsPerRound, RecordsPerRound),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                () => 0L,
                (record, _, sum) =>
                {
                    byte[] hash = SHA256.HashData(SHA256.HashData(BitConverter.GetBytes(record)));
                    totals.AddOrUpdate(hash[0], 1, (_, n) => n + 1);
                    return sum + hash[1];
                },
                sum =>
                {
                    lock (merge)
                    {
                        grandTotal += sum;
                    }
                });
            Console.WriteLine($"round {round++}: {RecordsPerRound} records in {work.ElapsedMilliseconds} ms");
            Thread.Sleep(TimeSpan.FromSeconds(3)); // waiting for the next input
        }

        Console.WriteLine($"batch done: {round} rounds, total {grandTotal}, {totals.Count} buckets");
        return 0;
    }
}

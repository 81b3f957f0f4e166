using System.Collections.Concurrent;

namespace Tracer.Corpus.Healthy;

/// <summary>
/// A consumer thread idle on an empty BlockingCollection: a timer hands it an item only every 8 s, so it spends almost
/// all its time in Take. The main thread waits for the shutdown signal, then completes the queue and joins the consumer.
/// Healthy: the consumer waits for work nobody owes it yet.
/// </summary>
internal static class IdleConsumer
{
    public static int Run(CorpusOptions options)
    {
        using var queue = new BlockingCollection<string>();
        using var shutdown = new ManualResetEventSlim();
        int consumed = 0;
        var consumer = new Thread(() =>
        {
            foreach (string item in queue.GetConsumingEnumerable())
            {
                Console.WriteLine($"consumed {item}");
                consumed++;
            }
        })
        { Name = "queue-consumer" };
        consumer.Start();
        int produced = 0;
        using var producer = new Timer(_ => queue.TryAdd($"item-{Interlocked.Increment(ref produced)}"), null, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8));
        using var stopAfter = new Timer(_ => shutdown.Set(), null, options.Duration, Timeout.InfiniteTimeSpan);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            shutdown.Set();
        };
        Console.WriteLine("ready");
        shutdown.Wait();
        using (var stopped = new ManualResetEvent(false))
        {
            producer.Dispose(stopped); // waits for a callback still adding before the queue is completed
            stopped.WaitOne();
        }

        queue.CompleteAdding();
        consumer.Join();
        Console.WriteLine($"idle consumer done: {consumed} items");
        return 0;
    }
}

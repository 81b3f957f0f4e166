namespace Tracer.Corpus.Healthy;

/// <summary>
/// A hand-rolled background worker: a queue under a lock and an AutoResetEvent the producer sets for each item; items
/// come every 3 s, so the worker spends most of its time in WaitOne between two items. The main thread is the producer
/// and joins the worker at the end. Healthy: the worker waits for work nobody owes it yet (the events demo's fix).
/// </summary>
internal static class SignalledWorker
{
    public static int Run(CorpusOptions options)
    {
        var queue = new Queue<string>();
        var gate = new object();
        using var wake = new AutoResetEvent(false);
        bool stopping = false;
        int done = 0;
        var worker = new Thread(() =>
        {
            while (true)
            {
                wake.WaitOne();
                lock (gate)
                {
                    while (queue.Count > 0)
                    {
                        Console.WriteLine($"worked {queue.Dequeue()}");
                        done++;
                    }

                    if (stopping)
                    {
                        return;
                    }
                }
            }
        })
        { Name = "signalled-worker" };
        worker.Start();
        Console.WriteLine("ready");
        DateTime end = DateTime.UtcNow + options.Duration;
        for (int i = 0; DateTime.UtcNow < end; i++)
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
            lock (gate)
            {
                queue.Enqueue($"item-{i}");
            }

            wake.Set();
        }

        lock (gate)
        {
            stopping = true;
        }

        wake.Set();
        worker.Join();
        Console.WriteLine($"signalled worker done: {done} items");
        return 0;
    }
}

using System.Runtime.CompilerServices;

namespace Tracer.Corpus.Sick;

/// <summary>
/// A hand-written work queue with a lost wake-up: the producer pulses only when it makes the queue non-empty (an
/// "optimisation"), and the consumer waits before it looks at the queue. The consumer starts after the first item was
/// queued, so that one pulse is lost; the queue is never empty again, so no pulse ever comes: the consumer sleeps in
/// Monitor.Wait forever while the queue grows.
/// </summary>
internal static class LostPulseApp
{
    public static int Run(CorpusOptions options)
    {
        var queue = new Queue<int>();
        var gate = new object();
        var end = DateTime.UtcNow + options.Duration;
        int n = 0;
        Enqueue(queue, gate, n++); // pulses nobody: the consumer is not waiting yet
        var consumer = new Thread(() => ConsumeWork(queue, gate)) { Name = "work-consumer", IsBackground = true };
        consumer.Start();
        Console.WriteLine("ready");
        while (DateTime.UtcNow < end)
        {
            Thread.Sleep(100);
            Enqueue(queue, gate, n++);
        }

        int left;
        lock (gate)
        {
            left = queue.Count;
        }

        Console.WriteLine($"lost-pulse done: {n} items queued, {left} never processed");
        return 0;
    }

    private static void Enqueue(Queue<int> queue, object gate, int item)
    {
        lock (gate)
        {
            queue.Enqueue(item);
            if (queue.Count == 1)
            {
                Monitor.Pulse(gate); // bug: only the empty-to-one transition wakes the consumer
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ConsumeWork(Queue<int> queue, object gate)
    {
        lock (gate)
        {
            while (true)
            {
                Monitor.Wait(gate); // bug: waits before checking the queue
                while (queue.Count > 0)
                {
                    queue.Dequeue();
                }
            }
        }
    }
}

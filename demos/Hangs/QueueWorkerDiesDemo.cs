using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: a producer queues work items; a worker processes them and signals a CountdownEvent per item. One item makes
/// the worker throw before Signal, the worker dies, and main waits in CountdownEvent.Wait forever.
/// Fixed: Signal in finally, and CompleteAdding so the worker's loop ends.
/// </summary>
public static class QueueWorkerDiesDemo
{
    private const int Items = 10;

    public static int Run(bool fixedVariant)
    {
        using var queue = new BlockingCollection<int>();
        using var done = new CountdownEvent(Items);
        var worker = new Thread(() => Work(queue, done, fixedVariant)) { Name = "queue-worker", IsBackground = true };
        worker.Start();
        for (int item = 0; item < Items; item++)
        {
            queue.Add(item);
        }

        queue.CompleteAdding();
        Console.WriteLine($"queued {Items} items; main waits until all are processed...");
        WaitForAll(done);
        Console.WriteLine("all items processed");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitForAll(CountdownEvent done) => done.Wait();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Work(BlockingCollection<int> queue, CountdownEvent done, bool fixedVariant)
    {
        try
        {
            foreach (int item in queue.GetConsumingEnumerable())
            {
                if (fixedVariant)
                {
                    try
                    {
                        Handle(item);
                    }
                    catch (InvalidOperationException ex)
                    {
                        Console.WriteLine($"item {item} failed: {ex.Message}");
                    }
                    finally
                    {
                        done.Signal();
                    }
                }
                else
                {
                    Handle(item); // throws on item 3: Signal is skipped and the worker dies
                    done.Signal();
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"the worker died: {ex.Message}");
        }
    }

    private static void Handle(int item)
    {
        if (item == 3)
        {
            throw new InvalidOperationException($"cannot handle item {item}");
        }

        Console.WriteLine($"item {item} processed");
    }
}

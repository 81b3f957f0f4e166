using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: Main finishes, but its two consumer threads are foreground threads blocked in BlockingCollection.Take, and
/// nobody calls CompleteAdding: the process never exits. Fixed: CompleteAdding ends the consumers' loops (and the
/// threads are background threads, so they could not hold the process open anyway).
/// </summary>
public static class ExitHangDemo
{
    private const int Items = 6;

    public static int Run(bool fixedVariant)
    {
        var queue = new BlockingCollection<int>();
        using var allConsumed = new CountdownEvent(Items);
        for (int c = 0; c < 2; c++)
        {
            int id = c;
            new Thread(() => Consume(queue, allConsumed, id)) { Name = $"consumer-{id}", IsBackground = fixedVariant }.Start();
        }

        for (int item = 0; item < Items; item++)
        {
            queue.Add(item);
        }

        allConsumed.Wait();
        if (fixedVariant)
        {
            queue.CompleteAdding();
        }

        Console.WriteLine("main is done and returns; the process should exit now");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Consume(BlockingCollection<int> queue, CountdownEvent allConsumed, int id)
    {
        while (!queue.IsCompleted)
        {
            if (TakeNext(queue) is int item)
            {
                Console.WriteLine($"consumer {id} handled item {item}");
                allConsumed.Signal();
            }
        }

        Console.WriteLine($"consumer {id} ends: the queue is complete");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int? TakeNext(BlockingCollection<int> queue)
    {
        try
        {
            return queue.Take();
        }
        catch (InvalidOperationException)
        {
            return null; // CompleteAdding was called while waiting
        }
    }
}

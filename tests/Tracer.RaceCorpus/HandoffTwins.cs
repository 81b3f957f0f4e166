using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Tracer.RaceCorpus;

/// <summary>Race-free twins that hand objects over through thread-safe collections, channels and Lazy.</summary>
internal static class HandoffTwins
{
    public static void ParallelLockedList()
    {
        var list = new List<int>();
        Parallel.For(0, 2000, i =>
        {
            lock (list)
            {
                list.Add(i);
            }
        });
        Console.WriteLine($"items {list.Count}");
    }

    public static void ConcurrentQueueHandoff()
    {
        var queue = new ConcurrentQueue<Box>();
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                queue.Enqueue(new Box { Value = i });
            }
        });
        producer.Start();
        int seen = 0;
        while (seen < 100)
        {
            if (queue.TryDequeue(out Box? box))
            {
                box.Value++;
                seen++;
            }
        }

        producer.Join();
    }

    public static void BlockingCollectionHandoff()
    {
        using var items = new BlockingCollection<Box>();
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                items.Add(new Box { Value = i });
            }

            items.CompleteAdding();
        });
        producer.Start();
        while (items.TryTake(out Box? box, Timeout.Infinite))
        {
            box.Value++;
        }

        producer.Join();
    }

    /// <summary>The same hand-off consumed as most code does: a foreach over GetConsumingEnumerable.</summary>
    public static void ConsumingEnumerableHandoff()
    {
        using var items = new BlockingCollection<Box>();
        var consumer = new Thread(() =>
        {
            foreach (Box box in items.GetConsumingEnumerable())
            {
                box.Value++;
            }
        });
        consumer.Start();
        for (int i = 0; i < 100; i++)
        {
            items.Add(new Box { Value = i });
        }

        items.CompleteAdding();
        consumer.Join();
    }

    public static async Task ChannelHandoff()
    {
        Channel<Box> channel = Channel.CreateUnbounded<Box>();
        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await channel.Writer.WriteAsync(new Box { Value = i });
            }

            channel.Writer.Complete();
        });
        await foreach (Box box in channel.Reader.ReadAllAsync())
        {
            box.Value++;
        }

        await producer;
    }

    public static void LazyValue()
    {
        var lazy = new Lazy<Box>(() => new Box { Value = 1, Text = "made once" });
        LockTwins.RunTwo(() =>
        {
            Box box = lazy.Value;
            _ = box.Text;
            _ = box.Value;
        });
    }

    public static void ConcurrentDictionaryHandoff()
    {
        var map = new ConcurrentDictionary<int, Box>();
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                map[i] = new Box { Value = i };
            }
        });
        producer.Start();
        for (int i = 0; i < 100; i++)
        {
            Box? box;
            while (!map.TryGetValue(i, out box))
            {
                Thread.Yield();
            }

            box.Value++; // handed over through the dictionary while the producer still runs
        }

        producer.Join();
    }

    /// <summary>A value made by GetOrAdd's factory on one thread, used by others: the factory's writes come before the add.</summary>
    public static void ConcurrentDictionaryFactory()
    {
        var cache = new ConcurrentDictionary<int, Box>();
        Parallel.For(0, 8, i =>
        {
            Box made = cache.GetOrAdd(i % 2, key => new Box { Value = key + 40 });
            Box updated = cache.AddOrUpdate(2, key => new Box { Value = key }, (_, old) => new Box { Value = old.Value + 1 });
            if (made.Value < 40 || updated.Value < 2)
            {
                throw new InvalidOperationException("a factory's value was not seen whole");
            }
        });
    }

    private static SpinLock s_spin = new(enableThreadOwnerTracking: false);

    /// <summary>Two threads update one field under a SpinLock.</summary>
    public static void SpinLockCounter()
    {
        var box = new Box();
        Thread[] threads = [.. Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                bool taken = false;
                try
                {
                    s_spin.Enter(ref taken);
                    box.Value++;
                }
                finally
                {
                    if (taken)
                    {
                        s_spin.Exit();
                    }
                }
            }
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }
    }
}

namespace Tracer.RaceCorpus;

/// <summary>Races each run must find: two threads, one access a write, nothing ordering them.</summary>
internal static class RacyCases
{
    private static int s_count;
    private static Box? s_instance;

    public static void LostUpdate()
    {
        var box = new Box();
        Thread[] threads = [.. Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                box.Value++;
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

        Console.WriteLine($"count {box.Value}");
    }

    public static void CheckThenAct()
    {
        s_instance = null;
        using var go = new Barrier(2);
        Thread[] threads = [.. Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            go.SignalAndWait();
            Get(); // both may see null after the barrier, which orders only what came before it
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

    private static Box Get()
    {
        if (s_instance is null)
        {
            s_instance = new Box { Value = 1 };
        }

        return s_instance;
    }

    public static void Publication()
    {
        var holder = new Box();
        var writer = new Thread(() =>
        {
            holder.Next = new Box { Value = 42 }; // published through a plain field
        });
        var reader = new Thread(() =>
        {
            Box? seen;
            while ((seen = holder.Next) is null)
            {
                Thread.Yield();
            }

            Console.WriteLine($"seen {seen.Value}");
        });
        reader.Start();
        writer.Start();
        writer.Join();
        reader.Join();
    }

    public static async Task StaticField()
    {
        s_count = 0;
        using var together = new Barrier(2); // two pool threads at once: items run one after the other on one thread are ordered
        Task[] tasks = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            together.SignalAndWait();
            for (int i = 0; i < 10_000; i++)
            {
                s_count++;
            }
        }))];
        await Task.WhenAll(tasks);
        Console.WriteLine($"count {s_count}");
    }

    public static void DictionaryParallel()
    {
        // The keys exist before the loop, so the racing writes only replace values: the race is real, but it cannot
        // corrupt the buckets into a loop that would hang the case.
        var map = Enumerable.Range(0, 100).ToDictionary(i => i);
        try
        {
            Parallel.For(0, 400, i =>
            {
                map[i % 100] = i;
                Thread.SpinWait(20_000); // long enough that the pool's workers join the loop
            });
        }
        catch (AggregateException)
        {
            // a corrupted Dictionary may throw: the race is the point
        }

        Console.WriteLine($"entries {map.Count}");
    }

    public static void ListParallel()
    {
        var list = new List<int>();
        try
        {
            Parallel.For(0, 400, i =>
            {
                list.Add(i);
                Thread.SpinWait(20_000);
            });
        }
        catch (AggregateException)
        {
            // List.Add from many threads may throw
        }

        Console.WriteLine($"items {list.Count}");
    }

    /// <summary>After an await, the method runs on; a thread started before it writes the same field unordered.</summary>
    public static async Task AfterAwait()
    {
        var box = new Box();
        var writer = new Thread(() => box.Text = "writer");
        writer.Start();
        await Task.Yield();
        box.Text = "after await"; // not ordered with the writer thread (it is never joined before this)
        writer.Join();
    }

    /// <summary>A then B in one thread, B then A in another, one after the other: it never deadlocks here, but could.</summary>
    public static void LockOrderInversion()
    {
        object first = new(), second = new();
        var one = new Thread(() =>
        {
            lock (first)
            {
                lock (second)
                {
                }
            }
        });
        one.Start();
        one.Join();
        var two = new Thread(() =>
        {
            lock (second)
            {
                lock (first)
                {
                }
            }
        });
        two.Start();
        two.Join();
    }

    /// <summary>The owner writes after Start, while the Elapsed handler may run: only what came before Start is ordered.</summary>
    public static void AfterTimerStart()
    {
        var box = new Box();
        using var done = new ManualResetEventSlim();
        using var timer = new System.Timers.Timer(1) { AutoReset = false };
        timer.Elapsed += (_, _) =>
        {
            box.Value++;
            done.Set();
        };
        timer.Start();
        box.Value++; // races with the handler
        done.Wait();
    }
}

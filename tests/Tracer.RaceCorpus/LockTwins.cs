namespace Tracer.RaceCorpus;

/// <summary>Race-free twins ordered by locks: every shared access is under the same lock.</summary>
internal static class LockTwins
{
    private const int Steps = 2_000;

    public static void Monitor()
    {
        var box = new Box();
        var gate = new object();
        RunTwo(() =>
        {
            for (int i = 0; i < Steps; i++)
            {
                lock (gate)
                {
                    box.Value++;
                }
            }
        });
        lock (gate)
        {
            Console.WriteLine($"count {box.Value}");
        }
    }

    public static void MonitorTryEnter()
    {
        var box = new Box();
        var gate = new object();
        RunTwo(() =>
        {
            for (int i = 0; i < Steps; i++)
            {
                while (!System.Threading.Monitor.TryEnter(gate, 10))
                {
                }

                try
                {
                    box.Value++;
                }
                finally
                {
                    System.Threading.Monitor.Exit(gate);
                }
            }
        });
        Console.WriteLine($"count {box.Value}");
    }

    public static void LockType()
    {
        var box = new Box();
        var gate = new Lock();
        RunTwo(() =>
        {
            for (int i = 0; i < Steps; i++)
            {
                lock (gate)
                {
                    box.Value++;
                }

                gate.Enter();
                try
                {
                    box.Value--;
                }
                finally
                {
                    gate.Exit();
                }
            }
        });
        Console.WriteLine($"count {box.Value}");
    }

    public static void WaitPulse()
    {
        var box = new Box();
        var gate = new object();
        bool ready = false;
        var consumer = new Thread(() =>
        {
            lock (gate)
            {
                while (!ready)
                {
                    System.Threading.Monitor.Wait(gate);
                }
            }

            Console.WriteLine($"value {box.Value}"); // read after the handshake, outside the lock
        });
        consumer.Start();
        box.Value = 7; // before the handshake
        lock (gate)
        {
            ready = true;
            System.Threading.Monitor.PulseAll(gate);
        }

        consumer.Join();
    }

    public static void ReaderWriter()
    {
        var box = new Box();
        using var rw = new ReaderWriterLockSlim();
        RunTwo(() =>
        {
            for (int i = 0; i < Steps; i++)
            {
                rw.EnterWriteLock();
                box.Value++;
                rw.ExitWriteLock();
                rw.EnterReadLock();
                _ = box.Value;
                rw.ExitReadLock();
            }
        });
        Console.WriteLine($"count {box.Value}");
    }

    /// <summary>A→B and B→A, but always under the same outer gate: serialised, cannot deadlock.</summary>
    public static void GatedOrder()
    {
        object gate = new(), first = new(), second = new();
        var one = new Thread(() =>
        {
            lock (gate)
            {
                lock (first)
                {
                    lock (second)
                    {
                    }
                }
            }
        });
        var two = new Thread(() =>
        {
            lock (gate)
            {
                lock (second)
                {
                    lock (first)
                    {
                    }
                }
            }
        });
        one.Start();
        two.Start();
        one.Join();
        two.Join();
    }

    internal static void RunTwo(Action body)
    {
        Thread[] threads = [new Thread(() => body()), new Thread(() => body())];
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

namespace Tracer.HangTargets;

/// <summary>One way to hang per method; the main thread joins the first worker, so the process stays up.</summary>
internal static class Hangs
{
    /// <summary>Two threads take two System.Threading.Lock objects in opposite order.</summary>
    public static int LockDeadlock()
    {
        var first = new Lock();
        var second = new Lock();
        using var bothHoldOne = new CountdownEvent(2);
        return Run(
            new Thread(() => TakeBoth(first, second, bothHoldOne)) { Name = "lock-first" },
            new Thread(() => TakeBoth(second, first, bothHoldOne)) { Name = "lock-second" });
    }

    /// <summary>A thread enters a Monitor and never exits it, then idles; another waits for that lock forever.</summary>
    public static int LockLeak()
    {
        var gate = new object();
        using var taken = new ManualResetEventSlim();
        var leaker = new Thread(() =>
        {
            Monitor.Enter(gate); // bug: no Exit
            taken.Set();
            Console.WriteLine("blocking: leaker moved on, still holding the lock");
            Thread.Sleep(Timeout.Infinite);
        }) { Name = "leaker", IsBackground = true };
        var waiter = new Thread(() =>
        {
            taken.Wait();
            Console.WriteLine("blocking: waiter enters the leaked lock");
            lock (gate)
            {
                Console.WriteLine("never");
            }
        }) { Name = "waiter" };
        return Run(waiter, leaker);
    }

    /// <summary>Three consumers wait on a semaphore nobody releases.</summary>
    public static int Semaphore()
    {
        var items = new SemaphoreSlim(0);
        Thread[] consumers = [.. Enumerable.Range(0, 3).Select(i => new Thread(() =>
        {
            Console.WriteLine($"blocking: consumer {i} waits for an item");
            items.Wait();
        }) { Name = $"consumer-{i}" })];
        return Run(consumers);
    }

    /// <summary>
    /// A console service: main waits for shutdown on an event its Ctrl+C handler sets (healthy), while a worker waits on
    /// a semaphore nobody releases (the bug the snapshot must still find next to it).
    /// </summary>
    public static int ShutdownWaitBesideAHang()
    {
        using var shutdown = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            shutdown.Set();
        };
        var items = new SemaphoreSlim(0);
        var worker = new Thread(() =>
        {
            Console.WriteLine("blocking: worker waits for an item");
            items.Wait();
        }) { Name = "worker", IsBackground = true };
        worker.Start();
        Console.WriteLine("blocking: main waits for shutdown");
        shutdown.Wait();
        return 0;
    }

    /// <summary>A barrier for three participants that only two reach.</summary>
    public static int Barrier()
    {
        var barrier = new Barrier(3);
        Thread[] phases = [.. Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            Console.WriteLine($"blocking: phase {i} reaches the barrier");
            barrier.SignalAndWait();
        }) { Name = $"phase-{i}" })];
        return Run(phases);
    }

    /// <summary>
    /// Eight threads hammer one lock for <paramref name="seconds"/> (many contention events, so the runtime writes
    /// sequence points often), then two threads deadlock as in <see cref="LockDeadlock"/>.
    /// </summary>
    public static int BusyThenDeadlock(double seconds)
    {
        var gate = new object();
        long counter = 0;
        var busyUntil = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        Thread[] busy = [.. Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            while (DateTime.UtcNow < busyUntil)
            {
                lock (gate)
                {
                    counter++;
                    Thread.Yield(); // the others block behind it
                }
            }
        }) { Name = $"busy-{i}" })];
        foreach (Thread t in busy)
        {
            t.Start();
        }

        foreach (Thread t in busy)
        {
            t.Join();
        }

        Console.WriteLine($"busy phase done: {counter} lock entries");
        return LockDeadlock();
    }

    private static void TakeBoth(Lock mine, Lock theirs, CountdownEvent bothHoldOne)
    {
        lock (mine)
        {
            bothHoldOne.Signal();
            bothHoldOne.Wait();
            Console.WriteLine($"blocking: {Thread.CurrentThread.Name} reaches for the other lock");
            lock (theirs)
            {
                Console.WriteLine("never");
            }
        }
    }

    private static int Run(params Thread[] threads)
    {
        foreach (Thread t in threads)
        {
            t.Start();
        }

        threads[0].Join();
        return 0;
    }
}

namespace Tracer.RaceCorpus;

/// <summary>Race-free twins ordered by signals: the data is written before the signal and read after the wait.</summary>
internal static class SignalTwins
{
    private static volatile bool s_ready;
    private static Box? s_published;
    private static int s_flag;

    public static void Semaphore()
    {
        var box = new Box();
        using var ready = new SemaphoreSlim(0);
        var producer = new Thread(() =>
        {
            box.Value = 1;
            ready.Release();
        });
        producer.Start();
        ready.Wait();
        box.Value++;
        producer.Join();
    }

    public static async Task SemaphoreAsync()
    {
        var box = new Box();
        using var ready = new SemaphoreSlim(0);
        var producer = new Thread(() =>
        {
            box.Value = 1;
            ready.Release();
        });
        producer.Start();
        await ready.WaitAsync();
        box.Value++;
        producer.Join();
    }

    public static void ManualResetSlim()
    {
        var box = new Box();
        using var ready = new ManualResetEventSlim();
        var producer = new Thread(() =>
        {
            box.Text = "made";
            ready.Set();
        });
        producer.Start();
        ready.Wait();
        box.Text += " and used";
        producer.Join();
    }

    public static void ManualReset()
    {
        var box = new Box();
        using var ready = new ManualResetEvent(false);
        var producer = new Thread(() =>
        {
            box.Value = 3;
            ready.Set();
        });
        producer.Start();
        ready.WaitOne();
        box.Value++;
        producer.Join();
    }

    public static void AutoReset()
    {
        var box = new Box();
        using var ping = new AutoResetEvent(false);
        using var pong = new AutoResetEvent(false);
        var other = new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                ping.WaitOne();
                box.Value++;
                pong.Set();
            }
        });
        other.Start();
        for (int i = 0; i < 100; i++)
        {
            box.Value++;
            ping.Set();
            pong.WaitOne();
        }

        other.Join();
    }

    public static void BarrierPhases()
    {
        int[] slots = new int[2];
        var box = new Box();
        using var barrier = new Barrier(2);
        LockTwins.RunTwo(() =>
        {
            int me = Interlocked.Increment(ref box.Value) - 1; // an atomic ticket, not a plain access
            slots[me] = me + 1;
            barrier.SignalAndWait();
            _ = slots[1 - me];
            barrier.SignalAndWait();
        });
        Console.WriteLine($"slots {slots[0]} {slots[1]}");
    }

    public static void Countdown()
    {
        Box[] boxes = [new Box(), new Box(), new Box()];
        using var done = new CountdownEvent(boxes.Length);
        foreach (Box b in boxes)
        {
            new Thread(() =>
            {
                b.Value = 5;
                done.Signal();
            }).Start();
        }

        done.Wait();
        Console.WriteLine($"sum {boxes.Sum(b => b.Value)}");
    }

    public static void InterlockedFlag()
    {
        s_published = null;
        s_flag = 0;
        var producer = new Thread(() =>
        {
            s_published = new Box { Value = 9 };
            Interlocked.Exchange(ref s_flag, 1);
        });
        producer.Start();
        while (Volatile.Read(ref s_flag) == 0)
        {
            Thread.Yield();
        }

        Console.WriteLine($"value {s_published!.Value}");
        producer.Join();
    }

    public static void VolatileField()
    {
        var box = new Box();
        s_ready = false;
        var producer = new Thread(() =>
        {
            box.Value = 11;
            s_ready = true;
        });
        producer.Start();
        while (!s_ready)
        {
            Thread.Yield();
        }

        box.Value++;
        producer.Join();
    }
}

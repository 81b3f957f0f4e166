using System.Diagnostics;

namespace Tracer.HangTargets;

/// <summary>
/// A healthy service with a large heap: GIGABYTES of live objects (1 KiB arrays, so the heap has millions of objects),
/// two workers idle on a queue, and a heartbeat thread that ticks every millisecond and remembers its longest stall.
/// Prints "ready" when the heap is built; on each line on stdin prints "max-stall-ms N" (the longest stall since the
/// last such line) and starts over; ends at the end of stdin.
/// </summary>
internal static class BigHeap
{
    public static int Run(double gigabytes)
    {
        long count = (long)(gigabytes * (1L << 30) / 1024);
        var live = new List<byte[]>((int)count);
        for (long i = 0; i < count; i++)
        {
            live.Add(new byte[1024 - 24]); // about 1 KiB with the array header
        }

        using var queue = new System.Collections.Concurrent.BlockingCollection<int>();
        for (int i = 0; i < 2; i++)
        {
            new Thread(() =>
            {
                foreach (int item in queue.GetConsumingEnumerable())
                {
                    _ = item;
                }
            }) { Name = $"worker-{i}", IsBackground = true }.Start();
        }

        long maxStallTicks = 0;
        var heartbeat = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            long last = clock.ElapsedTicks;
            while (true)
            {
                Thread.Sleep(1);
                long now = clock.ElapsedTicks;
                Interlocked.Exchange(ref maxStallTicks, Math.Max(Interlocked.Read(ref maxStallTicks), now - last));
                last = now;
            }
        }) { Name = "heartbeat", IsBackground = true };

        // Settle after the allocation (a GC may still run) before the stall counts.
        GC.Collect();
        heartbeat.Start();
        Thread.Sleep(200);
        Interlocked.Exchange(ref maxStallTicks, 0);
        Console.WriteLine($"ready: {live.Count:N0} objects, {GC.GetTotalMemory(false) >> 20} MiB");
        while (Console.ReadLine() is not null)
        {
            Console.WriteLine($"max-stall-ms {Interlocked.Exchange(ref maxStallTicks, 0) * 1000.0 / Stopwatch.Frequency:F1}");
        }

        GC.KeepAlive(live);
        return 0;
    }
}

using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: a SemaphoreSlim(2) guards a resource, but Release is skipped when a job throws. The first two jobs are bad
/// input, so both slots leak and every later job waits in SemaphoreSlim.Wait forever. Fixed: Release in finally.
/// </summary>
public static class SemaphoreLeakDemo
{
    private const int Jobs = 12;
    private const int Workers = 3;

    public static int Run(bool fixedVariant)
    {
        using var slots = new SemaphoreSlim(2);
        // The two bad jobs run first, so the leak happens before any worker starts: the same outcome every run.
        for (int job = 0; job < 2; job++)
        {
            Process(slots, job, fixedVariant);
        }

        int next = 1;
        var workers = Enumerable.Range(0, Workers).Select(w => new Thread(() =>
        {
            int job;
            while ((job = Interlocked.Increment(ref next)) < Jobs)
            {
                Process(slots, job, fixedVariant);
            }
        }) { Name = $"sem-worker-{w}" }).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Console.WriteLine($"all {Jobs} jobs handled; {slots.CurrentCount} of 2 slots free");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Process(SemaphoreSlim slots, int job, bool fixedVariant)
    {
        try
        {
            Console.WriteLine($"job {job}: waiting for a slot ({slots.CurrentCount} free)");
            if (fixedVariant)
            {
                UseSlotSafely(slots, job);
            }
            else
            {
                UseSlotLeaky(slots, job);
            }
        }
        catch (InvalidDataException ex)
        {
            Console.WriteLine($"job {job}: failed ({ex.Message})");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseSlotLeaky(SemaphoreSlim slots, int job)
    {
        slots.Wait();
        Work(job);
        slots.Release(); // skipped when Work throws: the slot is lost
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseSlotSafely(SemaphoreSlim slots, int job)
    {
        slots.Wait();
        try
        {
            Work(job);
        }
        finally
        {
            slots.Release();
        }
    }

    private static void Work(int job)
    {
        if (job < 2)
        {
            throw new InvalidDataException("bad input");
        }

        Thread.Sleep(5);
    }
}

using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: the Barrier is created for one participant too many (it counts the coordinator, which never arrives), so the
/// five workers wait in Barrier.SignalAndWait forever. Fixed: the right participant count, and a timeout as a guard.
/// </summary>
public static class BarrierMissingDemo
{
    private const int Workers = 5;

    public static int Run(bool fixedVariant)
    {
        using var barrier = new Barrier(fixedVariant ? Workers : Workers + 1);
        var threads = new Thread[Workers];
        bool[] passed = new bool[Workers];
        for (int i = 0; i < Workers; i++)
        {
            int id = i;
            threads[i] = new Thread(() => passed[id] = Phase(barrier, id, fixedVariant)) { Name = $"barrier-worker-{id}" };
            threads[i].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Console.WriteLine(passed.All(p => p) ? "all workers passed the barrier" : "some workers gave up waiting at the barrier");
        return passed.All(p => p) ? 0 : 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Phase(Barrier barrier, int id, bool withTimeout)
    {
        Console.WriteLine($"worker {id} finished phase 1 and waits at the barrier ({barrier.ParticipantCount} participants registered)");
        bool passed = withTimeout ? barrier.SignalAndWait(TimeSpan.FromSeconds(5)) : SignalAndWaitForever(barrier);
        Console.WriteLine($"worker {id} {(passed ? "passed" : "timed out at")} the barrier");
        return passed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool SignalAndWaitForever(Barrier barrier)
    {
        barrier.SignalAndWait();
        return true;
    }
}

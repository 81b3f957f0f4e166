using System.Runtime.CompilerServices;

namespace Tracer.Demos.Hangs;

/// <summary>
/// Bug: two threads take two Mutexes in opposite order (A then B, B then A). A latch makes both hold their first
/// Mutex before reaching for the second, so both wait in WaitHandle.WaitOne forever. The runtime reports no owner for
/// a Mutex, so a tracer can only say "likely deadlock". Fixed: both take A first.
/// </summary>
public static class MutexAbbaDemo
{
    public static int Run(bool fixedVariant)
    {
        using var a = new Mutex();
        using var b = new Mutex();
        using var bothHoldOne = new Barrier(2);
        var first = new Thread(() => Transfer("transfer-AB", a, b, fixedVariant ? null : bothHoldOne)) { Name = "transfer-AB" };
        var second = new Thread(() => Transfer("transfer-BA", fixedVariant ? a : b, fixedVariant ? b : a, fixedVariant ? null : bothHoldOne)) { Name = "transfer-BA" };
        first.Start();
        second.Start();
        first.Join();
        second.Join();
        Console.WriteLine("both transfers completed");
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Transfer(string name, Mutex firstMutex, Mutex secondMutex, Barrier? rendezvous)
    {
        for (int i = 0; i < (rendezvous is null ? 100 : 1); i++)
        {
            firstMutex.WaitOne();
            if (rendezvous is not null)
            {
                Console.WriteLine($"{name} holds its first mutex");
                rendezvous.SignalAndWait(); // both now hold one mutex each
                Console.WriteLine($"{name} waits for its second mutex...");
            }

            TakeSecond(secondMutex);
            firstMutex.ReleaseMutex();
        }

        Console.WriteLine($"{name} done");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TakeSecond(Mutex secondMutex)
    {
        secondMutex.WaitOne();
        secondMutex.ReleaseMutex();
    }
}

namespace Tracer.HangTargets;

/// <summary>
/// Named threads in distinct states, for `snapshot --all-stacks`: two identical waiters on one semaphore, a sleeper, a
/// lock holder that then waits on an event, a waiter for that lock, and a spinner. Prints "ready" when all are in place.
/// </summary>
internal static class ThreadStates
{
    public static int Run()
    {
        var gate = new object();
        var items = new SemaphoreSlim(0);
        using var never = new ManualResetEventSlim();
        using var holding = new ManualResetEventSlim();
        using var all = new CountdownEvent(5);
        ThreadStart waitForItem = () =>
        {
            all.Signal();
            items.Wait();
        };
        Thread[] threads =
        [
            new(waitForItem) { Name = "sem-waiter-0" }, // one delegate: identical stacks
            new(waitForItem) { Name = "sem-waiter-1" },
            new(() => { all.Signal(); Thread.Sleep(Timeout.Infinite); }) { Name = "sleeper" },
            new(() =>
            {
                lock (gate)
                {
                    holding.Set();
                    all.Signal();
                    never.Wait();
                }
            }) { Name = "lock-holder" },
            new(() =>
            {
                holding.Wait();
                all.Signal();
                lock (gate)
                {
                    Console.WriteLine("never");
                }
            }) { Name = "lock-waiter" },
            new(Spin) { Name = "spinner" },
        ];
        foreach (Thread t in threads)
        {
            t.IsBackground = true;
            t.Start();
        }

        all.Wait();
        Thread.Sleep(100); // the last to signal reaches its wait
        Console.WriteLine("ready");
        Console.ReadLine();
        return 0;
    }

    private static void Spin()
    {
        long n = 0;
        while (true)
        {
            n = unchecked(n * 31 + 7);
            if (n == 42)
            {
                Console.WriteLine(n);
            }
        }
    }
}

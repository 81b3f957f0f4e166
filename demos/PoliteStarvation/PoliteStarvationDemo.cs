using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tracer.Demos.PoliteStarvation;

/// <summary>
/// Locks: starvation. Three greedy threads take a `lock`, work 30 ms, let go and take it again at once; two polite
/// threads try Monitor.TryEnter with a 20 ms timeout and, when that fails, step back (sleep 10 ms) before trying
/// again. A turn lasts longer than a polite thread is willing to wait, and whenever the lock comes free another
/// greedy thread is already queued for it (blocked in Enter), so the Monitor hands it to that one: the polite
/// threads never get a turn. Fix: a FIFO ticket lock serves every thread in arrival order, so everyone gets turns.
/// </summary>
public static class PoliteStarvationDemo
{
    private const int Greedy = 3;
    private const int Polite = 2;
    /// <summary>How long a turn holds the lock: longer than a polite thread is willing to wait.</summary>
    private const int HoldMs = 30;
    private const int PatienceMs = 20;
    private const int BackOffMs = 10;
    private static readonly TimeSpan s_runFor = TimeSpan.FromSeconds(1.5);

    public static int Run(bool fixedVariant)
    {
        Console.WriteLine($"{Greedy} greedy and {Polite} polite threads share one lock for {s_runFor.TotalSeconds} s; " +
            (fixedVariant ? "everyone queues at a fair (FIFO ticket) lock" : $"greedy ones hold a `lock` {HoldMs} ms and re-take it at once, polite ones TryEnter({PatienceMs} ms) and back off"));
        var shared = new SharedResource(fixedVariant ? new TicketLock() : null);
        var deadline = Stopwatch.StartNew();
        using var start = new ManualResetEventSlim();
        var workers = new List<(string Name, Worker Worker, Thread Thread)>();
        for (int i = 0; i < Greedy + Polite; i++)
        {
            bool greedy = i < Greedy;
            string name = greedy ? $"greedy-{i}" : $"polite-{i - Greedy}";
            var worker = new Worker(shared, greedy, start, deadline);
            workers.Add((name, worker, new Thread(worker.Run) { Name = name }));
        }

        foreach ((_, _, Thread t) in workers)
        {
            t.Start();
        }

        deadline.Restart();
        start.Set(); // all start together: nobody gets a head start
        foreach ((_, _, Thread t) in workers)
        {
            t.Join();
        }

        int greedyTotal = workers.Where(w => w.Worker.IsGreedy).Sum(w => w.Worker.Acquired);
        int politeTotal = workers.Where(w => !w.Worker.IsGreedy).Sum(w => w.Worker.Acquired);
        foreach ((string name, Worker worker, _) in workers)
        {
            Console.WriteLine($"{name,-9} got the lock {worker.Acquired,5} times" + (worker.IsGreedy ? "" : $" ({worker.GaveUp} times it gave up)"));
        }

        bool starved = politeTotal * 10 < greedyTotal;
        Console.WriteLine(starved
            ? $"polite threads starved: {politeTotal} turns against {greedyTotal} for the greedy ones"
            : $"every thread had its turns: polite {politeTotal}, greedy {greedyTotal}");
        return 0;
    }

    private sealed class SharedResource(TicketLock? fair)
    {
        private readonly object _gate = new();
        private long _work;

        public bool IsFair => fair is not null;

        /// <summary>Greedy: block until the lock is ours, work, let go.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void UseGreedily()
        {
            lock (_gate)
            {
                Work();
            }
        }

        /// <summary>Polite: wait at most 20 ms; false when the lock was busy all that time.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public bool TryUsePolitely()
        {
            if (!Monitor.TryEnter(_gate, TimeSpan.FromMilliseconds(PatienceMs)))
            {
                return false;
            }

            try
            {
                Work();
                return true;
            }
            finally
            {
                Monitor.Exit(_gate);
            }
        }

        /// <summary>Fixed: take a ticket and wait for it to be called, like a queue at a counter.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void UseInTurn()
        {
            fair!.Enter();
            try
            {
                Work();
            }
            finally
            {
                fair.Exit();
            }
        }

        private void Work()
        {
            _work++;
            Thread.Sleep(HoldMs); // real work would hold the lock for a while too
        }
    }

    private sealed class Worker(SharedResource shared, bool greedy, ManualResetEventSlim start, Stopwatch clock)
    {
        public bool IsGreedy => greedy;
        public int Acquired { get; private set; }
        public int GaveUp { get; private set; }

        public void Run()
        {
            start.Wait();
            while (clock.Elapsed < s_runFor)
            {
                if (shared.IsFair)
                {
                    shared.UseInTurn();
                    Acquired++;
                }
                else if (greedy)
                {
                    shared.UseGreedily();
                    Acquired++;
                }
                else if (shared.TryUsePolitely())
                {
                    Acquired++;
                }
                else
                {
                    GaveUp++;
                    Thread.Sleep(BackOffMs); // step back and let others go first
                }
            }
        }
    }
}

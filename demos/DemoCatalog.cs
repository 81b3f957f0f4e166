namespace Tracer.Demos;

/// <summary>Every shipped demo, in course order. `dotnet-tracer demo list` prints this table.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<DemoInfo> All { get; } =
    [
        new("io-threads", "threads for I/O",
            "five requests to a slow local web server, one after another: wall time = the sum. Fixed: one thread per request, wall time = the longest",
            null, IoThreads.IoThreadsDemo.Run),
        new("dining-philosophers", "locks: deadlock",
            "five philosophers take the left fork, then the right: a lock-order cycle. Fixed: take the lower-numbered fork first",
            "deadlock", DiningPhilosophers.DiningPhilosophersDemo.Run),
        new("polite-starvation", "locks: starvation",
            "greedy threads re-take a lock at once, polite ones TryEnter with a timeout and back off: the polite ones starve. Fixed: a FIFO ticket lock",
            "starvation", PoliteStarvation.PoliteStarvationDemo.Run)
        {
            // Lock starvation is seen live within the demo's 1.5 s run: let it finish and print its own tally.
            StopOnGrace = TimeSpan.FromSeconds(3),
        },
        new("cpu-speedup", "no GIL: CPU work",
            "big-integer factorials on one thread while the other cores idle. Fixed: one thread per core, all busy at once; speedup printed",
            null, CpuSpeedup.CpuSpeedupDemo.Run),
        new("process-isolation", "processes: sharing data",
            "child processes each add to their own copy of a counter; the parent sees 0. Fixed: results over pipes, a shared memory-mapped counter under a named Mutex",
            null, ProcessIsolation.ProcessIsolationDemo.Run) { RunChild = ProcessIsolation.ProcessIsolationDemo.RunChild },
        new("process-pool", "processes: sharing data",
            "four worker processes count into a memory-mapped counter with no cross-process lock: updates are lost. Fixed: a named Mutex",
            null, ProcessPool.ProcessPoolDemo.Run),
        Hang("mutex-across-processes", "processes: sharing data",
            "a parent and its child take two named Mutexes in opposite orders: both processes block in WaitOne forever. Fixed: one global order",
            MutexAcrossProcesses.MutexAcrossProcessesDemo.Run),
        new("futures-errors", "futures / map",
            "await Task.WhenAll shows only the first of three errors; a fire-and-forget task fails unseen. Fixed: read all InnerExceptions, Task.WhenEach, await the task",
            null, FuturesErrors.FuturesErrorsDemo.Run),
        new("lost-updates", "thread safety: data race",
            "ten threads do count++ on one counter: read-add-write is not atomic, updates get lost. Fixed: Interlocked.Increment",
            "race", LostUpdates.LostUpdatesDemo.Run),
        new("timer-race", "timers: overlapping callbacks",
            "timer callbacks overlap and update shared state; Dispose() does not wait for a running callback. Fixed: one-shot re-armed timer + Dispose(WaitHandle)",
            "race", TimerRace.TimerRaceDemo.Run),
        new("double-checked", "sharing data: lazy init",
            "double-checked locking reads the instance field without the lock or a volatile read. Fixed: Volatile.Read/Write (as Lazy<T>)",
            "race", DoubleChecked.DoubleCheckedDemo.Run),
        new("lock-order", "locks: lock ordering",
            "two transfers lock two accounts in opposite orders; run one after the other they complete, but the order can deadlock. Fixed: lower account first",
            "potential-deadlock", LockOrder.LockOrderDemo.Run),
        new("race-pairs", "testing: race detector pairs",
            "the probe pair suite: racy and race-free twins (counters, events, semaphores, barriers, tasks, lock order). Fixed: only the race-free ones",
            null, RaceCases.RaceCaseCatalog.Run),
        new("lock-convoy", "locks: contention",
            "eight threads add into one total under one global lock per item: a convoy. Fixed: local sums, merged once",
            "convoy", Contention.LockConvoyDemo.Run) { MaxDuration = TimeSpan.FromSeconds(10) },
        new("pool-starvation", "thread pools: sync-over-async",
            "40 pool work items block on async work with .Result: the pool starves. Fixed: async all the way",
            "starvation", Pools.PoolStarvationDemo.Run) { MaxDuration = TimeSpan.FromSeconds(10) },
        Hang("barrier-missing", "barriers",
            "a Barrier registered for one participant too many: five workers wait forever. Fixed: the right count, and a timeout",
            Hangs.BarrierMissingDemo.Run),
        Hang("semaphore-leak", "semaphores",
            "SemaphoreSlim(2) whose Release is skipped when a job throws: later jobs wait forever. Fixed: Release in finally",
            Hangs.SemaphoreLeakDemo.Run),
        Hang("mutex-abba", "locks: deadlock on handles",
            "two Mutexes taken in opposite order by two threads: both wait in WaitOne forever. Fixed: one order",
            Hangs.MutexAbbaDemo.Run),
        Hang("lock-leak", "locks: exceptions",
            "Monitor.Enter without finally: an exception leaves the lock held and writers pile up. Fixed: lock (try/finally)",
            Hangs.LockLeakDemo.Run),
        Hang("event-never-set", "events",
            "a ManualResetEventSlim set only on the happy path: the consumer waits forever. Fixed: Set in finally",
            Hangs.EventNeverSetDemo.Run),
        Hang("queue-worker-dies", "queues",
            "a worker throws before CountdownEvent.Signal: main waits forever. Fixed: Signal in finally",
            Hangs.QueueWorkerDiesDemo.Run),
        AsyncHang("async-semaphore-leak", "semaphores (async)",
            "handlers await SemaphoreSlim(2).WaitAsync and skip Release when they throw: later requests await forever, no thread blocked but Main. Fixed: Release in finally",
            AsyncHangs.AsyncSemaphoreLeakDemo.Run),
        AsyncHang("async-event-never-set", "events (async)",
            "readers await a TaskCompletionSource the loader completes only on success; it throws first. Fixed: TrySetException on every failure path",
            AsyncHangs.AsyncEventNeverSetDemo.Run),
        AsyncHang("async-queue-writer-dies", "queues (async)",
            "a Channel producer crashes without completing the writer: the consumer awaits ReadAsync forever. Fixed: Writer.Complete(error) in a catch",
            AsyncHangs.AsyncQueueWriterDiesDemo.Run),
        Hang("exit-hang", "threads: foreground/background",
            "foreground consumers blocked in BlockingCollection.Take keep the process alive. Fixed: CompleteAdding, background threads",
            Hangs.ExitHangDemo.Run),
    ];

    /// <summary>
    /// A demo whose bug blocks forever. Tracing stops 1.5 s after the first hang rather than at once: the threads of
    /// one bug block a few hundred ms apart (main's Join often first), and stopping at the first would cut the others
    /// off before they cross --hang-after. MaxDuration is the backstop.
    /// </summary>
    private static DemoInfo Hang(string name, string topic, string description, Func<bool, int> run) =>
        new(name, topic, description, "hang", run) { StopOnGrace = TimeSpan.FromSeconds(1.5), MaxDuration = TimeSpan.FromSeconds(15) };

    private static DemoInfo AsyncHang(string name, string topic, string description, Func<bool, int> run) =>
        // No thread blocks and no event comes: the look at the end, while the demo still runs, names it.
        Hang(name, topic, description, run) with { MaxDuration = TimeSpan.FromSeconds(6) };

    public static DemoInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Path of the assembly that runs the demos (shipped next to the tool).</summary>
    public static string AssemblyPath => typeof(DemoCatalog).Assembly.Location;
}

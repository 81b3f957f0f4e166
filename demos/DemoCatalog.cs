namespace Tracer.Demos;

/// <summary>Every shipped demo, in course order. `dotnet-tracer demo list` prints this table.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<DemoInfo> All { get; } =
    [
        new("dining-philosophers", "locks: deadlock",
            "five philosophers take the left fork, then the right: a lock-order cycle. Fixed: take the lower-numbered fork first",
            "deadlock", DiningPhilosophers.DiningPhilosophersDemo.Run),
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
    ];

    public static DemoInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Path of the assembly that runs the demos (shipped next to the tool).</summary>
    public static string AssemblyPath => typeof(DemoCatalog).Assembly.Location;
}

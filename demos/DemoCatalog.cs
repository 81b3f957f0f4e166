namespace Tracer.Demos;

/// <summary>Every shipped demo, in course order. `dotnet-tracer demo list` prints this table.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<DemoInfo> All { get; } =
    [
        new("dining-philosophers", "locks: deadlock",
            "five philosophers take the left fork, then the right: a lock-order cycle. Fixed: take the lower-numbered fork first",
            "deadlock", DiningPhilosophers.DiningPhilosophersDemo.Run),
        new("race-pairs", "testing: race detector pairs",
            "the probe pair suite: racy and race-free twins (counters, events, semaphores, barriers, tasks, lock order). Fixed: only the race-free ones",
            null, RaceCases.RaceCaseCatalog.Run),
    ];

    public static DemoInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Path of the assembly that runs the demos (shipped next to the tool).</summary>
    public static string AssemblyPath => typeof(DemoCatalog).Assembly.Location;
}

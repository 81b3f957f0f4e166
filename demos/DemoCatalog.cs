namespace Tracer.Demos;

/// <summary>Every shipped demo, in course order. `dotnet-tracer demo list` prints this table.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<DemoInfo> All { get; } =
    [
        new("dining-philosophers", "locks: deadlock",
            "five philosophers take the left fork, then the right: a lock-order cycle. Fixed: take the lower-numbered fork first",
            "deadlock", DiningPhilosophers.DiningPhilosophersDemo.Run),
        new("process-pool", "processes: sharing data",
            "four worker processes count into a memory-mapped counter with no cross-process lock: updates are lost. Fixed: a named Mutex",
            null, ProcessPool.ProcessPoolDemo.Run),
    ];

    public static DemoInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Path of the assembly that runs the demos (shipped next to the tool).</summary>
    public static string AssemblyPath => typeof(DemoCatalog).Assembly.Location;
}

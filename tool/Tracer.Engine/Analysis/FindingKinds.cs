namespace Tracer.Engine.Analysis;

/// <summary>The stable <c>findings[].kind</c> values of the JSON report.</summary>
public static class FindingKinds
{
    public const string Deadlock = "deadlock";
    public const string PotentialDeadlock = "potential-deadlock";
    public const string Race = "race";
    public const string Starvation = "starvation";
    public const string Convoy = "convoy";
    public const string Hang = "hang";
    public const string LongWait = "long-wait";
    /// <summary>Tasks ended with an exception (TPL events), each with its exception and throw stack.</summary>
    public const string TaskFault = "task-fault";
    /// <summary>A thread burning CPU in one loop without progress (CPU samples), with its stack and CPU share.</summary>
    public const string Spin = "spin";
    /// <summary>The runtime suspended every managed thread for long (GC suspension to restart), with generation and reason.</summary>
    public const string GcPause = "gc-pause";

    public static readonly IReadOnlyList<string> All = [Deadlock, PotentialDeadlock, Race, Starvation, Convoy, Hang, LongWait, TaskFault, Spin, GcPause];
}

using Tracer.Engine.Events;
using Tracer.Engine.Model;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui;

/// <summary>
/// An immutable copy of what the screens show, taken under the analyzer's lock: the decoder keeps writing the model
/// while the screens draw from this.
/// </summary>
internal sealed record TuiSnapshot
{
    /// <summary>The process the screens show: the root trace's, or a child's chosen on the Processes screen.</summary>
    public required TraceReport Report { get; init; }
    /// <summary>Child processes of a traced process tree, one finished report each; empty for one process.</summary>
    public IReadOnlyList<TraceReport> Children { get; init; } = [];
    /// <summary>The root trace's report while a child is shown; null when <see cref="Report"/> is the root's.</summary>
    public TraceReport? TreeRoot { get; init; }

    public TraceReport RootReport => TreeRoot ?? Report;
    public required IReadOnlyList<ThreadLane> Lanes { get; init; }
    public required double StartMs { get; init; }
    public required double EndMs { get; init; }
    public required PoolSnapshot Pool { get; init; }
    /// <summary>Recent decoded events, oldest first; empty unless asked for (copying them is not free).</summary>
    public TraceRecord[] Events { get; init; } = [];
    public long EventsDropped { get; init; }
    /// <summary>Clean names by OS thread id ("name" or "tid N"), short enough for tables.</summary>
    public required IReadOnlyDictionary<int, string> ThreadNames { get; init; }
    public required IReadOnlyDictionary<ulong, string> LockNames { get; init; }

    public double DurationMs => Math.Max(0, EndMs - StartMs);

    public string ThreadName(int tid) => ThreadNames.TryGetValue(tid, out string? name) ? name : $"tid {tid}";

    public string LockName(ulong lockId) => LockNames.TryGetValue(lockId, out string? name) ? name : $"lock 0x{lockId:x}";

    public static TuiSnapshot Empty { get; } = new()
    {
        Report = new TraceReport(),
        Lanes = [],
        StartMs = 0,
        EndMs = 0,
        Pool = new PoolSnapshot([], [], []),
        ThreadNames = new Dictionary<int, string>(),
        LockNames = new Dictionary<ulong, string>(),
    };
}

/// <summary>One thread's lane: its clean name and its state change points (a private copy).</summary>
internal sealed record ThreadLane(int ThreadId, string Name, string DisplayName, ArraySegment<StatePoint> Points, double? ExitedMs,
    double BlockedMs, bool PoolWorker);

internal sealed record PoolSnapshot(PoolSample[] Workers, PoolSample[] QueueLength, double[] Starvation)
{
    public bool IsEmpty => Workers.Length == 0 && QueueLength.Length == 0;
}

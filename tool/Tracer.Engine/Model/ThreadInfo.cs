namespace Tracer.Engine.Model;

/// <summary>What the trace told about one OS thread.</summary>
public sealed class ThreadInfo(int processId, int threadId, double firstSeenMs)
{
    public int ProcessId { get; } = processId;
    public int ThreadId { get; } = threadId;
    /// <summary>OS thread name (Linux copies the first 15 characters of Thread.Name), or a probe-given name.</summary>
    public string? Name { get; set; }
    public double FirstSeenMs { get; } = firstSeenMs;
    public double LastSeenMs { get; set; } = firstSeenMs;
    /// <summary>Its last event that shows it ran (<see cref="Events.ThreadActivity.ShowsItRan"/>), or when first seen.</summary>
    public double LastRanMs { get; set; } = firstSeenMs;
    public double? ExitedMs { get; set; }
    public bool IsPoolWorker { get; set; }
    public long EventCount { get; set; }
    /// <summary>Total time spent waiting for contended locks, in ms.</summary>
    public double LockWaitMs { get; set; }
    /// <summary>Total time spent in runtime waits (handles, Monitor.Wait), in ms.</summary>
    public double HandleWaitMs { get; set; }
    public ThreadTimeline Timeline { get; } = new();
    /// <summary>Its stack when a snapshot of the process was taken (a stack id), -1 when none was.</summary>
    public int SnapshotStackId { get; set; } = -1;
    /// <summary>What a snapshot saw it doing ("blocked in SemaphoreSlim.Wait", "running"), null when none was taken.</summary>
    public string? SnapshotState { get; set; }

    /// <summary>The name to show. Linux gives a new thread its creator's OS name, so a thread started with `new Thread()`
    /// from a pool worker is called ".NET TP Worker" until it is named: a thread with that name that is not a pool
    /// worker shows no name rather than one that is not its own.</summary>
    public string? ShownName => Shown(Name, IsPoolWorker);

    public string DisplayName => Display(ShownName, ThreadId);

    internal static string? Shown(string? name, bool poolWorker) => name is ".NET TP Worker" && !poolWorker ? null : name;

    internal static string Display(string? shownName, int threadId) => shownName is { Length: > 0 } shown ? $"{shown} (tid {threadId})" : $"tid {threadId}";
}

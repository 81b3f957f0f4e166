namespace Tracer.Engine.Model;

/// <summary>What a report shows of one thread, copied from its <see cref="ThreadInfo"/> (no timeline).</summary>
public sealed class ThreadView(ThreadInfo t)
{
    public int ThreadId { get; } = t.ThreadId;
    public int ProcessId { get; } = t.ProcessId;
    public string? Name { get; } = t.Name;
    public bool IsPoolWorker { get; } = t.IsPoolWorker;
    public double FirstSeenMs { get; } = t.FirstSeenMs;
    public double LastSeenMs { get; } = t.LastSeenMs;
    public double? ExitedMs { get; } = t.ExitedMs;
    public double LockWaitMs { get; } = t.LockWaitMs;
    public double HandleWaitMs { get; } = t.HandleWaitMs;
    public int SnapshotStackId { get; } = t.SnapshotStackId;
    public string? SnapshotState { get; } = t.SnapshotState;

    /// <summary>As <see cref="ThreadInfo.ShownName"/>.</summary>
    public string? ShownName => ThreadInfo.Shown(Name, IsPoolWorker);

    public string DisplayName => ThreadInfo.Display(ShownName, ThreadId);
}

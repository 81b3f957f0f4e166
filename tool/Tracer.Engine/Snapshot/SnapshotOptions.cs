namespace Tracer.Engine.Snapshot;

/// <summary>How a snapshot is taken.</summary>
public sealed record SnapshotOptions
{
    /// <summary>The longest the target may take to write its dump before the tool gives up with a message.</summary>
    public TimeSpan IpcTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long threads are watched after the dump; only threads that do not run in that time count as hung.</summary>
    public TimeSpan Observe { get; init; } = TimeSpan.FromSeconds(2);
}

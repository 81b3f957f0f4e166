using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Collect;

/// <summary>
/// The "looks hung" policy of a session attached to a running process (<see cref="HungProcessWatch"/>): a deadlock
/// that formed before attach sends no more events, so after <see cref="Quiet"/> without lock activity one snapshot is
/// taken. It costs the target a pause of tens of milliseconds and writes nothing (docs/performance.md), so a healthy
/// idle service may be snapshotted once per session: the price of not missing a hang that is already there.
/// </summary>
public sealed record AutoSnapshotOptions
{
    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromSeconds(2);

    /// <summary>How long without contention starting or ending before the process looks hung.</summary>
    public TimeSpan Quiet { get; init; } = DefaultQuiet;
    /// <summary>Snapshot when the process is quiet for <see cref="Quiet"/> (attach: a hang that formed before it).</summary>
    public bool WhenQuiet { get; init; } = true;
    /// <summary>
    /// Snapshot when tracing stops (duration, Ctrl+C, q) while the process still runs and no deadlock was seen: a
    /// launched program that has not ended by itself may be stuck in a way that sends no event (an async hang).
    /// </summary>
    public bool AtStop { get; init; }
    public SnapshotOptions Snapshot { get; init; } = new();
}

namespace Tracer.Engine.Analysis;

/// <summary>
/// Something wrong that a detector found. Holds ids only (threads, locks, stacks); names and frames are
/// resolved when it is rendered, so live and replay render the same finding the same way.
/// </summary>
public sealed record Finding
{
    public required string Kind { get; init; }
    public required Severity Severity { get; init; }
    /// <summary>One line saying what is wrong, without thread names (renderers add them).</summary>
    public required string Summary { get; init; }
    /// <summary>When (trace ms) the detector could first tell.</summary>
    public required double TimeMs { get; init; }
    /// <summary>Identity for de-duplication: the same problem found twice has the same key.</summary>
    public required string Key { get; init; }
    public IReadOnlyList<FindingThread> Threads { get; init; } = [];
    public IReadOnlyList<FindingLock> Locks { get; init; } = [];
    /// <summary>Extra lines of evidence (measurements, reasons), shown under the summary.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
    /// <summary>Numbers for machines (e.g. totalWaitMs), written as-is into the JSON report.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Threads whose own waits this finding explains (e.g. the pool threads of a starvation): a hang or long
    /// wait of only these threads is a symptom and is folded under this finding by <see cref="FindingSet"/>.</summary>
    public IReadOnlyList<int> Explains { get; init; } = [];

    /// <summary>A hang in a wait without an owner (an event, a semaphore, a condition) that a look at the heap can still
    /// judge: set where the hang is built (<see cref="HangGroups"/>); not in the JSON.</summary>
    public bool OwnerlessWait { get; init; }

    /// <summary>A thread-pool starvation's measured episode (kind starvation from the pool detector), else null.</summary>
    public PoolStarvationEpisode? PoolEpisode { get; init; }
}

/// <summary>A thread's part in a finding.</summary>
/// <param name="Role">What it does, e.g. "waits", "holds", "blocked" (a pool thread of a starvation).</param>
/// <param name="WaitsForLock">Lock id it waits for, if any.</param>
/// <param name="HeldBy">OS thread id holding that lock, if known.</param>
/// <param name="StackId">Its stack at the moment that matters (the wait), -1 if none.</param>
/// <param name="SinceMs">Since when it is in that state.</param>
public sealed record FindingThread(int ThreadId, string Role, ulong? WaitsForLock, int? HeldBy, int StackId, double SinceMs, int ProcessId = 0);

/// <summary>A lock involved in a finding.</summary>
public sealed record FindingLock(ulong LockId, ulong ObjectId, int? OwnerThreadId, string? Name = null);

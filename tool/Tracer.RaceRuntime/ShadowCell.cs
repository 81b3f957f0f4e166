namespace Tracer.RaceRuntime;

/// <summary>
/// The part of a location's FastTrack state the fast path reads: the last write's epoch and the last read's epoch.
/// The rewriter adds one cell as a struct field next to each checked field, so a same-epoch access compares against
/// memory on the object's own cache line, with no pointer to follow. The rest (sites, threads, concurrent readers,
/// the gate) is a <see cref="Shadow"/> made on the first slow-path access. Epochs change only under that gate.
/// </summary>
public struct ShadowCell
{
    internal long Write;
    /// <summary>The last read's epoch while reads are ordered; -1 (never an epoch) once concurrent readers appear.</summary>
    internal long Read;
    internal Shadow? State;
}

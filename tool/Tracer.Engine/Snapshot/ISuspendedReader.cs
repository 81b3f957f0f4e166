using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// The seam for more that a snapshot reads while the target is suspended, over the same <see cref="ClrRuntime"/>
/// (e.g. a walk of async state machines). Add an implementation to <see cref="SnapshotOptions.Readers"/>; it is called
/// once per snapshot, after threads, stacks and locks are read and before the target resumes, with the snapshot read
/// so far; it returns that snapshot with its own additions (add an init property to <see cref="ProcessSnapshot"/>:
/// plain data, since the snapshot is saved with the trace and analyzed again on replay).
/// Every millisecond spent here is a millisecond the target is frozen: stop when <paramref name="budget"/> fires
/// (the pause budget, <see cref="SnapshotOptions.PauseBudget"/>) and say in a note what was left out. Exceptions
/// other than cancellation become a note; the target resumes either way.
/// </summary>
public interface ISuspendedReader
{
    /// <summary>What it reads, for notes and timings ("async state machines").</summary>
    string What { get; }

    ProcessSnapshot Read(ClrRuntime runtime, ProcessSnapshot snapshot, CancellationToken budget);
}

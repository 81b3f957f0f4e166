using Tracer.Engine.Symbols;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// What the heap says of the object a thread blocks on without an owner (<see cref="Async.AsyncHeap.ReachedWaitSubjects"/>):
/// code that still runs can reach it (in any look), or nothing outside the stuck threads can (in every look), or the
/// heap was not judged (not walked, the mark stopped at its budget, a wait with an owner or on a thread).
/// </summary>
public enum WaitReach
{
    Unknown,
    Reached,
    Unreached,
}

public static class WaitReachExtensions
{
    extension(WaitReach)
    {
        public static WaitReach Of(ProcessSnapshot snapshot, BlockedThread b)
        {
            if (b.ObjectId == 0 || WaitClassifier.HasOwner(b.Kind) || b.Kind is WaitKind.ThreadJoin or WaitKind.TaskWait)
            {
                return WaitReach.Unknown;
            }

            IReadOnlyList<ulong>?[] looks = [snapshot.Async?.ReachedWaitSubjects, .. snapshot.AsyncSecondLook is { } second ? [second.ReachedWaitSubjects] : Array.Empty<IReadOnlyList<ulong>?>()];
            if (looks.Any(l => l?.Contains(b.ObjectId) == true))
            {
                return WaitReach.Reached;
            }

            return looks.All(l => l is not null) ? WaitReach.Unreached : WaitReach.Unknown;
        }
    }
}

using Tracer.Engine.Symbols;
namespace Tracer.Engine.Snapshot;

/// <summary>A snapshot thread with what it blocks in, on which object, and (for locks) who holds it.</summary>
public sealed record BlockedThread(SnapshotThread Thread, WaitKind Kind, int FrameIndex, ulong ObjectId, string? ObjectType, SnapshotLock? Lock)
{
    /// <summary>Reads every thread of a snapshot; threads that are not blocked in a known call are left out.</summary>
    public static IReadOnlyList<BlockedThread> From(ProcessSnapshot snapshot)
    {
        var locks = new Dictionary<ulong, SnapshotLock>();
        foreach (SnapshotLock l in snapshot.Locks)
        {
            locks.TryAdd(l.ObjectId, l);
        }

        var blocked = new List<BlockedThread>();
        foreach (SnapshotThread thread in snapshot.Threads)
        {
            WaitClass what = WaitClassifier.Classify(thread.Frames);
            (WaitKind kind, int frame) = what;
            if (kind == WaitKind.None || what.IsIdle)
            {
                continue; // not blocked in a call we know, or parked at an idle point (the host's lifetime wait, a consumer)
            }

            FrameObject? subject = Subject(thread, kind, frame, locks);
            SnapshotLock? held = subject is not null && WaitClassifier.HasOwner(kind) ? locks.GetValueOrDefault(subject.Address) : null;
            blocked.Add(new BlockedThread(thread, kind, frame, subject?.Address ?? 0, subject?.TypeName, held));
        }

        return blocked;
    }

    /// <summary>
    /// The object the blocking call is about: for a lock, the innermost object at or below the call's frame that is a
    /// held lock not held by this thread; otherwise the System.Threading object nearest the call's own frame.
    /// </summary>
    private static FrameObject? Subject(SnapshotThread thread, WaitKind kind, int frame, Dictionary<ulong, SnapshotLock> locks)
    {
        IEnumerable<FrameObject> candidates = thread.Objects.Where(o => o.FrameIndex <= frame && o.Address != 0).OrderBy(o => o.FrameIndex);
        if (WaitClassifier.HasOwner(kind))
        {
            return candidates.FirstOrDefault(o => locks.TryGetValue(o.Address, out SnapshotLock? l) && l.OwnerOsThreadId != thread.OsThreadId)
                ?? candidates.FirstOrDefault(o => kind != WaitKind.LockEnter || o.TypeName == "System.Threading.Lock");
        }

        // The API frame's own object (its `this`: the Barrier, not the event inside it) is the one the user knows.
        IEnumerable<FrameObject> outermostFirst = candidates.OrderByDescending(o => o.FrameIndex);
        return outermostFirst.FirstOrDefault(o => o.TypeName is not null && o.TypeName.StartsWith("System.Threading.", StringComparison.Ordinal))
            ?? outermostFirst.FirstOrDefault();
    }
}

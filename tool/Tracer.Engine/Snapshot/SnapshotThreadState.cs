using Tracer.Engine.Symbols;

namespace Tracer.Engine.Snapshot;

/// <summary>What a snapshot thread was doing, in the words of `snapshot --all-stacks` and JSON <c>threads[].state</c>.</summary>
public static class SnapshotThreadState
{
    public static string Describe(SnapshotThread thread)
    {
        if (thread.IsFinalizer)
        {
            return "finalizer (runtime)";
        }

        if (thread.Frames.Count == 0)
        {
            return "no managed frames (native code, or not started)";
        }

        (WaitKind kind, _) = WaitClassifier.Classify(thread.Frames);
        string watched = thread.MadeProgress switch
        {
            true => ", kept running while watched",
            false => ", did not run while watched",
            null => string.Empty,
        };
        if (kind == WaitKind.Sleep)
        {
            return "sleeping in Thread.Sleep" + watched;
        }

        if (kind != WaitKind.None)
        {
            return $"blocked in {WaitClassifier.Describe(kind)}{watched}";
        }

        return WaitClassifier.FirstUserFrame(thread.Frames) < 0
            ? "in runtime code only (an idle pool, timer or runtime thread, or a wait it does not name)" + watched
            : "running (not in a call known to block)" + watched;
    }
}

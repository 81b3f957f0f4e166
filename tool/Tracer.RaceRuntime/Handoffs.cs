namespace Tracer.RaceRuntime;

/// <summary>
/// Thread-safe collections and channels are hand-offs: every call releases before it runs and acquires after it
/// returns, on the collection (a channel's reader and writer share one point, as do all channels: conservative).
/// Also the global point of Interlocked and Volatile operations, which are all ordered through one clock
/// (conservative: it can hide a race between unrelated atomics, never invent one).
/// </summary>
public static class Handoffs
{
    private static readonly object s_channels = new();
    private static readonly SyncPoint s_atomics = new();
    private static int s_atomicsVersion;

    public static void Before(object? collection) => SyncPoint.Release(Key(collection));

    public static void After(object? collection)
    {
        object? key = Key(collection);
        if (key is not null)
        {
            SyncPoint.Of(key).Acquire(RaceThread.Current);
        }
    }

    /// <summary>
    /// Release on the atomics clock, skipped when nothing changed since this thread last published there (no checked
    /// access, tick or join): a loop of Interlocked calls then costs two compares, not two clock copies under a gate.
    /// </summary>
    public static void AtomicBefore()
    {
        RaceThread thread = RaceThread.Current;
        if (!thread.AtomicsDirty && thread.Version == thread.AtomicsPublishedVersion)
        {
            return;
        }

        s_atomics.Release(thread);
        Interlocked.Increment(ref s_atomicsVersion);
        thread.AtomicsDirty = false;
        thread.AtomicsPublishedVersion = thread.Version;
    }

    /// <summary>Acquire on the atomics clock, skipped when nobody published there since this thread last joined it.</summary>
    public static void AtomicAfter()
    {
        RaceThread thread = RaceThread.Current;
        int version = Volatile.Read(ref s_atomicsVersion);
        if (version == thread.AtomicsJoinedVersion)
        {
            return;
        }

        s_atomics.Acquire(thread);
        thread.AtomicsJoinedVersion = version;
        if (thread.AtomicsPublishedVersion == thread.Version - 1)
        {
            thread.AtomicsPublishedVersion = thread.Version; // joining what we published ourselves changes nothing to republish
        }
    }

    /// <summary>After an awaiter or wait the runtime does not model: ordered after everything so far.</summary>
    public static void Unmodelled() => RaceThread.Current.JoinAll();

    private static object? Key(object? collection)
    {
        if (collection is null)
        {
            return null;
        }

        string? ns = collection.GetType().Namespace;
        return ns == "System.Threading.Channels" ? s_channels : collection;
    }
}

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

    public static void Before(object? collection) => SyncPoint.Release(Key(collection));

    public static void After(object? collection)
    {
        object? key = Key(collection);
        if (key is not null)
        {
            SyncPoint.Of(key).Acquire(RaceThread.Current);
        }
    }

    public static void AtomicBefore() => s_atomics.Release(RaceThread.Current);

    public static void AtomicAfter() => s_atomics.Acquire(RaceThread.Current);

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

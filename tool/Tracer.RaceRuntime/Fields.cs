using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>Field accesses: the rewriter adds a <see cref="ShadowCell"/> next to each instrumented field and passes it here.</summary>
public static class Fields
{
    /// <summary>The calling thread's state; the rewriter keeps it in a local from the method's entry (a method body
    /// runs on one thread; an async MoveNext reloads it on every resume), so an access costs no thread-static lookup.</summary>
    public static RaceThread Thread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RaceThread.Current;
    }

    /// <summary>FastTrack's same-epoch fast path: this thread already read or wrote here in this epoch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read(ref ShadowCell cell, RaceThread thread, int site)
    {
        long now = thread.Epoch;
        if (Volatile.Read(ref cell.Write) != now && Volatile.Read(ref cell.Read) != now)
        {
            Shadow.ReadSlow(ref cell, "field", thread, now, site);
        }
    }

    /// <summary>Same-epoch fast path: this thread wrote last, in this epoch (see <see cref="Shadow.WriteSlow"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref ShadowCell cell, RaceThread thread, int site)
    {
        long now = thread.Epoch;
        if (Volatile.Read(ref cell.Write) != now)
        {
            Shadow.WriteSlow(ref cell, "field", thread, now, site);
        }
    }
}

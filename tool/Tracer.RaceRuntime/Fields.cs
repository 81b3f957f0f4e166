using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>Field accesses: the rewriter adds one shadow slot next to each instrumented field and passes it here.</summary>
public static class Fields
{
    /// <summary>The calling thread's state; the rewriter keeps it in a local from the method's entry (a method body
    /// runs on one thread; an async MoveNext reloads it on every resume), so an access costs no thread-static lookup.</summary>
    public static RaceThread Thread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RaceThread.Current;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read(ref Shadow? slot, RaceThread thread, int site) => (slot ?? Create(ref slot)).Read(thread, site);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref Shadow? slot, RaceThread thread, int site) => (slot ?? Create(ref slot)).Write(thread, site);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Shadow Create(ref Shadow? slot)
    {
        var shadow = new Shadow("field");
        return Interlocked.CompareExchange(ref slot, shadow, null) ?? shadow;
    }
}

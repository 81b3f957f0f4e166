using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>Field accesses: the rewriter adds one shadow slot next to each instrumented field and passes it here.</summary>
public static class Fields
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read(ref Shadow? slot, int site) => (slot ?? Create(ref slot)).Read(site);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref Shadow? slot, int site) => (slot ?? Create(ref slot)).Write(site);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Shadow Create(ref Shadow? slot)
    {
        var shadow = new Shadow("field");
        return Interlocked.CompareExchange(ref slot, shadow, null) ?? shadow;
    }
}

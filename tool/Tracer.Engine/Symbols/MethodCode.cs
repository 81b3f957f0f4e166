namespace Tracer.Engine.Symbols;

/// <summary>
/// One jitted body of a method (a method has one per tier: tier-0, tier-1, OSR): the module and metadata token that
/// name its source, and the JIT's native-to-IL map once the runtime sent it (MethodILToNativeMap, live, or the
/// rundown's MethodDCEndILToNativeMap).
/// </summary>
public sealed class MethodCode(ulong moduleId, uint token)
{
    // The map's IL offsets for code that has no IL of its own (ICorDebugInfo: NO_MAPPING, PROLOG, EPILOG).
    private const uint FirstSpecialOffset = 0xFFFFFFFD;

    /// <summary>Native offset, IL offset pairs sorted by native offset; set once by the decoder thread, read by others
    /// (one reference write publishes the whole array).</summary>
    private volatile uint[]? _map;

    public ulong ModuleId { get; } = moduleId;
    public uint Token { get; } = token;
    public bool HasMap => _map is not null;

    /// <summary>Takes the map as the runtime sends it (parallel arrays, in IL order or the JIT's own).</summary>
    public void SetMap(ReadOnlySpan<uint> ilOffsets, ReadOnlySpan<uint> nativeOffsets)
    {
        int count = Math.Min(ilOffsets.Length, nativeOffsets.Length);
        var pairs = new (uint Native, uint IL, int Order)[count];
        for (int i = 0; i < count; i++)
        {
            pairs[i] = (nativeOffsets[i], ilOffsets[i], i);
        }

        // By native offset; entries at one native offset keep the runtime's order (the last one is the code there).
        Array.Sort(pairs, static (a, b) => a.Native != b.Native ? a.Native.CompareTo(b.Native) : a.Order.CompareTo(b.Order));
        var map = new uint[count * 2];
        for (int i = 0; i < count; i++)
        {
            map[2 * i] = pairs[i].Native;
            map[(2 * i) + 1] = pairs[i].IL;
        }

        _map = map;
    }

    /// <summary>The IL offset of the code at <paramref name="nativeOffset"/>: the entry with the largest native offset
    /// not above it. Null without a map, before the first entry, or in code with no IL (prolog, epilog, stubs).</summary>
    public int? ILOffsetAt(uint nativeOffset)
    {
        uint[]? map = _map;
        if (map is null)
        {
            return null;
        }

        int lo = 0, hi = (map.Length / 2) - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (map[2 * mid] <= nativeOffset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found < 0)
        {
            return null;
        }

        uint il = map[(2 * found) + 1];
        return il >= FirstSpecialOffset ? null : (int)il;
    }
}

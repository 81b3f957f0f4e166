namespace Tracer.Engine.Symbols;

/// <summary>
/// Maps code addresses to managed method names, from the runtime's MethodLoadVerbose events (jitted code), its
/// R2RGetEntryPoint events (precompiled code, named live as it is first called) and the rundown at the end of a session
/// (MethodDCEndVerbose). Kept sorted lazily: loads arrive in bursts, lookups happen at report time.
/// <para>
/// Precompiled (ReadyToRun) framework code gets no load event, so until the rundown its frames were bare addresses: a
/// live wait stack then lacked the frames that make it an idle point (app.Run(), BlockingCollection.Take) and was
/// reported as a hang that the final report withdrew. R2RGetEntryPoint names the method but not its size: such a
/// method is taken to reach the next known method's start (at most <see cref="MaxOpenSize"/>); a method is known as soon
/// as it runs, so a return address inside one that runs is named right. The rundown's exact ranges replace them.
/// </para>
/// </summary>
public sealed class MethodTable
{
    private readonly List<MethodRange> _ranges = [];
    private bool _sorted = true;

    /// <summary>How far a precompiled method known only by its entry point may reach (crossgen's methods are far smaller).</summary>
    public const uint MaxOpenSize = 64 * 1024;

    public int Count => _ranges.Count;

    /// <summary>A copy to look names up in on another thread (one array copy; it sorts itself when first read).</summary>
    internal MethodTable Copy()
    {
        var copy = new MethodTable { _sorted = _sorted };
        copy._ranges.AddRange(_ranges);
        return copy;
    }

    public void Add(ulong start, uint size, string typeName, string methodName)
    {
        if (size == 0 || start == 0)
        {
            return;
        }

        string name = typeName.Length == 0 ? methodName : string.Concat(typeName, ".", methodName);
        if (_ranges.Count > 0 && _ranges[^1].Start > start)
        {
            _sorted = false;
        }

        _ranges.Add(new MethodRange(start, start + size, name));
    }

    /// <summary>A precompiled method known by its entry point only (R2RGetEntryPoint): it reaches the next known start.</summary>
    public void AddEntryPoint(ulong start, string typeName, string methodName)
    {
        if (start == 0)
        {
            return;
        }

        string name = typeName.Length == 0 ? methodName : string.Concat(typeName, ".", methodName);
        if (_ranges.Count > 0 && _ranges[^1].Start > start)
        {
            _sorted = false;
        }

        _ranges.Add(new MethodRange(start, start, name));
    }

    /// <summary>The method containing <paramref name="address"/>, or null when no loaded method covers it.</summary>
    public string? Lookup(ulong address)
    {
        EnsureSorted();
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].Start <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        // The same code may be reported twice (load + rundown); any covering range gives the same name.
        if (found < 0)
        {
            return null;
        }

        MethodRange range = _ranges[found];
        if (range.End > range.Start)
        {
            return address < range.End ? range.Name : null;
        }

        // Known by its entry point only: it reaches the next known method, or MaxOpenSize.
        ulong end = found + 1 < _ranges.Count ? Math.Min(_ranges[found + 1].Start, range.Start + MaxOpenSize) : range.Start + MaxOpenSize;
        return address < end ? range.Name : null;
    }

    private void EnsureSorted()
    {
        if (_sorted)
        {
            return;
        }

        _ranges.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        _sorted = true;
    }

    private readonly record struct MethodRange(ulong Start, ulong End, string Name);
}

namespace Tracer.Engine.Symbols;

/// <summary>
/// Maps code addresses to managed method names, from the runtime's MethodLoadVerbose events and the rundown at the
/// end of a session (MethodDCEndVerbose). Kept sorted lazily: loads arrive in bursts, lookups happen at report time.
/// </summary>
public sealed class MethodTable
{
    private readonly List<MethodRange> _ranges = [];
    private bool _sorted = true;

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
        return found >= 0 && address < _ranges[found].End ? _ranges[found].Name : null;
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

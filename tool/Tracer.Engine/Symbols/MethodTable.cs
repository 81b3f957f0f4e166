namespace Tracer.Engine.Symbols;

/// <summary>
/// Maps code addresses to managed method names, from the runtime's MethodLoadVerbose events (jitted code), its
/// R2RGetEntryPoint events (precompiled code, named live as it is first called) and the rundown at the end of a session
/// (MethodDCEndVerbose). Kept sorted lazily: loads arrive in bursts, lookups happen at report time.
/// <para>
/// Jitted methods also keep their module, token and the JIT's native-to-IL map (<see cref="MethodCode"/>), and the
/// table knows the modules' files (<see cref="ModuleFile"/>): what a frame's source line is read from at report time.
/// </para>
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
    // MethodID -> its latest jitted body: the runtime sends a body's IL map right after its load event.
    private readonly Dictionary<ulong, MethodCode> _latestCode = new();
    private readonly Dictionary<ulong, ModuleFile> _modules = new();

    /// <summary>How far a precompiled method known only by its entry point may reach (crossgen's methods are far smaller).</summary>
    public const uint MaxOpenSize = 64 * 1024;

    public int Count => _ranges.Count;

    /// <summary>A copy to look names up in on another thread (one array copy; it sorts itself when first read).</summary>
    internal MethodTable Copy()
    {
        var copy = new MethodTable { _sorted = _sorted };
        copy._ranges.AddRange(_ranges);
        foreach (KeyValuePair<ulong, ModuleFile> module in _modules)
        {
            copy._modules.Add(module.Key, module.Value);
        }

        return copy;
    }

    public void Add(ulong start, uint size, string typeName, string methodName) => Add(start, size, typeName, methodName, null);

    /// <summary>A jitted body (MethodLoadVerbose / MethodDCEndVerbose), with what names its source.</summary>
    public void Add(ulong start, uint size, string typeName, string methodName, ulong methodId, ulong moduleId, uint token)
    {
        var code = new MethodCode(moduleId, token);
        if (size != 0 && start != 0 && methodId != 0)
        {
            _latestCode[methodId] = code;
        }

        Add(start, size, typeName, methodName, code);
    }

    /// <summary>MethodILToNativeMap / MethodDCEndILToNativeMap: the map of the method's latest body. ReJIT'd bodies
    /// (a profiler's) are not tracked: their map is ignored.</summary>
    public void AddILMap(ulong methodId, ulong rejitId, ReadOnlySpan<uint> ilOffsets, ReadOnlySpan<uint> nativeOffsets)
    {
        if (rejitId == 0 && _latestCode.TryGetValue(methodId, out MethodCode? code) && !code.HasMap)
        {
            code.SetMap(ilOffsets, nativeOffsets);
        }
    }

    /// <summary>ModuleLoad / ModuleDCEnd.</summary>
    public void AddModule(ulong moduleId, string ilPath, Guid pdbSignature)
    {
        if (moduleId != 0 && ilPath.Length > 0)
        {
            _modules[moduleId] = new ModuleFile(ilPath, pdbSignature);
        }
    }

    public ModuleFile? Module(ulong moduleId) => _modules.GetValueOrDefault(moduleId);

    private void Add(ulong start, uint size, string typeName, string methodName, MethodCode? code)
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

        _ranges.Add(new MethodRange(start, start + size, name, code));
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

        _ranges.Add(new MethodRange(start, start, name, null));
    }

    /// <summary>The method containing <paramref name="address"/>, or null when no loaded method covers it.</summary>
    public string? Lookup(ulong address) => Find(address)?.Name;

    /// <summary>The method containing <paramref name="address"/>, its jitted body when known and the address's offset
    /// in it; null when no loaded method covers it.</summary>
    public CodeAddress? Find(ulong address)
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
        // Load and rundown both report a body: the one that got its IL map names the line (an older trace has the
        // rundown's map only).
        for (int i = found - 1; range.Code is { HasMap: false } && i >= 0 && _ranges[i].Start == range.Start; i--)
        {
            if (_ranges[i].Code is { HasMap: true })
            {
                range = _ranges[i];
            }
        }

        // Known by its entry point only: it reaches the next known method, or MaxOpenSize.
        ulong end = range.End > range.Start ? range.End
            : found + 1 < _ranges.Count ? Math.Min(_ranges[found + 1].Start, range.Start + MaxOpenSize) : range.Start + MaxOpenSize;
        return address < end ? new CodeAddress(range.Name, range.Code, (uint)(address - range.Start)) : null;
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

    private readonly record struct MethodRange(ulong Start, ulong End, string Name, MethodCode? Code);
}

/// <summary>A code address in a known method: the method's name, its jitted body (null for precompiled code and
/// synthetic frames) and the offset from the body's start.</summary>
public readonly record struct CodeAddress(string Name, MethodCode? Code, uint Offset);

namespace Tracer.Engine.Symbols;

/// <summary>Turns interned stacks into readable frames.</summary>
public sealed class StackResolver(StackTable stacks, MethodTable methods)
{
    public StackTable Stacks { get; } = stacks;
    public MethodTable Methods { get; } = methods;

    /// <summary>Reads source lines for <see cref="ResolveWithLines"/>; null: frames are method names only
    /// (<see cref="Analysis.AnalysisOptions.SourceLines"/> off).</summary>
    public PdbLineResolver? Lines { get; init; }

    /// <summary>Frames innermost first, method names only (what classifiers read); unknown native or unloaded code
    /// shows as its address.</summary>
    public IReadOnlyList<string> Resolve(int stackId) => Resolve(stackId, withLines: false);

    /// <summary>
    /// Frames as reports show them: a jitted frame whose module has a matching portable PDB gets its source line,
    /// "Ns.Type.Method (File.cs:42)". Reads PDBs (once per module): for report time, not per event.
    /// </summary>
    public IReadOnlyList<string> ResolveWithLines(int stackId) => Resolve(stackId, withLines: Lines is not null);

    private List<string> Resolve(int stackId, bool withLines)
    {
        ReadOnlySpan<ulong> addresses = Stacks.Get(stackId);
        var frames = new List<string>(addresses.Length);
        string? previous = null;
        for (int i = 0; i < addresses.Length; i++)
        {
            CodeAddress? code = Methods.Find(addresses[i]);
            string name = code?.Name ?? $"0x{addresses[i]:x}";
            if (frames.Count == 0 && IsEventWriting(name))
            {
                continue; // a managed EventSource's event (TaskWaitBegin): its stack starts in the code that wrote it
            }

            // Inlined helpers or recursion can repeat a frame; one line says it (the innermost's line).
            if (name != previous)
            {
                frames.Add(withLines && code is { } at ? SourceLine.Frame(name, LineOf(at, leaf: i == 0)) : name);
            }

            previous = name;
        }

        return frames;
    }

    /// <summary>
    /// Native offset → IL offset (the JIT's map) → line (the PDB). Outer frames are return addresses: the call is the
    /// byte before, which is where its line is (the return address may already be the next statement's code).
    /// </summary>
    private SourceLine? LineOf(CodeAddress at, bool leaf)
    {
        if (at.Code is not { HasMap: true } code || Methods.Module(code.ModuleId) is not { } module)
        {
            return null;
        }

        uint offset = leaf || at.Offset == 0 ? at.Offset : at.Offset - 1;
        return code.ILOffsetAt(offset) is int il ? Lines!.Find(module.ILPath, module.PdbSignature, code.Token, il) : null;
    }

    /// <summary>The innermost frame that is user code rather than the runtime's own (System.*, Microsoft.*).</summary>
    public string? FirstUserFrame(int stackId)
    {
        foreach (string frame in Resolve(stackId))
        {
            if (!IsFrameworkFrame(frame))
            {
                return frame;
            }
        }

        return null;
    }

    private static bool IsEventWriting(string frame) =>
        frame.StartsWith("System.Diagnostics.Tracing.", StringComparison.Ordinal) || frame.StartsWith("System.Threading.Tasks.TplEventSource.", StringComparison.Ordinal);

    public static bool IsFrameworkFrame(string frame) =>
        frame.StartsWith("System.", StringComparison.Ordinal)
        || frame.StartsWith("Microsoft.", StringComparison.Ordinal)
        || frame.StartsWith("Internal.", StringComparison.Ordinal)
        || frame.StartsWith("0x", StringComparison.Ordinal);
}

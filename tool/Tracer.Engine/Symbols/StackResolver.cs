namespace Tracer.Engine.Symbols;

/// <summary>Turns interned stacks into readable frames.</summary>
public sealed class StackResolver(StackTable stacks, MethodTable methods)
{
    public StackTable Stacks { get; } = stacks;
    public MethodTable Methods { get; } = methods;

    /// <summary>Frames innermost first; unknown native or unloaded code shows as its address.</summary>
    public IReadOnlyList<string> Resolve(int stackId)
    {
        ReadOnlySpan<ulong> addresses = Stacks.Get(stackId);
        var frames = new List<string>(addresses.Length);
        string? previous = null;
        foreach (ulong address in addresses)
        {
            string frame = Methods.Lookup(address) ?? $"0x{address:x}";
            // Inlined helpers or recursion can repeat a frame; one line says it.
            if (frame != previous)
            {
                frames.Add(frame);
            }

            previous = frame;
        }

        return frames;
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

    public static bool IsFrameworkFrame(string frame) =>
        frame.StartsWith("System.", StringComparison.Ordinal)
        || frame.StartsWith("Microsoft.", StringComparison.Ordinal)
        || frame.StartsWith("Internal.", StringComparison.Ordinal)
        || frame.StartsWith("0x", StringComparison.Ordinal);
}

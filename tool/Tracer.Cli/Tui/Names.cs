namespace Tracer.Cli.Tui;

/// <summary>Shortening for narrow terminals: frames and lock names without their namespaces.</summary>
internal static class Names
{
    /// <summary>"Ns.Sub.Outer+Nested.Method" → "Nested.Method".</summary>
    public static string Frame(string frame)
    {
        int paren = frame.IndexOf('(');
        string head = paren < 0 ? frame : frame[..paren];
        int last = head.LastIndexOf('.');
        if (last <= 0)
        {
            return frame;
        }

        string type = head[..last].TrimEnd('.'); // ".ctor" keeps its dot in the method part
        int cut = Math.Max(type.LastIndexOf('.'), type.LastIndexOf('+'));
        return string.Concat(type.AsSpan(cut + 1), frame.AsSpan(type.Length));
    }

    /// <summary>"lock 0x1 in Ns.Type.Method" → "lock 0x1 in Type.Method".</summary>
    public static string Lock(string name)
    {
        int at = name.IndexOf(" in ", StringComparison.Ordinal);
        return at < 0 ? name : string.Concat(name.AsSpan(0, at + 4), Frame(name[(at + 4)..]));
    }

    public static string Fit(string text, int width)
    {
        if (width <= 0)
        {
            return string.Empty;
        }

        return text.Length <= width ? text : width == 1 ? "…" : string.Concat(text.AsSpan(0, width - 1), "…");
    }

    public static string Seconds(double ms) => ms >= 10_000 ? $"{ms / 1000:F1} s" : ms >= 1000 ? $"{ms / 1000:F2} s" : $"{ms:F1} ms";
}

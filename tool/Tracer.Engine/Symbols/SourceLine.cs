namespace Tracer.Engine.Symbols;

/// <summary>Where a frame is in the program's source: the file's name (not its path: reports stay short and the same
/// on every machine) and the line.</summary>
public readonly record struct SourceLine(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";

    /// <summary>"Ns.Type.Method" and a line → "Ns.Type.Method (File.cs:42)"; the one frame format of reports,
    /// stacks and the terminal UI.</summary>
    public static string Frame(string method, SourceLine? line) => line is { } at ? $"{method} ({at})" : method;

    /// <summary>The parts of a frame written by <see cref="Frame"/>: its method, and its "File.cs:42" or null.</summary>
    public static (string Method, string? Line) Split(string frame)
    {
        // " (" + a file name + ":" + digits + ")" at the end; method names have no parentheses.
        int open = frame.EndsWith(')') ? frame.LastIndexOf(" (", StringComparison.Ordinal) : -1;
        if (open <= 0)
        {
            return (frame, null);
        }

        ReadOnlySpan<char> inside = frame.AsSpan(open + 2, frame.Length - open - 3);
        int colon = inside.LastIndexOf(':');
        return colon > 0 && colon < inside.Length - 1 && int.TryParse(inside[(colon + 1)..], System.Globalization.NumberStyles.None, null, out _)
            ? (frame[..open], inside.ToString())
            : (frame, null);
    }

    /// <summary>The last segment of a document path written on either system ("C:\src\A.cs" or "/src/A.cs").</summary>
    public static string FileName(string documentPath)
    {
        int cut = documentPath.AsSpan().LastIndexOfAny('/', '\\');
        return cut < 0 ? documentPath : documentPath[(cut + 1)..];
    }
}

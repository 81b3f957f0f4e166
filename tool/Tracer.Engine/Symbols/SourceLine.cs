namespace Tracer.Engine.Symbols;

/// <summary>Where a frame is in the program's source: the file's name (not its path: reports stay short and the same
/// on every machine) and the line.</summary>
public readonly record struct SourceLine(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";

    /// <summary>"Ns.Type.Method" and a line → "Ns.Type.Method (File.cs:42)"; the one frame format of reports,
    /// stacks and the terminal UI.</summary>
    public static string Frame(string method, SourceLine? line) => line is { } at ? $"{method} ({at})" : method;

    /// <summary>The last segment of a document path written on either system ("C:\src\A.cs" or "/src/A.cs").</summary>
    public static string FileName(string documentPath)
    {
        int cut = documentPath.AsSpan().LastIndexOfAny('/', '\\');
        return cut < 0 ? documentPath : documentPath[(cut + 1)..];
    }
}

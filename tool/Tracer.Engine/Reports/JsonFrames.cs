using System.Text.Json;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Reports;

/// <summary>
/// Frames in JSON: the frame arrays keep method names only (`Namespace.Type.Method`, as the schema always had them),
/// and a parallel array beside them gives each frame's "File.cs:42" or null, written only when some frame has a line.
/// Reports and the terminal UI show the two together ("Ns.Type.Method (File.cs:42)", <see cref="SourceLine.Frame"/>).
/// </summary>
internal static class JsonFrames
{
    public static void Write(Utf8JsonWriter w, string framesName, string linesName, IReadOnlyList<string> frames)
    {
        w.WriteStartArray(framesName);
        foreach (string frame in frames)
        {
            w.WriteStringValue(SourceLine.Split(frame).Method);
        }

        w.WriteEndArray();
        if (HasLines(frames))
        {
            WriteLines(w, linesName, frames);
        }
    }

    public static bool HasLines(IReadOnlyList<string> frames) => frames.Any(f => SourceLine.Split(f).Line is not null);

    /// <summary>The lines alone: one string or null per frame.</summary>
    public static void WriteLines(Utf8JsonWriter w, string name, IReadOnlyList<string> frames)
    {
        w.WriteStartArray(name);
        foreach (string frame in frames)
        {
            if (SourceLine.Split(frame).Line is string line)
            {
                w.WriteStringValue(line);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }
}

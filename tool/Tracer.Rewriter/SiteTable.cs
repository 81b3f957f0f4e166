using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Tracer.Rewriter;

/// <summary>
/// Numbers the static sites (a field access, a collection call, a lock acquisition) across all rewritten assemblies
/// and writes them as "id TAB target TAB where" lines that the runtime reads when it reports.
/// </summary>
internal sealed class SiteTable
{
    private readonly List<string> _lines = [];

    public int Count => _lines.Count;

    public int Add(string target, MethodDefinition method, Instruction at)
    {
        int id = _lines.Count + 1;
        _lines.Add($"{id}\t{Clean(target)}\t{Clean(Where(method, at))}");
        return id;
    }

    public void Write(string path) => File.WriteAllLines(path, _lines);

    /// <summary>"Type.Method +IL_0012 (File.cs:42)"; the line is the nearest sequence point at or before the instruction.</summary>
    internal static string Where(MethodDefinition method, Instruction at)
    {
        string where = $"{TypeNames.Short(method.DeclaringType)}.{method.Name} +IL_{at.Offset:x4}";
        SequencePoint? best = null;
        if (method.DebugInformation.HasSequencePoints)
        {
            foreach (SequencePoint point in method.DebugInformation.SequencePoints)
            {
                if (point.Offset <= at.Offset && !point.IsHidden)
                {
                    best = point;
                }
            }
        }

        return best is null ? where : $"{where} ({Path.GetFileName(best.Document.Url)}:{best.StartLine})";
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('|', '/');
}

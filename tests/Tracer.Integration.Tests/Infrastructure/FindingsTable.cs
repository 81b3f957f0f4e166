namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// The table at the end of docs/findings.md (program, expected, found), kept current by the corpus tests: each test
/// checks its own row against what it found, so a changed result fails until the row is updated. With
/// UPDATE_FINDINGS_TABLE=1 the tests write their rows instead (then commit the file).
/// </summary>
internal static class FindingsTable
{
    public const string Heading = "## Corpus: expected and found";
    private const string Header = "| program | expected | found |";
    private const string Rule = "|---|---|---|";
    private static readonly Lock s_file = new();

    public static string DocPath => Path.Combine(ToolPaths.RepositoryRoot, "docs", "findings.md");

    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_FINDINGS_TABLE") == "1";

    /// <summary>The row that is committed for <paramref name="program"/>, or null.</summary>
    public static string? CommittedRow(string program)
    {
        lock (s_file)
        {
            return TableRows(File.ReadAllLines(DocPath)).FirstOrDefault(r => Program(r) == program);
        }
    }

    public static string Row(string program, string expected, string found) =>
        $"| {Escape(program)} | {Escape(expected)} | {Escape(found)} |";

    /// <summary>Writes the row (replacing the program's old one, else adding it after its siblings or at the end).</summary>
    public static void Write(string row)
    {
        lock (s_file)
        {
            var lines = File.ReadAllLines(DocPath).ToList();
            int heading = lines.IndexOf(Heading);
            if (heading < 0)
            {
                lines.AddRange(["", Heading, "", Header, Rule]);
                heading = lines.IndexOf(Heading);
            }

            int first = lines.IndexOf(Rule, heading) + 1;
            int end = first;
            while (end < lines.Count && lines[end].StartsWith('|'))
            {
                end++;
            }

            int existing = lines.FindIndex(first, end - first, l => Program(l) == Program(row));
            if (existing >= 0)
            {
                lines[existing] = row;
            }
            else
            {
                // Next to the rows of the same program traced another way, else at the end.
                string family = Program(row).Split(' ')[0];
                int sibling = lines.FindLastIndex(end - 1, end - first, l => Program(l).Split(' ')[0] == family);
                lines.Insert(sibling >= 0 ? sibling + 1 : end, row);
            }

            File.WriteAllText(DocPath, string.Join('\n', lines) + "\n");
        }
    }

    /// <summary>Checks (or, when updating, writes) the program's row.</summary>
    public static void Check(string program, string expected, string found)
    {
        string row = Row(program, expected, found);
        if (Updating)
        {
            Write(row);
            return;
        }

        string? committed = CommittedRow(program);
        Assert.True(committed == row,
            $"docs/findings.md is out of date for {program}:\n  committed: {committed ?? "(no row)"}\n  found:     {row}\nrerun with UPDATE_FINDINGS_TABLE=1 and commit the file.");
    }

    private static IEnumerable<string> TableRows(string[] lines) =>
        lines.SkipWhile(l => l != Heading).SkipWhile(l => l != Rule).Skip(1).TakeWhile(l => l.StartsWith('|'));

    private static string Program(string row) => row.Split(" | ", 2)[0].TrimStart('|', ' ');

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}

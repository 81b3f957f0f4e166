using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen 7: the traced processes as a parent/child tree, and the launched program's last output lines.</summary>
internal sealed class ProcessesScreen(Theme theme, TuiSession session) : LinesScreen(theme)
{
    public override string TabTitle => "Processes";

    protected override List<Line> BuildLines()
    {
        var lines = new List<Line> { new Line("PROCESSES", Role.Title) };
        IReadOnlyList<ReportProcess> all = Snapshot.Report.Processes;
        var ids = all.Select(p => p.ProcessId).ToHashSet();
        foreach (ReportProcess root in all.Where(p => p.ParentProcessId is not int parent || !ids.Contains(parent)))
        {
            AddTree(lines, root, all, 0);
        }

        if (all.Count == 0)
        {
            lines.Add(new Line("  no process seen yet", Role.Dim));
        }

        if (session.ProgramOutput is { } output)
        {
            lines.Add(Line.Blank);
            lines.Add(new Line($"PROGRAM OUTPUT (last lines of {output.TotalLines:N0})", Role.Title));
            lines.AddRange(output.Lines().Select(l => new Line("  " + TextSanitizer.Clean(l), Role.Dim)));
        }

        return lines;
    }

    private void AddTree(List<Line> lines, ReportProcess p, IReadOnlyList<ReportProcess> all, int depth)
    {
        int threads = Snapshot.Report.Threads.Count(t => t.ProcessId == p.ProcessId || t.ProcessId == 0);
        string parent = p.ParentProcessId is int pp ? $" (parent {pp})" : string.Empty;
        string exit = p.ExitCode is int code ? $", exit code {code}" : string.Empty;
        lines.Add(new Line($"{new string(' ', 2 + depth * 2)}{(depth > 0 ? "└ " : string.Empty)}{p.ProcessId} {p.Name}{parent}, {threads} threads{exit}", Role.Normal, p.ProcessId));
        if (p.CommandLine.Length > 0)
        {
            lines.Add(new Line($"{new string(' ', 6 + depth * 2)}{p.CommandLine}", Role.Dim));
        }

        foreach (ReportProcess child in all.Where(c => c.ParentProcessId == p.ProcessId && c.ProcessId != p.ProcessId))
        {
            AddTree(lines, child, all, depth + 1);
        }
    }
}

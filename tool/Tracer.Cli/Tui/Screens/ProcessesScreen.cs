using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Navigation item: show process <paramref name="Pid"/> (root or child trace) on the screens.</summary>
internal sealed record ShowProcess(int Pid);

/// <summary>
/// Screen 7: the traced processes as a parent/child tree (the root trace and, for a traced process tree, each child's
/// trace) with each process's threads, and the launched program's last output lines.
/// </summary>
internal sealed class ProcessesScreen(Theme theme, TuiSession session) : LinesScreen(theme)
{
    public override string TabTitle => "Processes";

    public override string Status => SelectedTag is null || Snapshot.Children.Count == 0 ? string.Empty : "Enter shows the process on the other screens";

    protected override List<Line> BuildLines()
    {
        var lines = new List<Line> { new Line("PROCESSES", Role.Title) };
        List<(ReportProcess Process, TraceReport Report)> all = Processes(Snapshot);
        var ids = all.Select(p => p.Process.ProcessId).ToHashSet();
        foreach ((ReportProcess Process, TraceReport Report) root in all.Where(p => p.Process.ParentProcessId is not int parent || !ids.Contains(parent)))
        {
            AddTree(lines, root, all, 0, new HashSet<int>());
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

    /// <summary>Enter on a process of a tree: the other screens show it (its own trace) from now on.</summary>
    protected override void Activate(object tag)
    {
        if (Snapshot.Children.Count > 0 && tag is int pid)
        {
            Navigate(ScreenIndex.Overview, new ShowProcess(pid));
        }
    }

    /// <summary>Every process once, with the report (root or child trace) that holds its threads; the root's first.</summary>
    public static List<(ReportProcess Process, TraceReport Report)> Processes(TuiSnapshot snapshot)
    {
        var seen = new HashSet<int>();
        var all = new List<(ReportProcess, TraceReport)>();
        foreach (TraceReport report in snapshot.Children.Prepend(snapshot.RootReport))
        {
            foreach (ReportProcess p in report.Processes.Where(p => seen.Add(p.ProcessId)))
            {
                all.Add((p, report));
            }
        }

        return all;
    }

    /// <summary>A process's threads: those tagged with its pid, or all untagged ones when its trace holds only it.</summary>
    public static List<ReportThread> Threads(ReportProcess p, TraceReport report) =>
        [.. report.Threads.Where(t => t.ProcessId == p.ProcessId || (t.ProcessId == 0 && report.Processes.Count == 1))];

    private void AddTree(List<Line> lines, (ReportProcess Process, TraceReport Report) node, List<(ReportProcess Process, TraceReport Report)> all,
        int depth, HashSet<int> onPath)
    {
        ReportProcess p = node.Process;
        if (!onPath.Add(p.ProcessId))
        {
            return; // a parent loop in bad data must not recurse forever
        }

        List<ReportThread> threads = Threads(p, node.Report);
        string pad = new(' ', 2 + depth * 2);
        string parent = p.ParentProcessId is int pp ? $" (parent {pp})" : string.Empty;
        string exit = p.ExitCode is int code ? $", exit code {code}" : string.Empty;
        string where = Snapshot.Children.Count > 0 && ReferenceEquals(node.Report, Snapshot.Report) ? " ◀ shown on the other screens" : string.Empty;
        lines.Add(new Line($"{pad}{(depth > 0 ? "└ " : string.Empty)}{p.ProcessId} {p.Name}{parent}, {threads.Count} thread{(threads.Count == 1 ? string.Empty : "s")}{exit}{where}", Role.Normal, p.ProcessId));
        string inner = new(' ', pad.Length + (depth > 0 ? 4 : 2));
        if (p.CommandLine.Length > 0)
        {
            lines.Add(new Line($"{inner}{p.CommandLine}", Role.Dim));
        }

        if (threads.Count > 0)
        {
            string names = string.Join(", ", threads.Select(t => OverviewScreen.ShortThread(t.DisplayName)));
            lines.Add(new Line(Names.Fit($"{inner}threads: {names}", Math.Max(20, Cols)), Role.Dim));
        }

        foreach ((ReportProcess Process, TraceReport Report) child in all.Where(c => c.Process.ParentProcessId == p.ProcessId && c.Process.ProcessId != p.ProcessId))
        {
            AddTree(lines, child, all, depth + 1, onPath);
        }

        onPath.Remove(p.ProcessId);
    }
}

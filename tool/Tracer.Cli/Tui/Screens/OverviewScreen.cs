using System.Globalization;
using Terminal.Gui.Input;
using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen 1: what is wrong, in one screen. The process, the trace's size, findings worst first; Enter opens one.</summary>
internal sealed class OverviewScreen(Theme theme, TuiSession session) : LinesScreen(theme)
{
    public override string TabTitle => "Overview";

    public override string Status => SelectedTag is null ? string.Empty : "Enter opens the finding";

    /// <summary>The finding's one line: "DEADLOCK: a ⇄ b ⇄ c on 3 locks".</summary>
    public static string OneLine(ReportFinding f, int width)
    {
        string kind = f.Kind.ToUpperInvariant();
        if (f.Kind == FindingKinds.Deadlock && f.Threads.Count > 0)
        {
            string tail = $" on {f.Locks.Count} lock{(f.Locks.Count == 1 ? string.Empty : "s")}";
            List<string> names = [.. f.Threads.Select(t => ShortThread(t.DisplayName))];
            for (int shown = names.Count; shown >= 1; shown--)
            {
                string cycle = string.Join(" ⇄ ", names.Take(shown)) + (shown < names.Count ? " ⇄ …" : string.Empty);
                string line = $"{kind}: {cycle}{tail}";
                if (line.Length <= width || shown == 1)
                {
                    return line;
                }
            }
        }

        string who = f.Threads.Count > 0 ? $" [{ShortThread(f.Threads[0].DisplayName)}{(f.Threads.Count > 1 ? $" +{f.Threads.Count - 1}" : string.Empty)}]" : string.Empty;
        return $"{kind}: {f.Summary}{who}";
    }

    /// <summary>"philosopher-0 (tid 12)" → "philosopher-0".</summary>
    public static string ShortThread(string displayName)
    {
        int paren = displayName.LastIndexOf(" (tid ", StringComparison.Ordinal);
        return paren > 0 ? displayName[..paren] : displayName;
    }

    public static string Key(ReportFinding f) => string.Create(CultureInfo.InvariantCulture, $"{f.Kind}|{f.Summary}|{f.TimeMs}");

    public override bool HandleKey(Key key)
    {
        bool handled = base.HandleKey(key);
        if (handled && key != Terminal.Gui.Input.Key.Enter)
        {
            Rebuild(); // the detail block follows the selection
        }

        return handled;
    }

    protected override void Activate(object tag)
    {
        ReportFinding? f = Snapshot.Report.Findings.FirstOrDefault(x => Key(x) == (string)tag);
        if (f is null)
        {
            return;
        }

        if (f.Kind == FindingKinds.Convoy && f.Locks.Count > 0)
        {
            Navigate(ScreenIndex.Locks, f.Locks[0].LockId);
        }
        else if (f.Kind == FindingKinds.Starvation)
        {
            Navigate(ScreenIndex.Pool, null);
        }
        else
        {
            Navigate(ScreenIndex.Deadlock, Key(f));
        }
    }

    protected override List<Line> BuildLines()
    {
        CultureInfo culture = CultureInfo.InvariantCulture;
        TraceReport r = Snapshot.Report;
        var lines = new List<Line>();
        foreach (ReportProcess p in r.Processes)
        {
            string what = p.CommandLine.Length > 0 ? p.CommandLine : p.Name;
            string exit = p.ExitCode is int code ? $", exited with {code}" : string.Empty;
            lines.Add(new Line($"process {p.ProcessId} {p.Name}: {what}{exit}"));
        }

        double seconds = r.DurationMs / 1000;
        string rate = seconds > 0 ? string.Format(culture, " ({0:N0}/s)", r.Events / seconds) : string.Empty;
        lines.Add(new Line(string.Format(culture, "trace: {0:F2} s · {1:N0} events{2} · {3:N0} lost · {4} threads · {5} contended locks",
            seconds, r.Events, rate, r.LostEvents, r.Threads.Count, r.Locks.Count)));
        string source = session.Progress?.Invoke() ?? string.Empty;
        lines.Add(new Line(session.IsLive ? $"LIVE {session.Title}  {source}" : $"{session.Title}  {source}", Role.Dim));
        if (Snapshot.Children.Count > 0)
        {
            int children = ProcessesScreen.Processes(Snapshot).Count - Snapshot.RootReport.Processes.Count;
            string shown = r.Processes.Count > 0 ? $"{(Snapshot.TreeRoot is null ? "root" : "child")} pid {r.Processes[0].ProcessId}" : "the root process";
            lines.Add(new Line($"showing {shown}; {children} child process{(children == 1 ? string.Empty : "es")} in the Processes screen (7), Enter there shows one", Role.Title));
        }

        lines.Add(Line.Blank);

        if (r.Findings.Count == 0)
        {
            lines.Add(new Line(session.IsFinished() ? "No problems found." : "No problems found so far.", Role.Title));
        }
        else
        {
            lines.Add(new Line($"FINDINGS ({r.Findings.Count}), worst first. Enter opens one.", Role.Title));
            foreach (ReportFinding f in r.Findings)
            {
                lines.Add(new Line(" " + OneLine(f, Math.Max(40, Cols - 2)), f.Severity >= Severity.Error ? Role.Critical : Role.Warning, Key(f)));
            }

            AddDetail(lines);
        }

        AddOtherFindings(lines);
        if (r.Notes.Count > 0)
        {
            lines.Add(Line.Blank);
            lines.Add(new Line("NOTES", Role.Title));
            lines.AddRange(r.Notes.Select(n => new Line("  " + TextSanitizer.Clean(n), Role.Dim)));
        }

        return lines;
    }

    /// <summary>The other processes' findings of a tree, worst first, each with its pid (the screens show one process).</summary>
    private void AddOtherFindings(List<Line> lines)
    {
        IEnumerable<TraceReport> others = Snapshot.TreeRoot is { } root ? Snapshot.Children.Prepend(root) : Snapshot.Children;
        List<ReportFinding> findings = [.. others.Where(o => !ReferenceEquals(o, Snapshot.Report)).SelectMany(o => o.Findings).OrderByDescending(f => f.Severity)];
        if (findings.Count == 0)
        {
            return;
        }

        lines.Add(Line.Blank);
        lines.Add(new Line($"FINDINGS IN {(Snapshot.TreeRoot is null ? "CHILD" : "OTHER")} PROCESSES ({findings.Count})", Role.Title));
        foreach (ReportFinding f in findings)
        {
            string pid = $" [pid {f.ProcessId}] ";
            lines.Add(new Line(pid + OneLine(f, Math.Max(40, Cols - pid.Length - 1)), f.Severity >= Severity.Error ? Role.Critical : Role.Warning));
        }
    }

    private void AddDetail(List<Line> lines)
    {
        string? key = SelectedTag as string ?? (Snapshot.Report.Findings.Count > 0 ? Key(Snapshot.Report.Findings[0]) : null);
        ReportFinding? f = Snapshot.Report.Findings.FirstOrDefault(x => Key(x) == key);
        if (f is null)
        {
            return;
        }

        lines.Add(Line.Blank);
        lines.Add(new Line(string.Create(CultureInfo.InvariantCulture, $"{f.Kind.ToUpperInvariant()} at {f.TimeMs / 1000:F2} s: {f.Summary}"), Role.Title));
        foreach (ReportFindingThread t in f.Threads)
        {
            lines.Add(new Line("  " + DeadlockScreen.Describe(t, f)));
        }

        lines.AddRange(f.Details.Select(d => new Line("  " + TextSanitizer.Clean(d), Role.Dim)));
    }
}

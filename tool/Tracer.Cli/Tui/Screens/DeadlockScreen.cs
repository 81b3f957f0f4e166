using System.Globalization;
using Tracer.Engine.Analysis;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen 4: each wait-for cycle drawn as thread → lock → holder → …, with every thread's stack; then hangs
/// and other findings with their primitive and duration; then who is blocked at the end of the trace.</summary>
internal sealed class DeadlockScreen(Theme theme) : LinesScreen(theme)
{
    private const int MaxFrames = 8;

    public override string TabTitle => "Deadlock";

    public override string Status => "↑↓ PgUp PgDn scroll";

    public static string Describe(ReportFindingThread t, ReportFinding f)
    {
        if (t.WaitsForLock is ulong lockId)
        {
            string lockName = Names.Lock(f.Locks.FirstOrDefault(l => l.LockId == lockId)?.Name ?? $"lock 0x{lockId:x}");
            return $"{t.DisplayName} waits for {lockName}, held by {t.HeldByName ?? "an unknown holder"}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{t.DisplayName} {t.Role} since {t.SinceMs / 1000:F2} s");
    }

    public override void Focus(object? item) => Select(item);

    protected override List<Line> BuildLines()
    {
        var lines = new List<Line>();
        IReadOnlyList<ReportFinding> findings = Snapshot.Report.Findings;
        foreach (ReportFinding f in findings.Where(f => f.Kind == FindingKinds.Deadlock))
        {
            AddCycle(lines, f);
        }

        foreach (ReportFinding f in findings.Where(f => f.Kind is not (FindingKinds.Deadlock or FindingKinds.Convoy or FindingKinds.Starvation)))
        {
            AddOther(lines, f);
        }

        if (lines.Count == 0)
        {
            lines.Add(new Line("No deadlock or hang found.", Role.Title));
            lines.Add(Line.Blank);
        }

        AddBlocked(lines);
        return lines;
    }

    private static void AddCycle(List<Line> lines, ReportFinding f)
    {
        lines.Add(new Line(string.Create(CultureInfo.InvariantCulture, $"DEADLOCK at {f.TimeMs / 1000:F2} s: {f.Summary}"), Role.Critical, OverviewScreen.Key(f)));
        lines.Add(new Line("  wait-for cycle (thread → lock it waits for → thread holding it):", Role.Dim));
        foreach (ReportFindingThread t in f.Threads)
        {
            string lockText = t.WaitsForLock is ulong id ? $"lock 0x{id:x}" : t.Role;
            string holder = t.HeldByName is null ? "?" : OverviewScreen.ShortThread(t.HeldByName);
            lines.Add(new Line($"  {OverviewScreen.ShortThread(t.DisplayName)} → {lockText} → {holder}", Role.LockWait));
        }

        if (f.Threads.Count > 0)
        {
            lines.Add(new Line($"  ↺ back to {OverviewScreen.ShortThread(f.Threads[0].DisplayName)}", Role.LockWait));
        }

        lines.Add(new Line("  locks:", Role.Dim));
        lines.AddRange(f.Locks.Select(l => new Line($"    {Names.Lock(l.Name ?? $"lock 0x{l.LockId:x}")}")));
        AddStacks(lines, f);
        lines.Add(Line.Blank);
    }

    private static void AddOther(List<Line> lines, ReportFinding f)
    {
        Role role = f.Severity >= Severity.Error ? Role.Critical : Role.Warning;
        lines.Add(new Line(string.Create(CultureInfo.InvariantCulture, $"{f.Kind.ToUpperInvariant()} at {f.TimeMs / 1000:F2} s: {f.Summary}"), role, OverviewScreen.Key(f)));
        foreach (ReportFindingThread t in f.Threads)
        {
            lines.Add(new Line("  " + Describe(t, f)));
        }

        lines.AddRange(f.Details.Select(d => new Line("  " + TextSanitizer.Clean(d), Role.Dim)));
        AddStacks(lines, f);
        lines.Add(Line.Blank);
    }

    private static void AddStacks(List<Line> lines, ReportFinding f)
    {
        foreach (ReportFindingThread t in f.Threads.Where(t => t.Frames.Count > 0))
        {
            lines.Add(new Line($"  stack of {t.DisplayName}:", Role.Title));
            lines.AddRange(t.Frames.Take(MaxFrames).Select(frame => new Line("      " + Names.Frame(frame))));
            if (t.Frames.Count > MaxFrames)
            {
                lines.Add(new Line($"      … {t.Frames.Count - MaxFrames} more frames", Role.Dim));
            }
        }
    }

    private void AddBlocked(List<Line> lines)
    {
        var blocked = Snapshot.Lanes
            .Where(l => l.Points.Count > 0 && l.Points[^1].State is ThreadState.WaitingOnLock or ThreadState.WaitingOnHandle)
            .OrderBy(l => l.Points[^1].TimeMs)
            .ToList();
        if (blocked.Count == 0)
        {
            return;
        }

        lines.Add(new Line("Blocked at the end of the trace (longest first):", Role.Title));
        foreach (ThreadLane lane in blocked)
        {
            StatePoint p = lane.Points[^1];
            string what = p.State == ThreadState.WaitingOnLock ? Names.Lock(Snapshot.LockName(p.Subject)) : $"handle 0x{p.Subject:x}";
            lines.Add(new Line($"  {lane.Name} (tid {lane.ThreadId}) waits on {what} for {Names.Seconds(Snapshot.EndMs - p.TimeMs)}", Theme.RoleOf(p.State)));
        }
    }
}

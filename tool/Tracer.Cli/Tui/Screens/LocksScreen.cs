using System.Globalization;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen 3: contended locks by total wait; Enter shows the selected lock's waiters and top waiting stacks.</summary>
internal sealed class LocksScreen(Theme theme) : LinesScreen(theme)
{
    private const int MaxFrames = 6;
    private readonly HashSet<ulong> _expanded = [];

    public override string TabTitle => "Locks";

    public override string Status => Snapshot.Report.Locks.Count == 0 ? string.Empty : "Enter shows/hides the top waiting stacks";

    protected override IReadOnlyList<Line> Header =>
    [
        new Line($"{"waits",8} {"total ms",9} {"max ms",7} {"p99 ms",7}  {"owner",-14} {"waiters",7}  lock", Role.Title),
    ];

    public override void Focus(object? item)
    {
        if (item is ulong lockId)
        {
            _expanded.Add(lockId);
            Rebuild();
            Select(lockId);
        }
    }

    protected override void Activate(object tag)
    {
        ulong id = (ulong)tag;
        if (!_expanded.Remove(id))
        {
            _expanded.Add(id);
        }

        Rebuild();
    }

    protected override List<Line> BuildLines()
    {
        var lines = new List<Line>();
        if (Snapshot.Report.Locks.Count == 0)
        {
            lines.Add(new Line("No contended locks in this trace (so far).", Role.Dim));
            return lines;
        }

        foreach (ReportLock l in Snapshot.Report.Locks)
        {
            string owner = l.Owners.Count == 0 ? "?" : Snapshot.ThreadName(l.Owners[0]) + (l.Owners.Count > 1 ? $" +{l.Owners.Count - 1}" : string.Empty);
            string row = string.Format(CultureInfo.InvariantCulture, "{0,8:N0} {1,9:F1} {2,7:F1} {3,7:F1}  {4,-14} {5,7}  {6}",
                l.Contentions, l.TotalWaitMs, l.MaxWaitMs, l.P99WaitMs, Names.Fit(owner, 14), l.Waiters.Count, ShortLock(l));
            lines.Add(new Line(row, Role.Normal, l.LockId));
            if (_expanded.Contains(l.LockId))
            {
                AddDetail(lines, l);
            }
        }

        return lines;
    }

    private static string ShortLock(ReportLock l)
    {
        string name = Names.Lock(l.Name);
        return name.StartsWith("lock ", StringComparison.Ordinal) ? name[5..] : name;
    }

    private void AddDetail(List<Line> lines, ReportLock l)
    {
        lines.Add(new Line($"    {Names.Lock(l.Name)}", Role.Title));
        lines.Add(new Line("    waiters: " + string.Join(", ", l.Waiters.Take(8).Select(Snapshot.ThreadName)) + (l.Waiters.Count > 8 ? ", …" : string.Empty), Role.Dim));
        if (l.TopStacks.Count == 0)
        {
            lines.Add(new Line("    no waiting stacks in this trace", Role.Dim));
        }

        foreach (ReportStack stack in l.TopStacks)
        {
            lines.Add(new Line($"    {stack.Count}× waited at:", Role.Warning));
            lines.AddRange(stack.Frames.Take(MaxFrames).Select(f => new Line("      " + Names.Frame(f))));
        }
    }
}

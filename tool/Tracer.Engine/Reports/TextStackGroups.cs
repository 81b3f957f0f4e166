namespace Tracer.Engine.Reports;

/// <summary>
/// Every managed thread at the snapshot with its state and stack, identical stacks once with a count (as dotnet-dump's
/// pstacks): `snapshot --all-stacks`, and the same section in reports of traces that hold a snapshot.
/// </summary>
public static class TextStackGroups
{
    public static void Write(TraceReport report, TextWriter w)
    {
        if (report.StackGroups.Count == 0)
        {
            return;
        }

        int threads = report.StackGroups.Sum(g => g.ThreadIds.Count);
        w.WriteLine($"STACKS ({threads} managed threads at the snapshot, {report.StackGroups.Count} distinct stacks)");
        foreach (ReportStackGroup g in report.StackGroups)
        {
            string who = g.ThreadIds.Count == 1 ? g.Names[0] : $"{g.ThreadIds.Count} threads: {string.Join(", ", g.Names)}";
            w.WriteLine($"  {who}");
            w.WriteLine($"    {g.State}");
            foreach (string frame in g.Frames)
            {
                w.WriteLine($"      {frame}");
            }

            if (g.Frames.Count == 0)
            {
                w.WriteLine("      (no managed frames)");
            }
        }

        w.WriteLine();
    }
}

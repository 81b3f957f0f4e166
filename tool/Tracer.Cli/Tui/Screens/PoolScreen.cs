using System.Globalization;
using System.Text;
using Tracer.Engine.Analysis;
using Tracer.Engine.Model;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tui.Screens;

/// <summary>Screen 5: thread-pool workers and queue length over the trace as bar charts, starvation marked with `!`.</summary>
internal sealed class PoolScreen(Theme theme) : LinesScreen(theme)
{
    private const int ChartRows = 4;
    private const int LabelWidth = 9;
    private static readonly char[] s_levels = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

    public override string TabTitle => "Pool";

    protected override List<Line> BuildLines()
    {
        PoolSnapshot pool = Snapshot.Pool;
        var lines = new List<Line>();
        if (pool.IsEmpty)
        {
            lines.Add(new Line("no thread-pool data in this trace", Role.Dim));
            return lines;
        }

        int width = Math.Max(10, Cols - LabelWidth);
        double start = Snapshot.StartMs, span = Math.Max(Snapshot.DurationMs, 1e-3);
        AddChart(lines, "workers", Bin(pool.Workers, start, span, width), Role.Running);
        AddChart(lines, "queue", Bin(pool.QueueLength, start, span, width), Role.HandleWait);

        var marks = new StringBuilder(new string(' ', width));
        foreach (double t in pool.Starvation)
        {
            marks[Math.Clamp((int)((t - start) / span * width), 0, width - 1)] = '!';
        }

        lines.Add(new Line("starved".PadRight(LabelWidth) + marks, Role.Critical));
        lines.Add(new Line(string.Create(CultureInfo.InvariantCulture, $"{"",LabelWidth}0 s{new string(' ', Math.Max(1, width - 12))}{span / 1000,7:F2} s"), Role.Dim));
        lines.Add(Line.Blank);

        long maxWorkers = pool.Workers.Length == 0 ? 0 : pool.Workers.Max(s => s.Value);
        long maxQueue = pool.QueueLength.Length == 0 ? 0 : pool.QueueLength.Max(s => s.Value);
        lines.Add(new Line($"workers: up to {maxWorkers}, at the end {(pool.Workers.Length == 0 ? "?" : pool.Workers[^1].Value.ToString(CultureInfo.InvariantCulture))}; queue: up to {maxQueue}"));
        lines.Add(Injections(pool, Snapshot.Report.ThreadPool, start));
        foreach (ReportFinding f in Snapshot.Report.Findings.Where(f => f.PoolEpisode is not null))
        {
            PoolStarvationEpisode p = f.PoolEpisode!;
            lines.Add(new Line(string.Create(CultureInfo.InvariantCulture,
                $"STARVATION {(p.StartMs - start) / 1000:F2}-{(p.EndMs - start) / 1000:F2} s: {p.ThreadsInjected} threads injected, workers {p.WorkersBefore} → {p.WorkersPeak}, {p.BlockedThreads} blocked"),
                Role.Critical));
            lines.AddRange(ThreadGroups.Of(f.Threads).Where(g => g.First.Role is "blocked" or "busy").Select(g => new Line(
                $"  {g.Count} pool thread{(g.Count == 1 ? string.Empty : "s")} {(g.First.Role == "busy" ? "busy or sleeping" : "blocked")}"
                + $"{(g.Where is { } where ? $" in {where}" : string.Empty)}{(g.First.Primitive is { } primitive ? $" → {primitive}" : string.Empty)}")));
            lines.AddRange(f.Details.Select(d => new Line("  " + TextSanitizer.Clean(d), Role.Dim)));
        }

        return lines;
    }

    /// <summary>The whole trace's starvation injections, split by the runtime's two reasons as the report splits them.</summary>
    private static Line Injections(PoolSnapshot pool, ReportThreadPool? stats, double start)
    {
        if (pool.Starvation.Length == 0)
        {
            return new Line("no thread injection for starvation or blocked pool threads");
        }

        string split = stats is null
            ? string.Empty
            : $" ({stats.InjectionsForStarvation} no progress, {stats.InjectionsForBlocking} blocked threads)";
        return new Line(string.Create(CultureInfo.InvariantCulture, $"{pool.Starvation.Length} starvation adjustments{split} from {(pool.Starvation[0] - start) / 1000:F2} s"), Role.Critical);
    }

    /// <summary>The highest value in force during each column (a step series: a sample lasts until the next).</summary>
    private static long[] Bin(PoolSample[] samples, double start, double span, int width)
    {
        var bins = new long[width];
        long current = 0;
        int i = 0;
        for (int c = 0; c < width; c++)
        {
            double end = start + (c + 1) * span / width;
            long max = current;
            while (i < samples.Length && samples[i].TimeMs < end)
            {
                current = samples[i++].Value;
                max = Math.Max(max, current);
            }

            bins[c] = max;
        }

        return bins;
    }

    private static void AddChart(List<Line> lines, string label, long[] bins, Role role)
    {
        long max = Math.Max(1, bins.Length == 0 ? 1 : bins.Max());
        for (int row = 0; row < ChartRows; row++)
        {
            var text = new StringBuilder(bins.Length);
            int floor = (ChartRows - 1 - row) * 8;
            foreach (long value in bins)
            {
                int eighths = (int)Math.Round(value * 8.0 * ChartRows / max);
                text.Append(s_levels[Math.Clamp(eighths - floor, 0, 8)]);
            }

            string left = row switch { 0 => label, 1 => $"max {max}", ChartRows - 1 => "0", _ => string.Empty };
            lines.Add(new Line(Names.Fit(left, LabelWidth - 1).PadRight(LabelWidth) + text, role));
        }
    }
}

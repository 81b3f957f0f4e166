using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Tests.Reports;

/// <summary>
/// A finding's text shows the stacks of its largest groups while they fit in 42 lines (a stack costs its header line,
/// up to 12 frames, and a "more frames" line past 12), in the finding's order; the rest are named as left to the JSON
/// report.
/// </summary>
public sealed class TextReportStackBudgetTests
{
    [Theory]
    [InlineData(6, "1,3,2", "0,1,2")] // 3 stacks of 1 + 6 frames: 21 lines
    [InlineData(12, "1,3,2", "0,1,2")] // 3 of 1 + 12 frames: 39 lines
    [InlineData(13, "1,3,2", "0,1,2")] // 3 of 1 + 12 frames + "1 more frames": exactly 42 lines
    [InlineData(13, "1,3,2,4", "1,2,3")] // a fourth would make 56: the smallest group is the one left out, wherever it is
    [InlineData(40, "2,1,5,3", "0,2,3")] // deep stacks are cut at 12 frames
    [InlineData(40, "4,3,2,1,5", "0,1,4")]
    public void Stacks_of_the_largest_groups_are_shown_while_they_fit(int frames, string sizes, string shown)
    {
        int[] size = [.. sizes.Split(',').Select(int.Parse)];
        ReportFindingThread[] threads =
        [
            .. size.SelectMany((count, g) => Enumerable.Range(0, count).Select(i =>
                new ReportFindingThread(100 * g + i, $"worker-{g}-{i}", "blocked", null, null, null, 0,
                    [.. Enumerable.Range(0, frames).Select(f => $"App.Group{g}.Frame{f}")]))),
        ];
        var finding = new ReportFinding(1, FindingKinds.Starvation, Severity.Error, "pool starved", 0, threads, [], [], new Dictionary<string, double>());

        string[] lines = Write(new TraceReport { Findings = [finding] }).Split('\n');

        // Frame 0 names the group's place in its one-line description; frame 1 appears only in its stack.
        int[] expected = [.. shown.Split(',').Select(int.Parse)];
        int[] stacks = [.. lines.Select(l => l.Trim()).Where(l => l.EndsWith(".Frame1", StringComparison.Ordinal))
            .Select(l => int.Parse(l["App.Group".Length..l.IndexOf('.', "App.Group".Length)]))];
        Assert.Equal(expected, stacks);
        Assert.InRange(lines.Count(l => l.StartsWith("    stack of ", StringComparison.Ordinal) || l.StartsWith("      ", StringComparison.Ordinal)), 1, 42);
        int leftOut = size.Length - expected.Length;
        Assert.Equal(leftOut == 0 ? 0 : 1, lines.Count(l => l == $"    ... stacks of {leftOut} more {(leftOut == 1 ? "group" : "groups")} in the JSON report (--format json)"));
    }

    private static string Write(TraceReport report)
    {
        using var w = new StringWriter();
        TextReportWriter.Write(report, w);
        return w.ToString().Replace("\r", string.Empty, StringComparison.Ordinal);
    }
}

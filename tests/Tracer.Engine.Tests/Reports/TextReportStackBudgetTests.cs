using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Tests.Reports;

/// <summary>
/// A finding's text shows the stacks of its largest groups while they fit in 42 lines (a stack costs its header, up to
/// 12 frames and a "more frames" line); the rest are named as left to the JSON report.
/// </summary>
public sealed class TextReportStackBudgetTests
{
    [Theory]
    [InlineData(7, 3, 0)] // 3 stacks of 1 + 6 frames: 21 lines
    [InlineData(13, 3, 0)] // 3 of 1 + 12 frames: 39 lines
    [InlineData(14, 3, 0)] // 3 of 1 + 12 frames + "more frames": exactly 42 lines
    [InlineData(14, 4, 1)] // a fourth such stack would make 56
    [InlineData(40, 3, 0)] // deep stacks are cut at 12 frames, so 3 still fit
    [InlineData(40, 4, 1)]
    public void Stacks_are_shown_largest_first_while_they_fit(int frames, int groups, int leftOut)
    {
        // Group i has groups - i threads, so the order of size is the order of the groups.
        ReportFindingThread[] threads =
        [
            .. Enumerable.Range(0, groups).SelectMany(g => Enumerable.Range(0, groups - g).Select(i =>
                new ReportFindingThread(100 * g + i, $"worker-{g}-{i}", "blocked", null, null, null, 0,
                    [.. Enumerable.Range(0, frames).Select(f => $"App.Group{g}.Frame{f}")]))),
        ];
        var finding = new ReportFinding(1, FindingKinds.Starvation, Severity.Error, "pool starved", 0, threads, [], [], new Dictionary<string, double>());

        string text = Write(new TraceReport { Findings = [finding] });

        int shown = groups - leftOut;
        for (int g = 0; g < groups; g++)
        {
            Assert.Equal(g < shown, text.Contains($"App.Group{g}.Frame1", StringComparison.Ordinal));
        }

        string[] stackLines = [.. text.Split('\n').Where(l => l.StartsWith("    stack of ", StringComparison.Ordinal) || l.StartsWith("      ", StringComparison.Ordinal))];
        Assert.True(stackLines.Length <= 42, $"{stackLines.Length} stack lines");
        Assert.Equal(leftOut > 0, text.Contains($"... stacks of {leftOut} more group", StringComparison.Ordinal));
    }

    private static string Write(TraceReport report)
    {
        using var w = new StringWriter();
        TextReportWriter.Write(report, w);
        return w.ToString();
    }
}

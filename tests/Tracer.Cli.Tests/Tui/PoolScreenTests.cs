using Terminal.Gui.Input;
using Tracer.Cli.Tui.Screens;
using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Cli.Tests.Tui;

/// <summary>The pool screen charts workers and queue over time and marks starvation injections.</summary>
[Collection(nameof(TuiCollection))]
public sealed class PoolScreenTests
{
    [Fact]
    public void Workers_queue_and_starvation_are_drawn_over_time()
    {
        var analyzer = new TraceAnalyzer();
        for (int i = 0; i < 40; i++)
        {
            analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.PoolEnqueue, i * 10, 3, processId: 1) with { ObjectId = (ulong)i });
        }

        for (int w = 1; w <= 6; w++)
        {
            analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.PoolAdjustment, 100 + w * 100, 3, processId: 1) with { Value = 2 + w, Reason = PoolHistory.StarvationReason });
        }

        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.PoolDequeue, 1000, 4, processId: 1));
        analyzer.Complete();

        using var tui = new HeadlessTui(analyzer);
        tui.Press(new Key('5'));
        Assert.Equal(ScreenIndex.Pool, tui.Root.Active);
        string screen = tui.Screen();
        string[] lines = tui.Lines();
        Assert.Equal("max 8", lines[Array.FindIndex(lines, l => l.StartsWith("workers ", StringComparison.Ordinal)) + 1][..5]);
        Assert.Equal("max 40", lines[Array.FindIndex(lines, l => l.StartsWith("queue ", StringComparison.Ordinal)) + 1][..6]);
        Assert.Contains("█", screen, StringComparison.Ordinal);
        // The same split as the report's thread-pool section, and the finding's own numbers.
        Assert.Contains("6 starvation adjustments (6 no progress, 0 blocked threads) from 0.20 s", screen, StringComparison.Ordinal);
        Assert.Contains("STARVATION 0.20-1.00 s: 6 threads injected, workers 2 → 8, 0 blocked", screen, StringComparison.Ordinal);
        string starved = tui.Lines().Single(l => l.StartsWith("starved", StringComparison.Ordinal));
        Assert.InRange(starved.Count(c => c == '!'), 2, 6); // six injections, binned into columns
        Assert.DoesNotContain("no thread-pool data", screen, StringComparison.Ordinal);
    }
}

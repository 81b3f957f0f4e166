using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Tracer.Cli.Tui.Screens;
using Tracer.Engine.Analysis;
using Tracer.Engine.Model;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tests.Tui;

/// <summary>Each screen, drawn headless from the committed deadlock trace, shows what a person needs to see.</summary>
[Collection(nameof(TuiCollection))]
public sealed class ScreenTests
{
    private static TraceAnalyzer Dining => Fixtures.Dining;

    private static IReadOnlyList<string> Philosophers =>
        [.. Dining.Model.Threads.Values.Select(t => t.Name ?? string.Empty).Where(n => n.StartsWith("philosopher-", StringComparison.Ordinal)).Order()];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Overview_names_the_deadlock_at_80x24(bool monochrome)
    {
        using var tui = new HeadlessTui(Dining, monochrome: monochrome);
        string screen = tui.Screen();
        Assert.Equal(5, Philosophers.Count);
        Assert.Contains($"DEADLOCK: {Philosophers[0]} ⇄ ", screen, StringComparison.Ordinal);
        Assert.Contains($"{Dining.Model.Locks.Count} contended locks", screen, StringComparison.Ordinal);
        Assert.Contains($"process {Dining.Model.Processes.Keys.Single()}", screen, StringComparison.Ordinal);
        Assert.All(tui.Lines(), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void Overview_uses_a_wider_terminal_after_a_resize()
    {
        using var tui = new HeadlessTui(Dining);
        Assert.DoesNotContain($"⇄ {Philosophers[4]}", tui.Screen(), StringComparison.Ordinal);
        tui.Resize(140, 40);
        string screen = tui.Screen();
        Assert.Contains($"⇄ {Philosophers[4]} on 5 locks", screen, StringComparison.Ordinal);
        Assert.Equal(40, tui.Lines().Length - 1);
    }

    [Fact]
    public void Number_keys_and_tab_switch_screens()
    {
        using var tui = new HeadlessTui(Dining);
        for (int i = 0; i < 7; i++)
        {
            tui.Press(new Key((char)('1' + i)));
            Assert.Equal(i, tui.Root.Active);
        }

        tui.Press(Key.Tab);
        Assert.Equal(ScreenIndex.Overview, tui.Root.Active);
        tui.Press(Key.Tab.WithShift);
        Assert.Equal(ScreenIndex.Processes, tui.Root.Active);
    }

    [Fact]
    public void Timeline_has_a_lane_per_thread_with_lock_waits_and_a_moving_cursor()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(new Key('2'));
        string screen = tui.Screen();
        foreach (string name in Philosophers)
        {
            Assert.Contains(tui.Lines(), l => l.StartsWith(name, StringComparison.Ordinal) && l.TrimEnd().EndsWith('#'));
        }

        var timeline = (TimelineScreen)tui.Root.Screens[ScreenIndex.Threads];
        int before = timeline.CursorColumn;
        tui.Press(Key.CursorRight, Key.CursorRight);
        Assert.Equal(before + 2, timeline.CursorColumn);

        tui.Press(new Key('s'), Key.End); // blocked threads first, cursor at the end of the trace
        Assert.Matches(@"^philosopher-\d \(\d+\) @ [\d.]+ s: waiting on lock 0x[0-9a-f]+ in Philosopher\.PickUpRightFork", tui.Root.StatusText);
        Assert.Contains("sort: blocked", tui.Screen(), StringComparison.Ordinal);
        Assert.Contains("= running  # lock wait", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeline_zooms_around_the_cursor_and_pans()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(new Key('2'), Key.End);
        var timeline = (TimelineScreen)tui.Root.Screens[ScreenIndex.Threads];
        double at = timeline.CursorMs;
        tui.Press(new Key('+'), new Key('+'));
        Assert.Contains("zoom ×4", tui.Screen(), StringComparison.Ordinal);
        Assert.InRange(timeline.CursorMs, at - 0.01 * Dining.Model.DurationMs, at + 0.01 * Dining.Model.DurationMs);
        tui.Press(new Key('['));
        Assert.True(timeline.CursorMs < at);
        tui.Press(new Key('z'));
        Assert.DoesNotContain("zoom ×", tui.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Locks_table_lists_each_lock_and_enter_shows_waiting_stacks()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(new Key('3'));
        string screen = tui.Screen();
        foreach (ulong lockId in Dining.Model.Locks.Keys)
        {
            Assert.Contains($"0x{lockId:x}", screen, StringComparison.Ordinal);
        }

        tui.Press(Key.Enter);
        screen = tui.Screen();
        Assert.Contains("waited at:", screen, StringComparison.Ordinal);
        Assert.Contains("Philosopher.PickUpRightFork", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Deadlock_screen_draws_the_cycle_with_stacks()
    {
        using var tui = new HeadlessTui(Dining, height: 60);
        tui.Press(new Key('4'));
        string screen = tui.Screen();
        ReportFinding deadlock = TraceReport.Build(Dining.Model, Dining.Findings.Snapshot()).Findings.Single(f => f.Kind == FindingKinds.Deadlock);
        foreach (ReportFindingThread t in deadlock.Threads)
        {
            string holder = OverviewScreen.ShortThread(t.HeldByName!);
            Assert.Contains($"{OverviewScreen.ShortThread(t.DisplayName)} → lock 0x{t.WaitsForLock:x} → {holder}", screen, StringComparison.Ordinal);
        }

        Assert.Contains($"↺ back to {OverviewScreen.ShortThread(deadlock.Threads[0].DisplayName)}", screen, StringComparison.Ordinal);
        Assert.Contains($"stack of {deadlock.Threads[0].DisplayName}:", screen, StringComparison.Ordinal);
        Assert.Contains("Monitor.Enter", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Enter_on_the_deadlock_finding_opens_the_deadlock_screen()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(Key.Enter);
        Assert.Equal(ScreenIndex.Deadlock, tui.Root.Active);
    }

    [Fact]
    public void Pool_screen_says_when_there_is_no_pool_data()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(new Key('5'));
        Assert.Equal(Dining.Model.Pool.IsEmpty, tui.Screen().Contains("no thread-pool data in this trace", StringComparison.Ordinal));
    }

    [Fact]
    public void Events_screen_filters_with_slash()
    {
        using var tui = new HeadlessTui(Dining, width: 140);
        tui.Press(new Key('6'));
        Assert.Contains("ContentionStart", tui.Screen(), StringComparison.Ordinal);
        string who = Philosophers[3];
        tui.Press(new Key('/'));
        tui.Type(who);
        Assert.Contains($"filter: /{who}", tui.Screen(), StringComparison.Ordinal);
        tui.Press(Key.Enter);
        string[] rows = [.. tui.Lines().Skip(3).Take(20).Where(l => l.Length > 0)];
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Contains(who, row, StringComparison.Ordinal));
        Assert.Equal(ScreenIndex.Events, tui.Root.Active); // the typed digits did not switch screens
    }

    [Fact]
    public void Processes_screen_shows_the_process()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(new Key('7'));
        Assert.Contains($"{Dining.Model.Processes.Keys.Single()} dotnet", tui.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_keys_and_any_key_closes_it()
    {
        using var tui = new HeadlessTui(Dining);
        tui.Press(Key.F1);
        Assert.True(tui.Root.HelpShown);
        Assert.Contains("THREADS TIMELINE", tui.Screen(), StringComparison.Ordinal);
        tui.Press(new Key('x'));
        Assert.False(tui.Root.HelpShown);
        tui.Press(new Key('?'));
        Assert.True(tui.Root.HelpShown);
    }

    [Fact]
    public void No_color_draws_only_default_colours()
    {
        using var tui = new HeadlessTui(Dining, monochrome: true);
        tui.Press(new Key('2'));
        Assert.Contains("#", tui.Screen(), StringComparison.Ordinal);
        foreach (Cell cell in tui.Cells)
        {
            if (cell.Attribute is Terminal.Gui.Drawing.Attribute a)
            {
                Assert.Equal(Color.None, a.Foreground);
                Assert.Equal(Color.None, a.Background);
            }
        }
    }
}

[CollectionDefinition(nameof(TuiCollection), DisableParallelization = true)]
public sealed class TuiCollection;

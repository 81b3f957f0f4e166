using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The real tool in a real (tmux) terminal: replay the deadlock fixture, use the keys, quit, terminal restored.</summary>
public sealed class TuiEndToEndTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [TmuxFact]
    public void Replay_shows_the_deadlock_switches_to_the_timeline_quits_and_restores_the_terminal()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "dining-deadlock.nettrace");
        string tool = $"{TmuxTerminal.Quote(ToolPaths.Dotnet)} {TmuxTerminal.Quote(ToolPaths.TracerDll)} replay {TmuxTerminal.Quote(fixture)}";
        using var terminal = new TmuxTerminal($"{tool}; echo TRACER-EXIT=$?");

        string overview = terminal.WaitFor("DEADLOCK: philosopher-", s_timeout);
        Assert.Contains("1 Overview", overview, StringComparison.Ordinal);
        Assert.True(terminal.AlternateScreen);

        terminal.SendKeys("2");
        string timeline = terminal.WaitFor("# lock wait", s_timeout);
        Assert.Matches(@"philosopher-0 \d+ +=*#+", timeline);
        terminal.SendKeys("Right");
        terminal.WaitFor("@ ", s_timeout);

        terminal.SendKeys("q");
        string after = terminal.WaitFor("TRACER-EXIT=", s_timeout, history: true);
        Assert.Contains("TRACER-EXIT=0", after, StringComparison.Ordinal);
        Assert.DoesNotContain("1 Overview", after, StringComparison.Ordinal); // the UI drew on the alternate screen only
        Assert.False(terminal.AlternateScreen);
    }

    [TmuxFact]
    public void Live_q_asks_once_then_stops_tracing_finishes_the_file_and_quits()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("live.nettrace");
        // --stop-on race: the deadlock does not end the session, so tracing is still running when q is pressed.
        string tool = $"{TmuxTerminal.Quote(ToolPaths.Dotnet)} {TmuxTerminal.Quote(ToolPaths.TracerDll)} demo dining-philosophers --stop-on race --duration 120s -o {TmuxTerminal.Quote(trace)}";
        using var terminal = new TmuxTerminal($"{tool}; echo TRACER-EXIT=$?");

        terminal.WaitFor("DEADLOCK: philosopher-", s_timeout);
        Assert.Contains("[LIVE]", terminal.Capture(), StringComparison.Ordinal);
        terminal.SendKeys("q");
        terminal.WaitFor("Stop tracing, finish the trace file and quit? y / n", s_timeout);
        terminal.SendKeys("y");
        string after = terminal.WaitFor("TRACER-EXIT=", s_timeout, history: true);

        Assert.Contains("TRACER-EXIT=0", after, StringComparison.Ordinal);
        Assert.Contains("tracing stopped (interrupted)", after, StringComparison.Ordinal); // stderr, after the UI left
        Assert.False(terminal.AlternateScreen);
        Assert.True(File.Exists(TraceMetadataPath(trace)));
        ToolResult report = ChildProcess.RunToolAsync(s_timeout, "report", trace).GetAwaiter().GetResult();
        Assert.True(report.ExitCode == 0, report.Stderr); // finalized: not "ends early"
        Assert.Contains("DEADLOCK:", report.Stdout, StringComparison.Ordinal);
    }

    [TmuxFact]
    public void Replay_of_a_process_tree_shows_the_children_on_the_Processes_screen()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("pool.nettrace");
        ToolResult demo = ChildProcess.RunToolAsync(s_timeout, "demo", "process-pool", "--no-tui", "-o", trace).GetAwaiter().GetResult();
        Assert.True(demo.ExitCode == 0, demo.Stderr);
        List<int> children = [.. Directory.GetFiles(Path.GetDirectoryName(trace)!, "pool.*.nettrace")
            .Select(f => int.Parse(Path.GetFileNameWithoutExtension(f)["pool.".Length..], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.NotEmpty(children);

        string tool = $"{TmuxTerminal.Quote(ToolPaths.Dotnet)} {TmuxTerminal.Quote(ToolPaths.TracerDll)} replay {TmuxTerminal.Quote(trace)}";
        using var terminal = new TmuxTerminal($"{tool}; echo TRACER-EXIT=$?", width: 120, height: 40);
        string overview = terminal.WaitFor($"{children.Count} child process", s_timeout);
        Assert.Contains("in the Processes screen (7)", overview, StringComparison.Ordinal);

        terminal.SendKeys("7");
        terminal.WaitFor("PROCESSES", s_timeout);
        foreach (int pid in children)
        {
            // A capture can land between two writes of one frame: wait for each child's line rather than read one capture.
            Assert.Matches($@"└ {pid} \S+ \(parent \d+\), \d+ threads?", terminal.WaitFor($"└ {pid} ", s_timeout));
        }

        terminal.SendKeys("q");
        Assert.Contains("TRACER-EXIT=0", terminal.WaitFor("TRACER-EXIT=", s_timeout, history: true), StringComparison.Ordinal);
    }

    private static string TraceMetadataPath(string trace) => trace + ".meta.json";
}

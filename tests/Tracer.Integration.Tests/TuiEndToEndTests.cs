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
        string after = terminal.WaitFor("TRACER-EXIT=", s_timeout);
        Assert.Contains("TRACER-EXIT=0", after, StringComparison.Ordinal);
        Assert.DoesNotContain("1 Overview", after, StringComparison.Ordinal); // the UI's screen is gone
        Assert.False(terminal.AlternateScreen);
    }
}

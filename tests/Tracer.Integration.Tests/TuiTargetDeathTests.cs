using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// `run` in the terminal UI (tmux) while the traced program dies: the UI says how it ended, q quits at once with the
/// terminal restored, and the finalized trace replays with everything up to the end.
/// </summary>
public sealed class TuiTargetDeathTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [TmuxFact]
    public async Task A_target_killed_under_the_UI_is_named_as_killed_q_quits_and_the_trace_replays_its_deadlock()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("killed.nettrace");
        using var terminal = new TmuxTerminal(RunCommand(trace, "lock-deadlock"), width: 140, height: 30);
        string screen = terminal.WaitFor("DEADLOCK:", s_timeout);
        int pid = TargetPid(screen);

        using (Process target = Process.GetProcessById(pid))
        {
            target.Kill(); // SIGKILL
        }

        terminal.WaitFor($"[stopped: pid {pid} was killed by SIGKILL (exit code 137)]", s_timeout);
        string after = Quit(terminal);
        Assert.Contains($"dotnet-tracer: pid {pid} was killed by SIGKILL", after, StringComparison.Ordinal);

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json", "--fail-on", "deadlock");
        Assert.True(replay.ExitCode == 1, $"the finalized trace replays up to the death, deadlock included (exit {replay.ExitCode})\n{replay.Stderr}");
        using JsonDocument report = JsonDocument.Parse(replay.Stdout);
        Assert.False(report.RootElement.GetProperty("trace").GetProperty("truncated").GetBoolean());
    }

    [TmuxTheory]
    [InlineData("exit", "exited with code 0")]
    [InlineData("crash", "crashed: aborted (SIGABRT, exit code 134")]
    public async Task A_target_that_ends_by_itself_under_the_UI_is_named_q_quits_and_the_trace_replays(string mode, string how)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File(mode + ".nettrace");
        using var terminal = new TmuxTerminal(RunCommand(trace, mode), width: 140, height: 30);

        string screen = terminal.WaitFor("[stopped: pid ", s_timeout);
        int pid = TargetPid(screen);
        terminal.WaitFor($"[stopped: pid {pid} {how}", s_timeout);
        Quit(terminal);

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        using JsonDocument report = JsonDocument.Parse(replay.Stdout);
        Assert.False(report.RootElement.GetProperty("trace").GetProperty("truncated").GetBoolean());
        Assert.Contains(report.RootElement.GetProperty("locks").EnumerateArray(), l => l.GetProperty("contentions").GetInt64() > 0); // its work is in the trace
    }

    private static string RunCommand(string trace, string mode)
    {
        string tool = $"{TmuxTerminal.Quote(ToolPaths.Dotnet)} {TmuxTerminal.Quote(ToolPaths.TracerDll)} run -o {TmuxTerminal.Quote(trace)} -- "
            + $"{TmuxTerminal.Quote(ToolPaths.Dotnet)} {TmuxTerminal.Quote(ToolPaths.HangTargetsDll)} {mode}";
        return $"{tool}; echo TRACER-EXIT=$?";
    }

    /// <summary>The traced program's pid, from the UI's title "NAME (pid N) → FILE".</summary>
    private static int TargetPid(string screen)
    {
        Match m = Regex.Match(screen, @"\(pid (\d+)\)");
        Assert.True(m.Success, $"no pid on the screen:\n{screen}");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>q: tracing has ended, so the UI quits without asking; the shell gets the terminal back.</summary>
    private static string Quit(TmuxTerminal terminal)
    {
        terminal.SendKeys("q");
        string after = terminal.WaitFor("TRACER-EXIT=", s_timeout, history: true);
        Assert.Contains("TRACER-EXIT=0", after, StringComparison.Ordinal);
        Assert.False(terminal.AlternateScreen, "the terminal is restored");
        Assert.DoesNotContain("Stop tracing, finish the trace file and quit?", after, StringComparison.Ordinal);
        return after;
    }
}

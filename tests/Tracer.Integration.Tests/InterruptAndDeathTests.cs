using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>A trace being written survives Ctrl+C, SIGTERM, a dying target and a frozen one: the file is finalized and reads back.</summary>
public sealed class InterruptAndDeathTests
{
    private const int SigInt = 2, SigKill = 9, SigTerm = 15, SigStop = 19, SigCont = 18;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(SigInt)]
    [InlineData(SigTerm)]
    public async Task An_interrupt_stops_cleanly_and_the_trace_reads_back_whole(int signal)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("interrupted.nettrace");
        using ChildProcess demo = ChildProcess.StartDemo("dining-philosophers", "--fixed", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);
        using ChildProcess tool = ChildProcess.StartTool("collect", "-p", demo.Id.ToString(), "--no-tui", "-o", trace);
        await tool.WaitForLineAsync("into", s_timeout);

        tool.Signal(signal);

        Assert.Equal(0, await tool.WaitForExitAsync(s_timeout));
        Assert.Contains("tracing stopped (interrupted)", tool.Stderr, StringComparison.Ordinal);
        Assert.False(demo.HasExited, "collect leaves an attached process running");
        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        using JsonDocument report = JsonDocument.Parse(replay.Stdout);
        Assert.False(report.RootElement.GetProperty("trace").GetProperty("truncated").GetBoolean());
        Assert.True(report.RootElement.GetProperty("trace").GetProperty("events").GetInt64() > 0);
    }

    [Fact]
    public async Task A_target_killed_while_traced_leaves_a_finalized_readable_trace()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("killed.nettrace");
        using ChildProcess demo = ChildProcess.StartDemo("dining-philosophers", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);
        using ChildProcess tool = ChildProcess.StartTool("collect", "-p", demo.Id.ToString(), "--no-tui", "--format", "json", "-o", trace);
        await tool.WaitForLineAsync("into", s_timeout);
        await demo.Stdin.WriteLineAsync(); // let it deadlock, so there is something to find
        await demo.Stdin.FlushAsync();
        await tool.WaitForLineAsync("deadlock found", s_timeout);

        demo.Signal(SigKill);

        Assert.Equal(0, await tool.WaitForExitAsync(s_timeout));
        Assert.Contains("tracing stopped (the target exited)", tool.Stderr, StringComparison.Ordinal);
        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json", "--fail-on", "deadlock");
        Assert.True(replay.ExitCode == 1, $"the replay reads to the end and finds the deadlock (exit {replay.ExitCode})\n{replay.Stderr}");
        using JsonDocument report = JsonDocument.Parse(replay.Stdout);
        Assert.False(report.RootElement.GetProperty("trace").GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task A_frozen_target_cannot_hang_the_tool_a_second_interrupt_stops_at_once()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("frozen.nettrace");
        using ChildProcess demo = ChildProcess.StartDemo("dining-philosophers", "--fixed", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);
        using ChildProcess tool = ChildProcess.StartTool("collect", "-p", demo.Id.ToString(), "--no-tui", "-o", trace);
        await tool.WaitForLineAsync("into", s_timeout);
        demo.Signal(SigStop);
        try
        {
            tool.Signal(SigInt);
            await tool.WaitForLineAsync("press Ctrl+C again", s_timeout);
            tool.Signal(SigInt);

            Assert.Equal(0, await tool.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.Contains("forced", tool.Stderr, StringComparison.Ordinal);
            ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace);
            Assert.True(replay.ExitCode == 0, $"the forced trace was finalized and reads back (exit {replay.ExitCode})\n{replay.Stderr}");
        }
        finally
        {
            demo.Signal(SigCont);
        }
    }
}

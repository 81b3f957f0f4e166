using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>Without a terminal the UI commands say so and print the plain output; bad input fails before the UI.</summary>
public sealed class TuiFallbackTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Demo_without_a_terminal_falls_back_to_the_plain_report()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "demo", "dining-philosophers", "-o", dir.File("d.nettrace"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("is not a terminal; showing plain output", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("DEADLOCK:", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_without_a_terminal_prints_the_report()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "dining-deadlock.nettrace");
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "replay", fixture);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("is not a terminal", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("DEADLOCK:", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_a_missing_file_is_one_line_and_exit_2()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "replay", "/no/such/trace.nettrace");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("dotnet-tracer: no such trace file: '/no/such/trace.nettrace'", r.Stderr.Trim());
    }
}

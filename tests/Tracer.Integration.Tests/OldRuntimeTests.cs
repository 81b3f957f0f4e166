using System.Globalization;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// A runtime that refuses the session command (too old for it): simulated by a fake diagnostic port, published for a
/// harmless `sleep` process in a private TMPDIR, that answers every command with "unknown command".
/// </summary>
public sealed class OldRuntimeTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(FakeDiagnosticServer.UnknownCommand, "unknown command")]
    [InlineData(FakeDiagnosticServer.BadEncoding, "an option it does not know")]
    public async Task A_runtime_that_refuses_the_session_command_gets_one_line_naming_it_and_exit_2(uint hresult, string why)
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess sleeper = ChildProcess.Start("sleep", ["60"]);
        using var server = new FakeDiagnosticServer(tmp.Path, sleeper.Id, hresult);
        string pid = sleeper.Id.ToString(CultureInfo.InvariantCulture);

        using ChildProcess tool = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.TracerDll, "collect", "-p", pid, "--no-tui", "-o", tmp.File("old.nettrace")],
            new Dictionary<string, string> { ["TMPDIR"] = tmp.Path + "/" });
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(server.Commands > 0, $"the tool reached the fake port\n{tool.Stderr}");
        Assert.True(exit == 2, $"expected exit 2, got {exit}\nstdout:\n{tool.Stdout}\nstderr:\n{tool.Stderr}");
        string[] lines = tool.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{tool.Stderr}");
        Assert.Contains($"the runtime of process {pid} (sleep) does not support", lines[0], StringComparison.Ordinal);
        Assert.Contains(why, lines[0], StringComparison.Ordinal);
        Assert.Contains("too old", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", tool.Stderr, StringComparison.Ordinal);
    }
}

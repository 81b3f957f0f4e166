using System.Net.Sockets;
using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>Finding the process: -n by its full name and by the app of `dotnet X.dll`, ps, default trace names,
/// --diagnostic-port, and the refusals around them. Target and tool share a private TMPDIR, so only this test's
/// target publishes a socket there.</summary>
public sealed class TargetNamingTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>"Tracer.HangTargets" is longer than the 15 characters of /proc/PID/comm ("Tracer.HangTarg").</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Name_matches_the_full_executable_name_and_the_app_of_dotnet_x_dll(bool appHost)
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        string appHostPath = Path.ChangeExtension(ToolPaths.HangTargetsDll, null);
        using ChildProcess target = appHost
            ? ChildProcess.Start(appHostPath, ["semaphore"], SnapshotTests.Env(tmp))
            : ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "semaphore"], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync("blocking: consumer", s_timeout);
        Assert.Equal(appHost ? "Tracer.HangTarg" : "dotnet", Tracer.Engine.Collect.ProcFs.Name(target.Id)); // what -n matched before

        using ChildProcess ps = SnapshotTests.Tool(tmp, "ps");
        await ps.WaitForExitAsync(s_timeout);
        Assert.Contains(ps.Stdout.Split('\n'), l => l.TrimStart().StartsWith($"{target.Id}  Tracer.HangTargets ", StringComparison.Ordinal));

        using ChildProcess tool = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.TracerDll, "collect", "-n", "Tracer.HangTargets", "--no-tui",
            "--duration", "2s", "--no-snapshot", "--format", "json"], SnapshotTests.Env(tmp), workingDirectory: tmp.Path);
        int exit = await tool.WaitForExitAsync(s_timeout);
        Assert.True(exit == 0, $"exit {exit}\n{tool.Stderr}");
        string written = Assert.Single(Directory.GetFiles(tmp.Path, "*.nettrace"));
        Assert.StartsWith($"Tracer.HangTargets_{target.Id}_", Path.GetFileName(written), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diagnostic_port_reaches_a_runtime_whose_socket_is_in_another_tmp()
    {
        using TempDirectory theirs = ToolPaths.NewTempDirectory();
        using TempDirectory ours = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "semaphore"], SnapshotTests.Env(theirs));
        await target.WaitForLineAsync("blocking: consumer", s_timeout);
        string socket = Assert.Single(Directory.GetFiles(theirs.Path, $"dotnet-diagnostic-{target.Id}-*-socket"));

        // By PID the tool looks in its own /tmp and cannot see it...
        using ChildProcess byPid = SnapshotTests.Tool(ours, "collect", "-p", target.Id.ToString(), "--no-tui", "--duration", "1s");
        Assert.Equal(2, await byPid.WaitForExitAsync(s_timeout));
        Assert.Contains("--diagnostic-port", byPid.Stderr, StringComparison.Ordinal);

        // ...through the socket it can.
        using ChildProcess tool = SnapshotTests.Tool(ours, "collect", "--diagnostic-port", socket, "--no-tui", "--duration", "2s",
            "--no-snapshot", "--format", "json", "-o", ours.File("port.nettrace"));
        int exit = await tool.WaitForExitAsync(s_timeout);
        Assert.True(exit == 0, $"exit {exit}\n{tool.Stderr}");
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        Assert.Equal(target.Id, report.RootElement.GetProperty("process").GetProperty("pid").GetInt32());
        Assert.True(report.RootElement.GetProperty("trace").GetProperty("events").GetInt64() > 0);
    }

    [Fact]
    public async Task Diagnostic_port_nobody_listens_on_is_one_line_and_exit_2()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        string dead = tmp.File("dead.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(dead)); // bound but never listening: connecting is refused

        AssertOneLineError(await ChildProcess.RunToolAsync(s_timeout, "collect", "--diagnostic-port", dead, "--no-tui"), "nobody listens on the diagnostic port");
        AssertOneLineError(await ChildProcess.RunToolAsync(s_timeout, "collect", "--diagnostic-port", tmp.File("none.sock"), "--no-tui"), "no diagnostic port at");
    }

    [Fact]
    public async Task A_provider_string_that_does_not_parse_and_an_existing_output_are_refused()
    {
        AssertOneLineError(await ChildProcess.RunToolAsync(s_timeout, "collect", "-p", "1", "--providers", "MyApp:0xZZ"), "keywords '0xZZ' are not a hex number");

        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        string existing = tmp.File("kept.nettrace");
        await File.WriteAllTextAsync(existing, "precious");
        AssertOneLineError(await ChildProcess.RunToolAsync(s_timeout, "run", "--no-tui", "-o", existing, "--", ToolPaths.HangTargetsDll, "exit"), "already exists");
        Assert.Equal("precious", await File.ReadAllTextAsync(existing));
    }

    private static void AssertOneLineError(ToolResult r, string expected)
    {
        Assert.True(r.ExitCode == 2, $"expected exit 2, got {r.ExitCode}\nstdout:\n{r.Stdout}\nstderr:\n{r.Stderr}");
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{r.Stderr}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }
}

using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>Every user mistake gets one clear line on stderr and exit code 2, never a stack trace.</summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pid_that_does_not_exist()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "-p", "999999", "--no-tui");
        AssertOneLineError(r, "no process with PID 999999");
    }

    [Fact]
    public async Task Process_that_is_not_dotnet()
    {
        using ChildProcess sleeper = ChildProcess.Start("sleep", ["60"]);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "-p", sleeper.Id.ToString(), "--no-tui");
        AssertOneLineError(r, "is not a .NET process");
    }

    [Fact]
    public async Task Process_that_is_not_dotnet_behind_a_stale_socket_of_its_pid()
    {
        // A runtime killed with SIGKILL leaves its socket; a later process can get the same PID.
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess sleeper = ChildProcess.Start("sleep", ["60"]);
        long startTicks = Tracer.Engine.Collect.ProcFs.StartTicks(sleeper.Id) ?? throw new InvalidOperationException("no start time");
        using (var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(tmp.Path, $"dotnet-diagnostic-{sleeper.Id}-{startTicks - 1}-socket")));
        }

        using ChildProcess tool = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.TracerDll, "collect", "-p", sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-tui", "-o", tmp.File("stale.nettrace")],
            new Dictionary<string, string> { ["TMPDIR"] = tmp.Path + "/" });
        int exit = await tool.WaitForExitAsync(s_timeout);
        Assert.True(exit == 2, $"expected exit 2, got {exit}\n{tool.Stderr}");
        Assert.Contains("is not a .NET process", tool.Stderr, StringComparison.Ordinal);
        Assert.Single(tool.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Process_with_diagnostics_disabled()
    {
        using ChildProcess demo = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.DemosDll, "dining-philosophers", "--wait-for-enter"],
            new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" });
        await demo.WaitForLineAsync("ready", s_timeout);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "-p", demo.Id.ToString(), "--no-tui");
        AssertOneLineError(r, "DOTNET_EnableDiagnostics=0");
    }

    [AsOtherUserFact]
    public async Task Process_of_another_user()
    {
        using ChildProcess demo = ChildProcess.StartDemo("dining-philosophers", "--fixed", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);
        using ChildProcess tool = ChildProcess.Start("runuser",
            ["-u", "nobody", "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", ToolPaths.Dotnet, ToolPaths.TracerDll, "collect", "-p", demo.Id.ToString(), "--no-tui"]);
        int exit = await tool.WaitForExitAsync(s_timeout);
        AssertOneLineError(new ToolResult(exit, tool.Stdout, tool.Stderr), "belongs to another user");
    }

    [Fact]
    public async Task Name_that_matches_no_process()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "-n", "no-such-process-xyz", "--no-tui");
        AssertOneLineError(r, "no .NET process named 'no-such-process-xyz'");
    }

    [Fact]
    public async Task Name_that_matches_several_processes()
    {
        using ChildProcess first = ChildProcess.StartDemo("dining-philosophers", "--wait-for-enter");
        using ChildProcess second = ChildProcess.StartDemo("dining-philosophers", "--wait-for-enter");
        await first.WaitForLineAsync("ready", s_timeout);
        await second.WaitForLineAsync("ready", s_timeout);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "-n", "dotnet", "--no-tui");
        AssertOneLineError(r, "processes are named 'dotnet'");
        Assert.Contains(first.Id.ToString(), r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_path_not_writable()
    {
        using ChildProcess demo = ChildProcess.StartDemo("dining-philosophers", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "-p", demo.Id.ToString(), "--no-tui", "-o", "/nonexistent-dir/x.nettrace");
        AssertOneLineError(r, "cannot write '/nonexistent-dir/x.nettrace'");
    }

    [Fact]
    public async Task Report_on_a_missing_file()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "report", "/nonexistent-dir/none.nettrace");
        AssertOneLineError(r, "no such trace file");
    }

    [Fact]
    public async Task Report_on_an_empty_file()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string path = dir.File("empty.nettrace");
        File.WriteAllBytes(path, []);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "report", path);
        AssertOneLineError(r, "is empty");
    }

    [Fact]
    public async Task Report_on_a_file_that_is_not_a_trace()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string path = dir.File("notes.nettrace");
        File.WriteAllText(path, "these are not the events you are looking for\n");
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "report", path);
        AssertOneLineError(r, "is not a .nettrace file");
    }

    [Fact]
    public async Task Report_on_a_file_with_a_nettrace_header_and_garbage_after_it()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string path = dir.File("garbage.nettrace");
        File.WriteAllBytes(path, [.. "Nettrace"u8.ToArray(), .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 37))]);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "report", path);
        AssertOneLineError(r, "is not a readable .nettrace");
    }

    [Fact]
    public async Task Report_on_a_truncated_trace_reports_what_was_readable_and_says_where_it_stopped()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("full.nettrace");
        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "dining-philosophers", "--no-tui", "-o", trace);
        Assert.True(live.ExitCode == 0, live.Stderr);

        byte[] bytes = File.ReadAllBytes(trace);
        string cut = dir.File("cut.nettrace");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "report", cut);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ends early", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("trace:", r.Stdout, StringComparison.Ordinal); // the report of what was readable is printed
    }

    [Fact]
    public async Task Run_with_a_command_that_does_not_exist()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "run", "--no-tui", "--", "/no/such/program");
        AssertOneLineError(r, "cannot start '/no/such/program'");
    }

    [Fact]
    public async Task Run_with_a_program_that_is_not_dotnet()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "run", "--no-tui", "--", "true");
        AssertOneLineError(r, "before its .NET runtime connected");
    }

    [Fact]
    public async Task Collect_without_a_target_is_a_usage_error()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "collect", "--no-tui");
        AssertOneLineError(r, "give exactly one of --process-id");
    }

    [Fact]
    public async Task Unknown_finding_kind_is_a_usage_error()
    {
        ToolResult r = await ChildProcess.RunToolAsync(s_timeout, "report", "x.nettrace", "--fail-on", "deadlok");
        AssertOneLineError(r, "unknown finding kind 'deadlok'");
    }

    private static void AssertOneLineError(ToolResult r, string expected)
    {
        Assert.True(r.ExitCode == 2, $"expected exit 2, got {r.ExitCode}\nstdout:\n{r.Stdout}\nstderr:\n{r.Stderr}");
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{r.Stderr}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }
}

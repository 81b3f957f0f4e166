using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>Traces from the reference tool (dotnet-trace, pinned in dotnet-tools.json) replay; exports load as Chrome trace JSON.</summary>
public sealed class InteropAndExportTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_convoy_traced_by_dotnet_trace_is_reported_with_the_same_top_lock()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("dotnet-trace-convoy.nettrace");
        string repo = ToolPaths.RepositoryRoot;
        using (ChildProcess restore = ChildProcess.Start(ToolPaths.Dotnet, ["tool", "restore"], workingDirectory: repo))
        {
            int restored = await restore.WaitForExitAsync(s_timeout);
            Assert.True(restored == 0, $"`dotnet tool restore` failed ({restored}), so dotnet-trace is unavailable: {restore.Stderr}");
        }

        // Contention | WaitHandle keywords at Verbose: what a user would pick for lock problems.
        using (ChildProcess collect = ChildProcess.Start(ToolPaths.Dotnet,
            ["dotnet-trace", "collect", "--providers", "Microsoft-Windows-DotNETRuntime:0x40000004000:5", "-o", trace, "--", ToolPaths.Dotnet, ToolPaths.DemosDll, "lock-convoy"],
            workingDirectory: repo))
        {
            int exit = await collect.WaitForExitAsync(s_timeout);
            Assert.True(exit == 0, $"dotnet-trace exited {exit}: {collect.Stdout}\n{collect.Stderr}");
        }

        ToolResult report = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        using JsonDocument json = JsonDocument.Parse(report.Stdout);
        JsonElement top = json.RootElement.GetProperty("locks")[0];
        Assert.EndsWith("LockConvoyDemo.AddEachItemUnderGlobalLock", top.GetProperty("name").GetString());
        Assert.Contains(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "convoy");
        // What dotnet-trace did not collect is said, not silently missing.
        Assert.Contains(json.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("thread-pool", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chromium_export_parses_and_has_one_track_per_thread()
    {
        using TracedDemo run = await TracedDemo.RunAsync("barrier-missing", fixedVariant: false);
        string output = run.Directory.File("barrier.json");

        ToolResult export = await ChildProcess.RunToolAsync(s_timeout, "export", run.TracePath, "--format", "chromium", "-o", output);

        Assert.True(export.ExitCode == 0, export.Stderr);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(output));
        JsonElement[] events = [.. json.RootElement.GetProperty("traceEvents").EnumerateArray()];
        int[] tracks = [.. events.Where(e => e.GetProperty("name").GetString() == "thread_name").Select(e => e.GetProperty("tid").GetInt32())];
        int[] reportThreads = [.. run.Report.RootElement.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("id").GetInt32())];
        Assert.Equal(reportThreads.Order(), tracks.Order());
        Assert.All(events.Where(e => e.GetProperty("ph").GetString() == "X"), e => Assert.Contains(e.GetProperty("tid").GetInt32(), tracks));
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "i" && e.GetProperty("name").GetString()!.StartsWith("hang:", StringComparison.Ordinal));
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() == "handle-wait");
    }
}

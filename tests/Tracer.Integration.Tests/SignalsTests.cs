using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>CPU samples and GC suspensions traced for real (tests/Tracer.HangTargets spin and gc-pause).</summary>
public sealed class SignalsTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_spinning_thread_is_named_as_spinning_and_its_busy_and_sleeping_neighbours_are_not()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "spin"], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync(_ => target.Stdout.Split('\n').Count(l => l.StartsWith("blocking: ", StringComparison.Ordinal)) >= 3, s_timeout);

        string trace = tmp.File("spin.nettrace");
        using ChildProcess tool = SnapshotTests.Tool(tmp, "collect", "-p", target.Id.ToString(), "--no-tui", "--duration", "6s",
            "--cpu-sampling", "--no-snapshot", "--format", "json", "-o", trace);
        int exit = await tool.WaitForExitAsync(s_timeout);
        Assert.True(exit == 0, $"exit {exit}\n{tool.Stderr}");

        AssertOneSpinner(tool.Stdout);
        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        AssertOneSpinner(replay.Stdout); // the saved trace says the same
    }

    [Fact]
    public async Task A_program_its_GC_stops_for_long_is_a_gc_pause_with_generation_and_reason()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "gc-pause", "6"], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync("gc: a full blocking GC took", s_timeout); // the big heap is built

        using ChildProcess tool = SnapshotTests.Tool(tmp, "collect", "-p", target.Id.ToString(), "--no-tui", "--duration", "6s",
            "--no-snapshot", "--format", "json", "-o", tmp.File("gc.nettrace"), "--fail-on", "gc-pause");
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 1, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}\n{target.Stdout}");
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        JsonElement pause = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "gc-pause");
        Assert.Equal(2, pause.GetProperty("metrics").GetProperty("generation").GetDouble());
        Assert.Contains("gen2 blocking GC, reason induced compacting", pause.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(pause.GetProperty("metrics").GetProperty("worstWindowShare").GetDouble() >= 0.2);
    }

    private static void AssertOneSpinner(string json)
    {
        using JsonDocument report = JsonDocument.Parse(json);
        JsonElement[] findings = [.. report.RootElement.GetProperty("findings").EnumerateArray()];
        JsonElement spin = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "spin");
        JsonElement thread = Assert.Single(spin.GetProperty("threads").EnumerateArray());
        Assert.StartsWith("spinner ", thread.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.True(spin.GetProperty("metrics").GetProperty("cpuShare").GetDouble() >= 0.9);
        Assert.Contains(spin.GetProperty("stacks").EnumerateObject().Single().Value.EnumerateArray(),
            f => f.GetString()!.Contains("Signals", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.GetProperty("kind").GetString() == "gc-pause"); // the worker's gen0 GCs are normal
    }
}

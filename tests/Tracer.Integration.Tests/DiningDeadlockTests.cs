using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The foundation's promise, on a real process: a deadlock is named with threads, locks and stacks, live and on replay.</summary>
public sealed class DiningDeadlockTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Demo_run_finds_the_deadlock_with_every_philosopher_and_the_demo_methods()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("dining.nettrace");

        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "demo", "dining-philosophers", "--no-tui", "--format", "json", "-o", trace, "--fail-on", "deadlock");

        Assert.True(result.ExitCode == 1, $"expected exit 1 (deadlock found), got {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        JsonElement deadlock = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");
        // The cycle's threads wait for locks; the main thread joining them is listed under the deadlock, not as a hang.
        JsonElement[] cycle = [.. deadlock.GetProperty("threads").EnumerateArray().Where(t => t.GetProperty("role").GetString() == "waits")];
        string[] names = [.. cycle.Select(t => t.GetProperty("name").GetString()!)];
        Assert.Equal(5, names.Length);
        Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "hang");
        for (int seat = 0; seat < 5; seat++)
        {
            Assert.Contains(names, n => n.StartsWith($"philosopher-{seat} (tid ", StringComparison.Ordinal));
        }

        // Each thread waits for a lock held by the next one in the cycle.
        var holders = cycle.Select(t => t.GetProperty("heldBy").GetInt32()).ToHashSet();
        var waiters = cycle.Select(t => t.GetProperty("id").GetInt32()).ToHashSet();
        Assert.True(holders.SetEquals(waiters), "every holder in the cycle is also a waiter");
        Assert.Equal(5, deadlock.GetProperty("locks").GetArrayLength());

        foreach (JsonProperty stack in deadlock.GetProperty("stacks").EnumerateObject().Where(s => waiters.Contains(int.Parse(s.Name, System.Globalization.CultureInfo.InvariantCulture))))
        {
            string[] frames = [.. stack.Value.EnumerateArray().Select(f => f.GetString()!)];
            Assert.Contains(frames, f => f.EndsWith("Philosopher.PickUpRightFork", StringComparison.Ordinal));
            Assert.Contains(frames, f => f.EndsWith("Philosopher.DineLeftThenRight", StringComparison.Ordinal));
            Assert.Contains(frames, f => f.StartsWith("System.Threading.Monitor.Enter", StringComparison.Ordinal));
        }

        Assert.True(File.Exists(trace), "the trace file is written");
        Assert.True(File.Exists(trace + ".meta.json"), "thread names are saved next to it");
    }

    [Fact]
    public async Task Report_on_the_written_trace_reproduces_the_live_findings_exactly()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("dining.nettrace");
        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "dining-philosophers", "--no-tui", "--format", "json", "-o", trace);
        Assert.True(live.ExitCode == 0, live.Stderr);

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);

        string liveFindings = Findings(live.Stdout);
        Assert.Contains("\"deadlock\"", liveFindings, StringComparison.Ordinal);
        Assert.Equal(liveFindings, Findings(replay.Stdout));
    }

    [Fact]
    public async Task Fixed_variant_finds_no_deadlock_and_the_demo_exits_0()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "demo", "dining-philosophers", "--fixed", "--no-tui", "--format", "json", "-o", dir.File("fixed.nettrace"), "--fail-on", "deadlock");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");
        Assert.Equal(0, report.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
        Assert.Contains("exited with code 0", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_attached_to_a_running_demo_finds_the_deadlock_that_forms_after_attach()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        using ChildProcess demo = ChildProcess.StartDemo("dining-philosophers", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);

        using ChildProcess tool = ChildProcess.StartTool("collect", "-p", demo.Id.ToString(), "--no-tui", "--stop-on", "deadlock",
            "--duration", "50s", "--format", "json", "-o", dir.File("attach.nettrace"));
        await tool.WaitForLineAsync("into", s_timeout); // the session is running
        await demo.Stdin.WriteLineAsync();
        await demo.Stdin.FlushAsync();

        int exit = await tool.WaitForExitAsync(s_timeout);
        Assert.True(exit == 0, tool.Stderr);
        Assert.Contains("a --stop-on finding was found", tool.Stderr, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        JsonElement deadlock = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");
        // The five in the cycle; main, joining them, is listed under it once its join is past --hang-after (load decides when).
        Assert.Equal(5, deadlock.GetProperty("threads").EnumerateArray().Count(t => t.GetProperty("role").GetString() == "waits"));
        Assert.Contains(deadlock.GetProperty("stacks").EnumerateObject().SelectMany(s => s.Value.EnumerateArray()),
            f => f.GetString()!.EndsWith("Philosopher.PickUpRightFork", StringComparison.Ordinal));
    }

    private static string Findings(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("findings").GetRawText();
    }
}

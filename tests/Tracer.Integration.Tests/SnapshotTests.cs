using System.Diagnostics;
using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>
/// `snapshot` and collect's automatic snapshot on real processes that are already hung. Tool and target share a
/// private TMPDIR, so the test can check that no dump is left behind.
/// </summary>
public sealed class SnapshotTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Snapshot_of_the_deadlocked_dining_demo_names_every_philosopher_its_forks_and_methods()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = await StartDeadlockedDiningAsync(tmp);

        var clock = Stopwatch.StartNew();
        using ChildProcess tool = Tool(tmp, "snapshot", "-p", demo.Id.ToString(), "--format", "json", "--fail-on", "deadlock");
        int exit = await tool.WaitForExitAsync(s_timeout);
        output.WriteLine($"snapshot took {clock.Elapsed.TotalSeconds:F2} s\n{tool.Stderr}");

        Assert.True(exit == 1, $"expected exit 1 (deadlock found), got {exit}\n{tool.Stderr}");
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        JsonElement deadlock = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");
        AssertDiningCycle(deadlock);
        string[] details = [.. deadlock.GetProperty("details").EnumerateArray().Select(d => d.GetString()!)];
        for (int seat = 0; seat < 5; seat++)
        {
            Assert.Contains(details, d => d.StartsWith($"philosopher-{seat} (tid ", StringComparison.Ordinal) && d.Contains(" holds System.Object 0x", StringComparison.Ordinal));
        }

        foreach (string note in report.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray().Select(n => n.GetString()!))
        {
            output.WriteLine(note);
        }

        AssertNoDumpLeft(tmp);
    }

    [Fact]
    public async Task Collect_attached_after_the_hang_reports_the_deadlock_from_its_automatic_snapshot()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = await StartDeadlockedDiningAsync(tmp);

        var clock = Stopwatch.StartNew();
        using ChildProcess tool = Tool(tmp, "collect", "-p", demo.Id.ToString(), "--no-tui", "--stop-on", "deadlock", "--duration", "50s",
            "--format", "json", "-o", tmp.File("attach.nettrace"));
        int exit = await tool.WaitForExitAsync(s_timeout);
        output.WriteLine($"collect took {clock.Elapsed.TotalSeconds:F2} s\n{tool.Stderr}");

        Assert.True(exit == 0, tool.Stderr);
        Assert.Contains("taking a snapshot", tool.Stderr, StringComparison.Ordinal);
        Assert.Contains("a --stop-on finding was found", tool.Stderr, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        JsonElement deadlock = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");
        Assert.StartsWith("snapshot: ", deadlock.GetProperty("summary").GetString(), StringComparison.Ordinal);
        AssertDiningCycle(deadlock);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the deadlock took {clock.Elapsed.TotalSeconds:F1} s to report");
        AssertNoDumpLeft(tmp);
    }

    [Fact]
    public async Task Snapshot_of_a_healthy_process_idle_at_its_prompt_finds_nothing()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = Demo(tmp, "dining-philosophers", "--fixed", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);

        using ChildProcess tool = Tool(tmp, "snapshot", "-p", demo.Id.ToString(), "--format", "json", "--fail-on", "any");
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 0, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        Assert.Empty(report.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Contains(report.RootElement.GetProperty("threads").EnumerateArray(), t => t.GetProperty("id").GetInt32() == demo.Id); // it did look
        AssertNoDumpLeft(tmp);
    }

    [Fact]
    public async Task Collect_on_a_healthy_idle_process_snapshots_it_and_adds_no_finding()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = Demo(tmp, "dining-philosophers", "--fixed", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);

        using ChildProcess tool = Tool(tmp, "collect", "-p", demo.Id.ToString(), "--no-tui", "--duration", "6s", "--format", "json",
            "--fail-on", "any", "-o", tmp.File("idle.nettrace"));
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 0, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        Assert.Contains("taking a snapshot", tool.Stderr, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        Assert.Empty(report.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Contains(report.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray(),
            n => n.GetString()!.StartsWith("no lock activity for ", StringComparison.Ordinal) && n.GetString()!.Contains(", so a snapshot was taken at ", StringComparison.Ordinal));
        AssertNoDumpLeft(tmp);
    }

    [Fact]
    public async Task Collect_with_no_snapshot_takes_none()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = await StartDeadlockedDiningAsync(tmp);

        using ChildProcess tool = Tool(tmp, "collect", "-p", demo.Id.ToString(), "--no-tui", "--no-snapshot", "--duration", "4s", "--format", "json",
            "-o", tmp.File("off.nettrace"));
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 0, tool.Stderr);
        Assert.DoesNotContain("taking a snapshot", tool.Stderr, StringComparison.Ordinal);
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        Assert.Empty(report.RootElement.GetProperty("findings").EnumerateArray()); // the old deadlock emits nothing: why the probe exists
    }

    [Fact]
    public async Task A_target_that_cannot_answer_cannot_hang_the_tool()
    {
        const int SigStop = 19;
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = Demo(tmp, "dining-philosophers", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);
        demo.Signal(SigStop); // its diagnostic server cannot answer any more; killed on dispose

        using ChildProcess tool = Tool(tmp, "snapshot", "-p", demo.Id.ToString(), "--dump", "--timeout", "2s");
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 2, $"exit {exit}\n{tool.Stderr}");
        Assert.Contains($"dotnet-tracer: process {demo.Id} did not write its dump within 2 s", tool.Stderr, StringComparison.Ordinal);
        AssertNoDumpLeft(tmp);
    }

    [Fact]
    public async Task A_target_that_dies_during_the_snapshot_gives_one_clear_line_exit_2_and_no_leftover_files()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = Demo(tmp, "dining-philosophers", "--wait-for-enter");
        await demo.WaitForLineAsync("ready", s_timeout);

        using ChildProcess tool = Tool(tmp, "snapshot", "-p", demo.Id.ToString());
        await tool.WaitForLineAsync("taking a snapshot", s_timeout);
        demo.Kill();
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 2, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        Assert.Contains($"dotnet-tracer: process {demo.Id} exited during the snapshot", tool.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", tool.Stderr, StringComparison.Ordinal); // no stack trace
        Assert.Empty(tool.Stdout.Trim());
        AssertNoDumpLeft(tmp);
    }

    internal static async Task<ChildProcess> StartDeadlockedDiningAsync(TempDirectory tmp)
    {
        ChildProcess demo = Demo(tmp, "dining-philosophers");
        for (int seat = 0; seat < 5; seat++)
        {
            await demo.WaitForLineAsync($"philosopher {seat} reaches for fork", s_timeout);
        }

        return demo;
    }

    internal static void AssertDiningCycle(JsonElement deadlock)
    {
        // The cycle; the main thread joining the philosophers is listed under it too.
        JsonElement[] threads = [.. deadlock.GetProperty("threads").EnumerateArray().Where(t => !t.GetProperty("role").GetString()!.Contains("Thread.Join", StringComparison.Ordinal))];
        Assert.Equal(5, threads.Length);
        for (int seat = 0; seat < 5; seat++)
        {
            Assert.Contains(threads, t => t.GetProperty("name").GetString()!.StartsWith($"philosopher-{seat} (tid ", StringComparison.Ordinal));
        }

        Assert.True(threads.Select(t => t.GetProperty("heldBy").GetInt32()).ToHashSet().SetEquals(threads.Select(t => t.GetProperty("id").GetInt32())),
            "every holder in the cycle is also a waiter");
        JsonElement[] locks = [.. deadlock.GetProperty("locks").EnumerateArray()];
        Assert.Equal(5, locks.Length);
        Assert.Equal(5, locks.Select(l => l.GetProperty("objectId").GetString()).Distinct().Count());
        Assert.All(locks, l => Assert.Contains("PickUpRightFork", l.GetProperty("name").GetString(), StringComparison.Ordinal));
        Assert.Equal(threads.Select(t => t.GetProperty("waitsForLock").GetString()).Order(), locks.Select(l => l.GetProperty("id").GetString()).Order());
        var cycle = threads.Select(t => t.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        foreach (JsonProperty stack in deadlock.GetProperty("stacks").EnumerateObject().Where(s => cycle.Contains(s.Name)))
        {
            string[] frames = [.. stack.Value.EnumerateArray().Select(f => f.GetString()!)];
            Assert.Contains(frames, f => f.EndsWith("Philosopher.PickUpRightFork", StringComparison.Ordinal));
            Assert.Contains(frames, f => f.EndsWith("Philosopher.DineLeftThenRight", StringComparison.Ordinal));
            Assert.Contains(frames, f => f.StartsWith("System.Threading.Monitor.Enter", StringComparison.Ordinal));
        }
    }

    internal static void AssertNoDumpLeft(TempDirectory tmp)
    {
        string[] left = [.. Directory.EnumerateFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p).StartsWith("dotnet-tracer-snapshot-", StringComparison.Ordinal) || p.EndsWith(".dmp", StringComparison.Ordinal))];
        Assert.Empty(left);
    }

    // Target and tool share TMPDIR: the diagnostic sockets and the tool's temporary dump directory both live there.
    internal static Dictionary<string, string> Env(TempDirectory tmp) => new() { ["TMPDIR"] = tmp.Path };

    private static ChildProcess Demo(TempDirectory tmp, params string[] arguments) =>
        ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.DemosDll, .. arguments], Env(tmp));

    internal static ChildProcess Tool(TempDirectory tmp, params string[] arguments) =>
        ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.TracerDll, .. arguments], Env(tmp));
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>`run` follows .NET child processes: one tree from one command, live and on replay.</summary>
public sealed partial class ProcessTreeTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_parent_with_four_worker_processes_is_traced_as_one_tree_live_and_on_replay()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("pool.nettrace");

        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "process-pool", "--no-tui", "--format", "json", "-o", trace);

        Assert.True(live.ExitCode == 0, live.Stderr);
        Assert.Contains("updates LOST", live.Stderr, StringComparison.Ordinal); // the bug happened, in the workers
        (int root, int[] children) = Tree(live.Stdout);
        Assert.Equal(4, children.Length);
        Assert.Equal(4, ChildTraceLine().Matches(live.Stderr).Count);
        foreach (int child in children)
        {
            Assert.True(File.Exists(dir.File($"pool.{child}.nettrace")), $"child {child} has its own trace");
        }

        using JsonDocument liveReport = JsonDocument.Parse(live.Stdout);
        var threadPids = liveReport.RootElement.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("pid").GetInt32()).ToHashSet();
        Assert.Contains(root, threadPids);
        Assert.All(children, c => Assert.Contains(c, threadPids)); // every child shows its own threads
        Assert.Equal(0, liveReport.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        (int replayRoot, int[] replayChildren) = Tree(replay.Stdout);
        Assert.Equal(root, replayRoot);
        Assert.Equal(children, replayChildren);
    }

    [Fact]
    public async Task A_worker_that_crashes_mid_trace_leaves_the_rest_of_the_tree_readable()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("crash.nettrace");
        using ChildProcess tool = ChildProcess.Start(ToolPaths.Dotnet,
            [ToolPaths.TracerDll, "demo", "process-pool", "--fixed", "--no-tui", "--format", "json", "-o", trace],
            new Dictionary<string, string> { ["TRACER_DEMO_POOL_CRASH_WORKER"] = "2" });
        Assert.Equal(0, await tool.WaitForExitAsync(s_timeout));
        Assert.Contains("crashes on purpose", tool.Stderr, StringComparison.Ordinal);

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        (int root, int[] children) = Tree(replay.Stdout);
        Assert.Equal(4, children.Length); // the crashed worker's trace reads back too, up to its death
        using JsonDocument report = JsonDocument.Parse(replay.Stdout);
        var threadPids = report.RootElement.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("pid").GetInt32()).ToHashSet();
        Assert.All(children, c => Assert.Contains(c, threadPids));
        Assert.Equal(0, report.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
        Assert.Equal(root, report.RootElement.GetProperty("process").GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task No_children_resumes_the_workers_untraced()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("solo.nettrace");
        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "process-pool", "--fixed", "--no-children", "--no-tui", "--format", "json", "-o", trace);

        Assert.True(live.ExitCode == 0, live.Stderr);
        Assert.Contains("no lost updates", live.Stderr, StringComparison.Ordinal); // the workers ran to the end
        (_, int[] children) = Tree(live.Stdout);
        Assert.Empty(children);
        Assert.Single(Directory.GetFiles(dir.Path, "*.nettrace"));
    }

    [Fact]
    public async Task A_named_mutex_deadlock_across_two_processes_is_one_cross_process_hang_live_and_on_replay()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string trace = dir.File("mutex.nettrace");

        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "mutex-across-processes", "--no-tui", "--format", "json", "-o", trace);

        Assert.True(live.ExitCode == 0, live.Stderr);
        (int root, int[] children) = Tree(live.Stdout);
        int child = Assert.Single(children);
        string group = CrossProcessGroup(live.Stdout, root, child);
        Assert.Contains($"tracer-ledger-{root}", group, StringComparison.Ordinal);
        Assert.Contains($"tracer-journal-{root}", group, StringComparison.Ordinal);

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", trace, "--format", "json");
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Equal(group, CrossProcessGroup(replay.Stdout, root, child));
    }

    [Fact]
    public async Task Named_mutexes_taken_in_one_order_across_processes_do_not_hang()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult live = await ChildProcess.RunToolAsync(s_timeout, "demo", "mutex-across-processes", "--fixed", "--no-tui", "--format", "json", "-o", dir.File("ok.nettrace"), "--fail-on", "hang");

        Assert.True(live.ExitCode == 0, $"exit {live.ExitCode}\n{live.Stderr}");
        Assert.Contains("no deadlock", live.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The summary of the one cross-process hang, after checking that it names a thread of each process.</summary>
    private static string CrossProcessGroup(string json, int root, int child)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement group = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("kind").GetString() == "hang" && f.GetProperty("summary").GetString()!.StartsWith("cross-process hang", StringComparison.Ordinal));
        int[] tids = [.. group.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("id").GetInt32())];
        Assert.Contains(root, tids);  // each main thread's OS id is its process id
        Assert.Contains(child, tids);
        foreach (JsonProperty stack in group.GetProperty("stacks").EnumerateObject())
        {
            Assert.Contains(stack.Value.EnumerateArray(), f => f.GetString()!.EndsWith("MutexAcrossProcessesDemo.WaitForSecond", StringComparison.Ordinal));
        }

        return group.GetProperty("summary").GetString()!;
    }

    private static (int Root, int[] Children) Tree(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement[] processes = [.. doc.RootElement.GetProperty("processes").EnumerateArray()];
        int root = doc.RootElement.GetProperty("process").GetProperty("pid").GetInt32();
        int[] children = [.. processes
            .Where(p => p.TryGetProperty("parentPid", out JsonElement parent) && parent.GetInt32() == root)
            .Select(p => p.GetProperty("pid").GetInt32()).Order()];
        return (root, children);
    }

    [GeneratedRegex(@"tracing child pid \d+ into .*\(held \d+ ms at start-up\)")]
    private static partial Regex ChildTraceLine();
}

using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>`snapshot` on small programs that hang in one known way each (tests/Tracer.HangTargets).</summary>
public sealed class SnapshotHangTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_deadlock_over_System_Threading_Lock_names_both_threads_and_owners()
    {
        JsonElement[] findings = await SnapshotAsync("lock-deadlock", blockingLines: 2, expectedExit: 1, "--fail-on", "deadlock");

        JsonElement deadlock = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "deadlock");
        JsonElement[] threads = Causes(deadlock);
        Assert.Equal(["lock-first", "lock-second"], threads.Select(t => t.GetProperty("name").GetString()!.Split(' ')[0]).Order());
        Assert.True(threads.Select(t => t.GetProperty("heldBy").GetInt32()).ToHashSet().SetEquals(threads.Select(t => t.GetProperty("id").GetInt32())));
        Assert.All(deadlock.GetProperty("locks").EnumerateArray(), l => Assert.StartsWith("System.Threading.Lock 0x", l.GetProperty("name").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_leaked_lock_is_a_hang_naming_the_holder_that_moved_on()
    {
        JsonElement[] findings = await SnapshotAsync("lock-leak", blockingLines: 2, expectedExit: 1, "--fail-on", "hang");

        Assert.DoesNotContain(findings, f => f.GetProperty("kind").GetString() == "deadlock");
        JsonElement hang = Assert.Single(findings, f => Causes(f).Any(t => t.GetProperty("name").GetString()!.StartsWith("waiter ", StringComparison.Ordinal)));
        Assert.Equal("hang", hang.GetProperty("kind").GetString());
        JsonElement waiter = Assert.Single(Causes(hang));
        Assert.True(waiter.TryGetProperty("heldBy", out _), "the holder of the leaked lock is named");
        Assert.Contains(hang.GetProperty("details").EnumerateArray(), d => d.GetString()!.StartsWith("the holder leaker (tid ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Consumers_of_a_semaphore_nobody_releases_are_one_hang_without_an_owner()
    {
        JsonElement[] findings = await SnapshotAsync("semaphore", blockingLines: 3, expectedExit: 1, "--fail-on", "hang");

        JsonElement hang = Assert.Single(findings);
        Assert.Equal("hang", hang.GetProperty("kind").GetString());
        Assert.Contains("SemaphoreSlim.Wait", hang.GetProperty("summary").GetString(), StringComparison.Ordinal);
        JsonElement[] threads = Causes(hang);
        Assert.Equal(["consumer-0", "consumer-1", "consumer-2"], threads.Select(t => t.GetProperty("name").GetString()!.Split(' ')[0]).Order());
        Assert.All(threads, t => Assert.False(t.TryGetProperty("heldBy", out _), "no owner is invented"));
        // Only the consumers' own stacks refer to the semaphore: the heap says nobody can release it.
        Assert.Contains(hang.GetProperty("details").EnumerateArray(), d => d.GetString()!.EndsWith("no code that still runs can signal it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_main_threads_wait_for_shutdown_is_no_hang_but_a_worker_stuck_beside_it_is()
    {
        using JsonDocument report = await SnapshotReportAsync("shutdown-wait", blockingLines: 2, expectedExit: 1, "--fail-on", "hang");

        JsonElement hang = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(["worker"], hang.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("name").GetString()!.Split(' ')[0]));
        Assert.Contains(report.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("taken as the program's wait for shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Participants_stuck_at_a_barrier_are_one_hang()
    {
        JsonElement[] findings = await SnapshotAsync("barrier", blockingLines: 2, expectedExit: 1, "--fail-on", "hang");

        JsonElement hang = Assert.Single(findings, f => f.GetProperty("summary").GetString()!.Contains("Barrier.SignalAndWait", StringComparison.Ordinal));
        Assert.Equal(["phase-0", "phase-1"], Causes(hang).Select(t => t.GetProperty("name").GetString()!.Split(' ')[0]).Order());
    }

    [Fact]
    public async Task Stacks_that_do_not_fit_one_pause_are_read_in_further_pauses_and_the_hang_is_still_found()
    {
        JsonElement[] findings = await SnapshotAsync("barrier", blockingLines: 2, expectedExit: 1, "--fail-on", "hang", "--pause-budget", "1ms");

        Assert.Single(findings, f => f.GetProperty("summary").GetString()!.Contains("Barrier.SignalAndWait", StringComparison.Ordinal));
    }

    /// <summary>A finding's own threads, without the main thread whose join is listed under it (one finding per cause).</summary>
    private static JsonElement[] Causes(JsonElement finding) =>
        [.. finding.GetProperty("threads").EnumerateArray().Where(t => !t.GetProperty("role").GetString()!.Contains("Thread.Join", StringComparison.Ordinal))];

    /// <summary>Starts the target, waits until every thread said it blocks, snapshots it; its findings (the main thread's
    /// join is never one of its own).</summary>
    private static async Task<JsonElement[]> SnapshotAsync(string mode, int blockingLines, int expectedExit, params string[] options)
    {
        using JsonDocument report = await SnapshotReportAsync(mode, blockingLines, expectedExit, options);
        JsonElement[] findings = [.. report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())];
        Assert.DoesNotContain(findings, f => f.GetProperty("summary").GetString()!.Contains("Thread.Join", StringComparison.Ordinal));
        return findings;
    }

    /// <summary>Starts the target, waits until every thread said it blocks, snapshots it: the JSON report.</summary>
    private static async Task<JsonDocument> SnapshotReportAsync(string mode, int blockingLines, int expectedExit, params string[] options)
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, mode], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync(l => target.Stdout.Split('\n').Count(x => x.StartsWith("blocking: ", StringComparison.Ordinal)) >= blockingLines, s_timeout);

        using ChildProcess tool = SnapshotTests.Tool(tmp, ["snapshot", "-p", target.Id.ToString(), "--format", "json", .. options]);
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == expectedExit, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        SnapshotTests.AssertNoDumpLeft(tmp);
        return JsonDocument.Parse(tool.Stdout);
    }
}

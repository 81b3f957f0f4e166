using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>
/// `snapshot` (and `collect`'s automatic snapshot) of processes whose async flows hang with no thread blocked, or
/// deadlock through tasks (tests/Tracer.HangTargets/Async); each healthy twin (--fixed) gives no finding at all.
/// </summary>
public sealed class AsyncSnapshotTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private string[] _notes = []; // the last snapshot's report notes

    [Fact]
    public async Task A_SemaphoreSlim_leaked_under_await_is_a_hang_of_its_16_waiters_with_the_faulted_flow()
    {
        JsonElement[] findings = await SnapshotAsync("async-semaphore-leak", "blocking: 16 requests", expectedExit: 1, "--fail-on", "hang");

        JsonElement hang = Assert.Single(findings, f => Kind(f) == "hang");
        Assert.Contains("16 flows in GatedService.HandleAsync await SemaphoreSlim.WaitAsync of SemaphoreSlim 0x", Summary(hang), StringComparison.Ordinal);
        Assert.Contains("0 of 1 permits free", Summary(hang), StringComparison.Ordinal);
        JsonElement fault = Assert.Single(findings, f => Kind(f) == "task-fault");
        Assert.Contains("InvalidOperationException: request failed before releasing the gate", Summary(fault), StringComparison.Ordinal);

        // The look at the running heap reads the mark's roots with the target stopped (a running thread's stack roots
        // can keep the debugging library reading past every budget), and that stop keeps to the 400 ms pause budget
        // (the note's time is taken before the threads are let go: the budget plus the root being read when it fires).
        string async = Assert.Single(_notes, n => n.StartsWith("async: ", StringComparison.Ordinal));
        Match roots = Regex.Match(async, @"its \d+ roots were read with the process stopped for (\d+) ms");
        Assert.True(roots.Success, async);
        Assert.InRange(int.Parse(roots.Groups[1].Value, CultureInfo.InvariantCulture), 0, 450);
    }

    [Fact]
    public async Task A_heap_dump_reads_the_same_async_hang_as_the_attached_walk()
    {
        JsonElement[] attached = await SnapshotAsync("async-semaphore-leak", "blocking: 16 requests", expectedExit: 1, "--fail-on", "hang");
        JsonElement[] dumped = await SnapshotAsync("async-semaphore-leak", "blocking: 16 requests", expectedExit: 1, "--fail-on", "hang", "--dump");

        string Shape(JsonElement[] findings) => string.Join("; ", findings.Select(f => $"{Kind(f)}: {System.Text.RegularExpressions.Regex.Replace(Summary(f), "0x[0-9a-f]+", "0x…")}").Order(StringComparer.Ordinal));
        Assert.Equal(Shape(dumped), Shape(attached));
    }

    [Fact]
    public async Task A_TaskCompletionSource_never_completed_is_an_orphan_hang()
    {
        JsonElement[] findings = await SnapshotAsync("async-tcs", "blocking: 4 requests", expectedExit: 1, "--fail-on", "hang");

        JsonElement hang = Assert.Single(findings, f => Kind(f) == "hang");
        Assert.Contains("4 flows in ConfigCache.GetConfigAsync await the Task of TaskCompletionSource<String> 0x", Summary(hang), StringComparison.Ordinal);
        Assert.Contains(Details(hang), d => d.StartsWith("orphan: nothing but its own waiters can reach the completion source", StringComparison.Ordinal));
        Assert.Contains(Details(hang), d => d.Contains("GetConfigAsync (await #0) ← ConfigCache.HandleRequestAsync", StringComparison.Ordinal));
        Assert.Contains("ConfigCache.LoadAsync ended with System.IO.IOException: config file missing", Summary(Assert.Single(findings, f => Kind(f) == "task-fault")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Channel_reader_whose_writer_died_is_an_orphan_hang()
    {
        JsonElement[] findings = await SnapshotAsync("async-channel", "blocking: the consumer", expectedExit: 1, "--fail-on", "hang");

        JsonElement hang = Assert.Single(findings, f => Kind(f) == "hang");
        Assert.Contains("1 flow in Pipeline.ConsumeAsync await a read of BoundedChannel<Int32> 0x", Summary(hang), StringComparison.Ordinal);
        Assert.Contains("writer not completed", Summary(hang), StringComparison.Ordinal);
        Assert.Contains(Details(hang), d => d.Contains("its writer is gone without completing it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_flows_taking_two_SemaphoreSlim_in_opposite_order_are_an_async_deadlock()
    {
        JsonElement[] findings = await SnapshotAsync("async-cycle", "blocking: debit and audit", expectedExit: 1, "--fail-on", "deadlock");

        JsonElement deadlock = Assert.Single(findings);
        Assert.Equal("deadlock", Kind(deadlock));
        Assert.Contains("Transfers.DebitAsync", Summary(deadlock), StringComparison.Ordinal);
        Assert.Contains("Transfers.AuditAsync", Summary(deadlock), StringComparison.Ordinal);
        Assert.Equal(2, Details(deadlock).Count(d => d.Contains("is held by Transfers.", StringComparison.Ordinal) && d.Contains("1 of 1 permits are taken", StringComparison.Ordinal)));
        Assert.Equal(2, Details(deadlock).Count(d => d.Contains("awaits SemaphoreSlim.WaitAsync", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sync_over_async_on_a_single_threaded_SynchronizationContext_is_a_deadlock_of_the_ui_thread_and_its_flow()
    {
        JsonElement[] findings = await SnapshotAsync("async-sync-context", "blocking: the ui thread waits", expectedExit: 1, "--fail-on", "deadlock");

        JsonElement deadlock = Assert.Single(findings);
        Assert.Equal("deadlock", Kind(deadlock));
        Assert.Contains("SyncOverAsyncHangs.LoadAsync", Summary(deadlock), StringComparison.Ordinal);
        Assert.Contains("SingleThreadContext", Summary(deadlock), StringComparison.Ordinal);
        Assert.Equal("ui", Assert.Single(deadlock.GetProperty("threads").EnumerateArray()).GetProperty("name").GetString()!.Split(' ')[0]);
        Assert.Contains(Details(deadlock), d => d.Contains("is ready to resume", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_DI_scope_lock_and_the_task_the_main_thread_blocks_on_are_one_deadlock()
    {
        JsonElement[] findings = await SnapshotAsync("async-di", "blocking: main resolves", expectedExit: 1, "--fail-on", "deadlock");

        JsonElement deadlock = Assert.Single(findings);
        Assert.Equal("deadlock", Kind(deadlock));
        Assert.Equal(2, deadlock.GetProperty("threads").GetArrayLength());
        Assert.Contains(deadlock.GetProperty("locks").EnumerateArray(), l => l.GetProperty("name").GetString()!.Contains("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal));
        Assert.Contains(Details(deadlock), d => d.Contains("dotnet/runtime#80697", StringComparison.Ordinal));
        Assert.Contains(Details(deadlock), d => d.Contains("ReportService", StringComparison.Ordinal) && d.Contains("is running on tid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("async-semaphore-leak", "blocking: 16 requests")]
    [InlineData("async-tcs", "blocking: 4 requests")]
    [InlineData("async-channel", "blocking: the consumer")]
    [InlineData("async-cycle", "blocking: debit and audit")]
    [InlineData("async-sync-context", "blocking: the ui thread is idle")]
    [InlineData("async-di", "blocking: resolved")]
    public async Task The_healthy_twin_gives_no_finding(string mode, string ready)
    {
        JsonElement[] findings = await SnapshotAsync(mode, ready, expectedExit: 0, "--fixed", "--fail-on", "any");

        Assert.Empty(findings);
    }

    [Theory]
    [InlineData("async-semaphore-leak", "a request failed", "8 flows in Server.HandleAsync await SemaphoreSlim.WaitAsync")]
    [InlineData("async-event-never-set", "reader 2: waiting", "3 flows in Settings.ReadAsync await the Task of TaskCompletionSource<String>")]
    [InlineData("async-queue-writer-dies", "consumed job 2", "1 flow in Pipeline.ConsumeAsync await a read of BoundedChannel<Int32>")]
    public async Task The_async_demo_bug_is_one_orphan_hang_with_Main_under_it_and_its_fix_exits_0(string demo, string ready, string summary)
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess bug = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.DemosDll, demo], SnapshotTests.Env(tmp));
        await bug.WaitForLineAsync(ready, s_timeout);
        await Task.Delay(500); // the last flows reach their await just after the line
        using ChildProcess tool = SnapshotTests.Tool(tmp, "snapshot", "-p", bug.Id.ToString(), "--format", "json");
        Assert.Equal(0, await tool.WaitForExitAsync(s_timeout));
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);

        JsonElement hang = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray(), f => Kind(f) == "hang");
        Assert.StartsWith(summary, Summary(hang), StringComparison.Ordinal);
        Assert.EndsWith("; orphan", Summary(hang), StringComparison.Ordinal);
        Assert.Single(hang.GetProperty("threads").EnumerateArray()); // Main, blocked on the flows, is part of the same finding

        using ChildProcess cure = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.DemosDll, demo, "--fixed"], SnapshotTests.Env(tmp));
        Assert.Equal(0, await cure.WaitForExitAsync(s_timeout));
    }

    [Theory]
    [InlineData("async-semaphore-leak", "hang")]
    [InlineData("async-tcs", "hang")]
    [InlineData("async-channel", "hang")]
    [InlineData("async-cycle", "deadlock")]
    [InlineData("async-sync-context", "deadlock")]
    public async Task Run_names_the_async_bug_in_its_look_at_the_stop_and_report_of_the_saved_trace_names_it_again(string mode, string kind)
    {
        (int exit, JsonElement[] live, JsonElement[] replayed) = await RunAsync(mode, kind);

        Assert.True(exit == 1, $"run exit {exit}: {Describe(live)}");
        JsonElement found = Assert.Single(live, f => Kind(f) == kind);
        Assert.StartsWith("snapshot: ", Summary(found), StringComparison.Ordinal); // from the look before the program was ended
        Assert.Equal(Describe(live), Describe(replayed));
    }

    [Fact]
    public async Task Run_names_the_DI_lock_and_task_cycle_from_the_task_events_and_report_of_the_saved_trace_names_it_again()
    {
        // run records TplEventSource: main's blocking wait on the Task.Run, the task's thread, its wait for main's lock.
        (int exit, JsonElement[] live, JsonElement[] replayed) = await RunAsync("async-di", "deadlock");

        Assert.True(exit == 1, $"run exit {exit}: {Describe(live)}");
        JsonElement found = Assert.Single(live);
        Assert.Equal("deadlock", Kind(found));
        Assert.Equal("2 threads wait for each other in a cycle over 1 lock and 1 task", Summary(found)); // the trace's, not a snapshot's
        Assert.Contains(found.GetProperty("details").EnumerateArray(), d => d.GetString()!.Contains("blocks on task", StringComparison.Ordinal));
        Assert.Equal(Describe(live), Describe(replayed));
    }

    [Theory]
    [InlineData("async-semaphore-leak")]
    [InlineData("async-tcs")]
    [InlineData("async-channel")]
    [InlineData("async-cycle")]
    [InlineData("async-sync-context")]
    [InlineData("async-di")]
    public async Task Run_of_the_healthy_twin_finds_nothing_in_its_look_at_the_stop(string mode)
    {
        (int exit, JsonElement[] live, JsonElement[] replayed) = await RunAsync(mode, "any", "--fixed");

        Assert.True(exit == 0, $"run exit {exit}: {Describe(live)}");
        Assert.Empty(live);
        Assert.Empty(replayed);
    }

    /// <summary>`run --duration 5s` of the target (still running when tracing stops), then `report` of its trace.</summary>
    private async Task<(int Exit, JsonElement[] Live, JsonElement[] Replayed)> RunAsync(string mode, string failOn, params string[] targetOptions)
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        string trace = tmp.File("async.nettrace");
        using ChildProcess run = SnapshotTests.Tool(tmp, ["run", "--no-tui", "--duration", "5s", "--format", "json", "--fail-on", failOn, "-o", trace,
            "--", ToolPaths.Dotnet, ToolPaths.HangTargetsDll, mode, .. targetOptions]);
        int exit = await run.WaitForExitAsync(s_timeout);
        output.WriteLine($"run {mode} {string.Join(' ', targetOptions)}: exit {exit}\n{run.Stderr}");
        Assert.True(File.Exists(trace), run.Stderr);
        using ChildProcess report = SnapshotTests.Tool(tmp, "report", trace, "--format", "json");
        Assert.Equal(0, await report.WaitForExitAsync(s_timeout));
        using JsonDocument live = JsonDocument.Parse(run.Stdout);
        using JsonDocument replayed = JsonDocument.Parse(report.Stdout);
        return (exit, Warnings(live), Warnings(replayed));
    }

    private static JsonElement[] Warnings(JsonDocument report) =>
        [.. report.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("severity").GetString() != "info").Select(f => f.Clone())];

    private static string Describe(JsonElement[] findings) =>
        string.Join("; ", findings.Select(f => $"{Kind(f)}: {Summary(f)}"));

    private static string Kind(JsonElement f) => f.GetProperty("kind").GetString()!;

    private static string Summary(JsonElement f) => f.GetProperty("summary").GetString()!;

    private static string[] Details(JsonElement f) => [.. f.GetProperty("details").EnumerateArray().Select(d => d.GetString()!)];

    /// <summary>Starts the target, waits for its line, snapshots it (timed); the report's findings.</summary>
    private async Task<JsonElement[]> SnapshotAsync(string mode, string ready, int expectedExit, params string[] options)
    {
        string[] targetArgs = options.Contains("--fixed") ? [ToolPaths.HangTargetsDll, mode, "--fixed"] : [ToolPaths.HangTargetsDll, mode];
        string[] toolOptions = [.. options.Where(o => o != "--fixed")];
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, targetArgs, SnapshotTests.Env(tmp));
        await target.WaitForLineAsync(ready, s_timeout);

        var clock = Stopwatch.StartNew();
        using ChildProcess tool = SnapshotTests.Tool(tmp, ["snapshot", "-p", target.Id.ToString(), "--format", "json", .. toolOptions]);
        int exit = await tool.WaitForExitAsync(s_timeout);
        output.WriteLine($"{mode}: snapshot answered in {clock.Elapsed.TotalSeconds:F2} s\n{tool.Stdout}\n{tool.Stderr}");

        Assert.True(exit == expectedExit, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        SnapshotTests.AssertNoDumpLeft(tmp);
        using JsonDocument report = JsonDocument.Parse(tool.Stdout);
        _notes = [.. report.RootElement.GetProperty("trace").GetProperty("notes").EnumerateArray().Select(n => n.GetString()!)];
        return [.. report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())];
    }
}

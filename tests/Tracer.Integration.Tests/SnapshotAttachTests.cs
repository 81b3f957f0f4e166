using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>
/// The snapshot reads the live process (ClrMD attached, threads stopped by ptrace only while read): what the saved
/// trace keeps of it, every thread's stack, and refusals (the pause on a big heap: <see cref="SnapshotPauseTests"/>). Tool and target share a private TMPDIR.
/// </summary>
public sealed class SnapshotAttachTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_deadlock_found_by_the_automatic_snapshot_is_in_the_saved_trace_for_report_and_export()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess demo = await SnapshotTests.StartDeadlockedDiningAsync(tmp);
        string trace = tmp.File("attach.nettrace");
        using ChildProcess collect = SnapshotTests.Tool(tmp, "collect", "-p", demo.Id.ToString(CultureInfo.InvariantCulture), "--no-tui",
            "--stop-on", "deadlock", "--duration", "50s", "--format", "json", "-o", trace);
        Assert.True(await collect.WaitForExitAsync(s_timeout) == 0, collect.Stderr);
        using JsonDocument live = JsonDocument.Parse(collect.Stdout);

        using ChildProcess report = SnapshotTests.Tool(tmp, "report", trace, "--format", "json", "--fail-on", "deadlock");
        int exit = await report.WaitForExitAsync(s_timeout);

        Assert.True(exit == 1, $"the saved trace reports the deadlock: exit {exit}\n{report.Stdout}\n{report.Stderr}");
        using JsonDocument replayed = JsonDocument.Parse(report.Stdout);
        JsonElement deadlock = Assert.Single(replayed.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "deadlock");
        SnapshotTests.AssertDiningCycle(deadlock);
        Assert.Equal(Kinds(live), Kinds(replayed));
        Assert.Equal(Summaries(live), Summaries(replayed));
        Assert.Equal(Stacks(live), Stacks(replayed)); // every thread's snapshot stack, as live showed it

        string exported = tmp.File("attach.json");
        using ChildProcess export = SnapshotTests.Tool(tmp, "export", trace, "-o", exported);
        Assert.True(await export.WaitForExitAsync(s_timeout) == 0, export.Stderr);
        Assert.Contains("snapshot: 5 threads wait for each other in a cycle", await File.ReadAllTextAsync(exported), StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_stacks_names_every_thread_with_its_state_and_groups_identical_stacks()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "thread-states"], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync("ready", s_timeout);
        string pid = target.Id.ToString(CultureInfo.InvariantCulture);

        using ChildProcess json = SnapshotTests.Tool(tmp, "snapshot", "-p", pid, "--format", "json");
        Assert.True(await json.WaitForExitAsync(s_timeout) == 0, json.Stderr);
        using ChildProcess text = SnapshotTests.Tool(tmp, "snapshot", "-p", pid, "--all-stacks");
        Assert.True(await text.WaitForExitAsync(s_timeout) == 0, text.Stderr);
        output.WriteLine(text.Stdout);

        using JsonDocument report = JsonDocument.Parse(json.Stdout);
        Dictionary<string, JsonElement> byName = report.RootElement.GetProperty("threads").EnumerateArray()
            .Where(t => t.GetProperty("name").GetString() is not null).GroupBy(t => t.GetProperty("name").GetString()!).ToDictionary(g => g.Key, g => g.First());
        AssertThread(byName, "sem-waiter-0", "blocked in SemaphoreSlim.Wait", "System.Threading.SemaphoreSlim.Wait");
        AssertThread(byName, "sem-waiter-1", "blocked in SemaphoreSlim.Wait", "System.Threading.SemaphoreSlim.Wait");
        AssertThread(byName, "sleeper", "sleeping in Thread.Sleep", "System.Threading.Thread.Sleep");
        AssertThread(byName, "lock-holder", "blocked in ManualResetEventSlim.Wait", "System.Threading.ManualResetEventSlim.Wait");
        AssertThread(byName, "lock-waiter", "blocked in Monitor.Enter (lock)", "System.Threading.Monitor.Enter");
        AssertThread(byName, "spinner", "running", "Tracer.HangTargets.ThreadStates.Spin");
        Assert.Contains("kept running", byName["spinner"].GetProperty("state").GetString(), StringComparison.Ordinal);
        Assert.Contains("did not run", byName["sleeper"].GetProperty("state").GetString(), StringComparison.Ordinal);

        JsonElement waiters = Assert.Single(report.RootElement.GetProperty("stackGroups").EnumerateArray(), g => g.GetProperty("count").GetInt32() == 2);
        Assert.Equal([byName["sem-waiter-0"].GetProperty("id").GetInt32(), byName["sem-waiter-1"].GetProperty("id").GetInt32()],
            waiters.GetProperty("threads").EnumerateArray().Select(t => t.GetInt32()).Order());
        Assert.Contains("2 threads: sem-waiter-0 (tid ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("spinner (tid ", text.Stdout[text.Stdout.IndexOf("STACKS (", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_another_debugger_holds_is_refused_in_one_line_with_exit_2()
    {
        using TempDirectory tmp = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "thread-states"], SnapshotTests.Env(tmp));
        await target.WaitForLineAsync("ready", s_timeout);
        // This test process becomes the target's tracer (PTRACE_SEIZE does not stop it): a second tracer is refused.
        using var debugger = new OtherDebugger(target.Id);

        using ChildProcess tool = SnapshotTests.Tool(tmp, "snapshot", "-p", target.Id.ToString(CultureInfo.InvariantCulture));
        int exit = await tool.WaitForExitAsync(s_timeout);

        Assert.True(exit == 2, $"exit {exit}\n{tool.Stdout}\n{tool.Stderr}");
        string[] lines = tool.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"dotnet-tracer: cannot suspend process {target.Id}: ptrace was refused", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", tool.Stderr, StringComparison.Ordinal);
        Assert.Empty(tool.Stdout.Trim()); // no half report
        Assert.False(target.HasExited, "the target runs on");
    }

    private static void AssertThread(Dictionary<string, JsonElement> byName, string name, string state, string frame)
    {
        Assert.True(byName.TryGetValue(name, out JsonElement t), $"thread {name} is listed");
        Assert.StartsWith(state, t.GetProperty("state").GetString(), StringComparison.Ordinal);
        Assert.Contains(t.GetProperty("stack").EnumerateArray(), f => f.GetString()!.StartsWith(frame, StringComparison.Ordinal));
    }

    private static string[] Kinds(JsonDocument r) => [.. r.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()!).Order()];

    private static string[] Summaries(JsonDocument r) => [.. r.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("summary").GetString()!).Order()];

    private static string[] Stacks(JsonDocument r) =>
    [
        .. r.RootElement.GetProperty("threads").EnumerateArray().Where(t => t.TryGetProperty("stack", out _))
            .Select(t => $"{t.GetProperty("id").GetInt32()}: {t.GetProperty("state").GetString()}: {string.Join(" < ", t.GetProperty("stack").EnumerateArray().Select(f => f.GetString()))}")
            .Order(),
    ];

    /// <summary>Holds the target's main thread as its ptrace tracer (seized, not stopped) until disposed, on one thread of its own.</summary>
    private sealed class OtherDebugger : IDisposable
    {
        private const int PtraceSeize = 0x4206;
        private const int PtraceDetach = 17;
        private readonly ManualResetEventSlim _release = new();
        private readonly Thread _thread;

        public OtherDebugger(int pid)
        {
            using var seized = new ManualResetEventSlim();
            long result = -1;
            _thread = new Thread(() =>
            {
                result = Ptrace(PtraceSeize, pid, 0, 0);
                seized.Set();
                _release.Wait();
                _ = Ptrace(PtraceDetach, pid, 0, 0); // ptrace requests only work from the seizing thread
            }) { IsBackground = true };
            _thread.Start();
            seized.Wait();
            Assert.True(result == 0, $"the test could not seize pid {pid} (errno {Marshal.GetLastPInvokeError()})");
        }

        public void Dispose()
        {
            _release.Set();
            _thread.Join();
            _release.Dispose();
        }

        [DllImport("libc", EntryPoint = "ptrace", SetLastError = true)]
        private static extern long Ptrace(long request, int pid, nint address, nint data);
    }
}

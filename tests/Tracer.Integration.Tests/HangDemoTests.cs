using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The hang demos, traced for real: each bug is named by its primitive and the demo's own method; each fix is silent and exits 0.</summary>
public sealed class HangDemoTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(40);

    [Theory]
    [InlineData("barrier-missing", "Barrier.SignalAndWait", "BarrierMissingDemo.SignalAndWaitForever")]
    [InlineData("semaphore-leak", "SemaphoreSlim.Wait", "SemaphoreLeakDemo.UseSlotLeaky")]
    [InlineData("mutex-abba", "WaitHandle.WaitOne", "MutexAbbaDemo.TakeSecond")]
    [InlineData("lock-leak", "Monitor.Enter (lock)", "LockLeakDemo.Add")]
    [InlineData("event-never-set", "ManualResetEventSlim.Wait", "EventNeverSetDemo.WaitUntilReady")]
    [InlineData("queue-worker-dies", "CountdownEvent.Wait", "QueueWorkerDiesDemo.WaitForAll")]
    [InlineData("exit-hang", "BlockingCollection.Take", "ExitHangDemo.TakeNext")]
    public async Task The_bug_is_a_hang_naming_the_primitive_and_the_demo_method(string demo, string primitive, string method)
    {
        using TracedDemo run = await TracedDemo.RunAsync(demo, fixedVariant: false);

        JsonElement[] hangs = [.. run.Findings("hang").Where(f => f.GetProperty("summary").GetString()!.Contains(primitive, StringComparison.Ordinal))];
        Assert.True(hangs.Length == 1, $"expected one hang in {primitive}; the report says:\n{run.Result.Stdout}\n{run.Result.Stderr}");
        JsonElement hang = hangs[0];
        Assert.Contains(TracedDemo.Frames(hang), f => f.EndsWith(method, StringComparison.Ordinal));
        Assert.True(hang.GetProperty("metrics").GetProperty("blockedMs").GetDouble() >= 2000, "blocked at least --hang-after (2 s)");
    }

    [Fact]
    public async Task Mutexes_taken_in_opposite_order_are_a_likely_deadlock_without_invented_owners()
    {
        using TracedDemo run = await TracedDemo.RunAsync("mutex-abba", fixedVariant: false);

        JsonElement hang = Assert.Single(run.Findings("hang"), f => f.GetProperty("summary").GetString()!.StartsWith("likely deadlock", StringComparison.Ordinal));
        string[] names = [.. hang.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.Contains(names, n => n.StartsWith("transfer-AB", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("transfer-BA", StringComparison.Ordinal));
        Assert.All(hang.GetProperty("threads").EnumerateArray(), t => Assert.False(t.TryGetProperty("heldBy", out _)));
    }

    [Fact]
    public async Task A_leaked_lock_names_the_waiters_and_the_thread_that_still_holds_it()
    {
        using TracedDemo run = await TracedDemo.RunAsync("lock-leak", fixedVariant: false);

        JsonElement hang = Assert.Single(run.Findings("hang"), f => f.GetProperty("locks").GetArrayLength() == 1);
        JsonElement[] threads = [.. hang.GetProperty("threads").EnumerateArray()];
        Assert.Equal(3, threads.Count(t => t.GetProperty("role").GetString() == "waits" && t.GetProperty("name").GetString()!.StartsWith("writer-", StringComparison.Ordinal)));
        JsonElement holder = Assert.Single(threads, t => t.GetProperty("role").GetString() == "holds");
        Assert.StartsWith("importer", holder.GetProperty("name").GetString());
        Assert.All(threads.Where(t => t.GetProperty("role").GetString() == "waits"), t => Assert.Equal(holder.GetProperty("id").GetInt32(), t.GetProperty("heldBy").GetInt32()));

        // The replay finds the same hang (Complete runs at the trace's end in both).
        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", run.TracePath, "--format", "json");
        using JsonDocument replayed = JsonDocument.Parse(replay.Stdout);
        JsonElement again = Assert.Single(replayed.RootElement.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("kind").GetString() == "hang" && f.GetProperty("locks").GetArrayLength() == 1);
        Assert.Equal(hang.GetProperty("summary").GetString(), again.GetProperty("summary").GetString());
        Assert.Equal(
            threads.Select(t => t.GetProperty("id").GetInt32()).Order(),
            again.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).Order());
    }

    [Theory]
    [InlineData("barrier-missing")]
    [InlineData("semaphore-leak")]
    [InlineData("mutex-abba")]
    [InlineData("lock-leak")]
    [InlineData("event-never-set")]
    [InlineData("queue-worker-dies")]
    [InlineData("exit-hang")]
    public async Task The_fix_exits_0_without_a_hang(string demo)
    {
        using TracedDemo run = await TracedDemo.RunAsync(demo, fixedVariant: true);

        Assert.Empty(run.Findings("hang"));
        Assert.Equal(0, run.Report.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
        Assert.Equal(0, run.Result.ExitCode);
    }
}

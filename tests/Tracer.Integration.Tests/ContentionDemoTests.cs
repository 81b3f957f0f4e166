using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The lock-convoy demo: the global lock is a convoy named by the demo's method, live and on replay; the fix is silent.</summary>
public sealed class ContentionDemoTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task The_global_lock_is_a_convoy_and_tops_the_locks_table_live_and_on_replay()
    {
        using TracedDemo run = await TracedDemo.RunAsync("lock-convoy", fixedVariant: false);

        JsonElement convoy = Assert.Single(run.Findings("convoy"));
        Assert.Contains(TracedDemo.Frames(convoy), f => f.EndsWith("LockConvoyDemo.AddEachItemUnderGlobalLock", StringComparison.Ordinal));
        JsonElement top = run.Report.RootElement.GetProperty("locks")[0];
        Assert.EndsWith("LockConvoyDemo.AddEachItemUnderGlobalLock", top.GetProperty("name").GetString());
        Assert.Equal(top.GetProperty("id").GetString(), convoy.GetProperty("locks")[0].GetProperty("id").GetString());

        ToolResult replay = await ChildProcess.RunToolAsync(s_timeout, "report", run.TracePath, "--format", "json");
        using JsonDocument replayed = JsonDocument.Parse(replay.Stdout);
        Assert.Equal(top.GetProperty("id").GetString(), replayed.RootElement.GetProperty("locks")[0].GetProperty("id").GetString());
        Assert.Contains(replayed.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "convoy");
    }

    [Fact]
    public async Task Local_sums_merged_once_are_no_convoy()
    {
        using TracedDemo run = await TracedDemo.RunAsync("lock-convoy", fixedVariant: true);

        Assert.Empty(run.Findings("convoy"));
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal(0, run.Report.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
    }
}

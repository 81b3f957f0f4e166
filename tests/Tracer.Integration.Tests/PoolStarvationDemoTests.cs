using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The pool-starvation demo: sync-over-async is one finding with the blocked pool threads and their stack; async
/// all the way is silent.</summary>
public sealed class PoolStarvationDemoTests
{
    [Fact]
    public async Task Blocking_on_Result_starves_the_pool_once_with_the_blocked_threads_and_their_stack()
    {
        using TracedDemo run = await TracedDemo.RunAsync("pool-starvation", fixedVariant: false);

        JsonElement starvation = Assert.Single(run.Findings("starvation"));
        Assert.Contains(TracedDemo.Frames(starvation), f => f.EndsWith("PoolStarvationDemo.HandleRequestBlocking", StringComparison.Ordinal));
        var blocked = starvation.GetProperty("threads").EnumerateArray().Where(t => t.GetProperty("role").GetString() == "blocked").ToList();
        Assert.True(blocked.Count >= 2, starvation.GetRawText());
        Assert.Contains(blocked, t => t.GetProperty("primitive").GetString() is "Task.Result" or "Task.Wait");
        JsonElement metrics = starvation.GetProperty("metrics");
        Assert.Equal(blocked.Count, metrics.GetProperty("blockedPoolThreads").GetDouble());
        Assert.True(metrics.GetProperty("threadsInjected").GetDouble() >= 1, starvation.GetRawText());

        // The thread-pool section shows the finding's own episode, and its blocked threads are not hangs of their own.
        JsonElement period = Assert.Single(run.Report.RootElement.GetProperty("threadPool").GetProperty("starvationPeriods").EnumerateArray());
        Assert.Equal(metrics.GetProperty("threadsInjected").GetDouble(), period.GetProperty("threadsInjected").GetDouble());
        Assert.Equal(blocked.Count, period.GetProperty("blockedPoolThreads").GetInt32());
        var blockedIds = blocked.Select(t => t.GetProperty("id").GetInt32()).ToHashSet();
        Assert.DoesNotContain(run.Findings("hang").Concat(run.Findings("long-wait")),
            f => f.GetProperty("threads").EnumerateArray().All(t => blockedIds.Contains(t.GetProperty("id").GetInt32())));
    }

    [Fact]
    public async Task Async_all_the_way_does_not_starve_the_pool()
    {
        using TracedDemo run = await TracedDemo.RunAsync("pool-starvation", fixedVariant: true);

        Assert.Empty(run.Findings("starvation"));
        Assert.Equal(0, run.Result.ExitCode);
    }
}

using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The pool-starvation demo: sync-over-async is named with the blocking stack; async all the way is silent.</summary>
public sealed class PoolStarvationDemoTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Blocking_on_Result_starves_the_pool_and_the_blocking_stack_is_named()
    {
        using TracedDemo run = await TracedDemo.RunAsync("pool-starvation", fixedVariant: false);

        JsonElement starvation = Assert.Single(run.Findings("starvation"));
        Assert.Contains(TracedDemo.Frames(starvation), f => f.EndsWith("PoolStarvationDemo.HandleRequestBlocking", StringComparison.Ordinal));
        Assert.Contains(starvation.GetProperty("threads").EnumerateArray(), t => t.GetProperty("primitive").GetString() == "Task.Result");
        Assert.True(starvation.GetProperty("metrics").GetProperty("threadsInjected").GetDouble() >= 1);
        JsonElement pool = run.Report.RootElement.GetProperty("threadPool");
        Assert.NotEmpty(pool.GetProperty("starvationPeriods").EnumerateArray());
    }

    [Fact]
    public async Task Async_all_the_way_does_not_starve_the_pool()
    {
        using TracedDemo run = await TracedDemo.RunAsync("pool-starvation", fixedVariant: true);

        Assert.Empty(run.Findings("starvation"));
        Assert.Equal(0, run.Result.ExitCode);
    }
}

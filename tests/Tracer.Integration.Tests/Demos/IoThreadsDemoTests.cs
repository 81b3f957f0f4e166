using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests.Demos;

/// <summary>io-threads: five slow requests one after another (wall = sum) vs on five threads (wall = longest).</summary>
public sealed class IoThreadsDemoTests
{
    private const double SumOfLatencies = 6.0, Longest = 1.4;

    [Fact]
    public async Task Buggy_variant_waits_for_the_sum_of_the_latencies_on_one_thread()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("io-threads", fixedVariant: false);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(SumOfLatencies, demo.Number(@"sum of latencies (\d+\.\d+) s"));
        Assert.True(demo.Number(@"wall time: (\d+\.\d+) s") >= SumOfLatencies * 0.95, demo.DemoOutput);

        // The tracer sees the main thread waiting about the whole sum, and no request threads.
        int pid = demo.Report.RootElement.GetProperty("process").GetProperty("pid").GetInt32();
        JsonElement main = Assert.Single(demo.Threads, t => t.GetProperty("id").GetInt32() == pid);
        Assert.True(main.GetProperty("handleWaitMs").GetDouble() >= SumOfLatencies * 1000 * 0.9, main.ToString());
        Assert.DoesNotContain(demo.Threads, IsRequestThread);
    }

    [Fact]
    public async Task Fixed_variant_overlaps_the_waits_and_the_trace_shows_five_threads_waiting_at_once()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("io-threads", fixedVariant: true);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, demo.TargetExitCode);
        double wall = demo.Number(@"wall time: (\d+\.\d+) s");
        Assert.True(wall >= Longest && wall < SumOfLatencies * 0.6, demo.DemoOutput);

        // Five request threads, each waiting about its request's latency, all alive together.
        JsonElement[] requests = [.. demo.Threads.Where(IsRequestThread)];
        Assert.Equal(5, requests.Length);
        Assert.All(requests, r => Assert.True(r.GetProperty("handleWaitMs").GetDouble() >= 900, r.ToString()));
        double lastStart = requests.Max(r => r.GetProperty("firstSeenMs").GetDouble());
        double firstEnd = requests.Min(r => r.GetProperty("lastSeenMs").GetDouble());
        Assert.True(lastStart < firstEnd, $"the five waits did not overlap: last start {lastStart} ms, first end {firstEnd} ms");
    }

    private static bool IsRequestThread(JsonElement t) =>
        t.GetProperty("name").GetString()?.StartsWith("request-", StringComparison.Ordinal) == true;
}

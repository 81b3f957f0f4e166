using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests.Demos;

/// <summary>
/// cpu-speedup (a demo to watch): factorials on one thread vs one thread per core. The printed speedup depends on
/// how busy the machine is, so the tests check what cannot flake: the work, the threads, and that the fixed
/// variant's worker threads were all started while the parallel section ran.
/// </summary>
public sealed class CpuSpeedupDemoTests
{
    [Fact]
    public async Task Buggy_variant_computes_on_one_thread()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("cpu-speedup", fixedVariant: false);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, demo.TargetExitCode);
        Assert.Contains("serial: 8 factorials on 1 thread", demo.DemoOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(demo.Threads, IsFactorialThread);
    }

    [Fact]
    public async Task Fixed_variant_runs_at_least_two_worker_threads_at_once_and_prints_the_speedup()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("cpu-speedup", fixedVariant: true);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, demo.TargetExitCode);
        Assert.Contains("(results identical)", demo.DemoOutput, StringComparison.Ordinal);
        double parallelSeconds = demo.Number(@"parallel: 8 factorials on \d+ threads in (\d+\.\d+) s");
        Assert.True(demo.Number(@"on (\d+) threads in") >= 2, demo.DemoOutput);
        Assert.True(demo.Number(@"speedup: (\d+\.\d+)x") > 0, demo.DemoOutput);

        // The tracer saw the worker threads, all started within the parallel section (not one after another).
        JsonElement[] workers = [.. demo.Threads.Where(IsFactorialThread)];
        Assert.True(workers.Length >= 2, $"{workers.Length} factorial threads in the trace");
        double[] starts = [.. workers.Select(w => w.GetProperty("firstSeenMs").GetDouble())];
        Assert.True(starts.Max() - starts.Min() < parallelSeconds * 1000, $"worker starts {string.Join(", ", starts)} ms spread over more than the parallel section");
    }

    private static bool IsFactorialThread(JsonElement t) =>
        t.GetProperty("name").GetString()?.StartsWith("factorial-", StringComparison.Ordinal) == true;
}

using Tracer.Integration.Tests.Infrastructure;
namespace Tracer.Integration.Tests.Demos;

/// <summary>process-isolation: children change their own copy of a counter (parent sees 0) vs results over pipes and a shared mapped counter.</summary>
public sealed class ProcessIsolationDemoTests
{
    [Fact]
    public async Task Buggy_variant_parent_sees_0_although_each_child_counted_1000()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("process-isolation", fixedVariant: false);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, demo.TargetExitCode);
        Assert.Equal(4, demo.DemoOutput.Split('\n').Count(l => l.Contains("): my counter is 1000", StringComparison.Ordinal)));
        Assert.Equal(0, demo.Number(@"parent: my counter is (\d+)"));
    }

    [Fact]
    public async Task Fixed_variant_parent_gets_4000_over_pipes_and_in_the_shared_counter()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("process-isolation", fixedVariant: true);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, demo.TargetExitCode);
        Assert.Equal(4000, demo.Number(@"sent over pipes = (\d+)"));
        Assert.Equal(4000, demo.Number(@"memory-mapped file = (\d+)"));
    }

    [Fact]
    public async Task Trace_shows_the_parent_and_each_child_process()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("process-isolation", fixedVariant: true);

        int parent = demo.Report.RootElement.GetProperty("process").GetProperty("pid").GetInt32();
        int children = demo.Report.RootElement.GetProperty("processes").EnumerateArray()
            .Count(p => p.TryGetProperty("parentPid", out var pp) && pp.ValueKind == System.Text.Json.JsonValueKind.Number && pp.GetInt32() == parent);
        Assert.Equal(4, children);
    }
}

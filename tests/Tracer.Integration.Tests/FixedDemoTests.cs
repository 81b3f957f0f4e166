using Tracer.Demos;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>Every demo's fixed variant is a healthy program: no finding of severity warning or worse, live and replayed.</summary>
public sealed class FixedDemoTests(ITestOutputHelper output)
{
    public static TheoryData<string> Demos => [.. DemoCatalog.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Demos))]
    public async Task A_fixed_demo_gets_no_finding(string demo)
    {
        using CorpusTrace run = await CorpusTrace.FixedDemoAsync(demo, CorpusTrace.HealthyFailOn);

        CorpusHealthyTests.AssertHealthy(output, run, $"demo {demo} --fixed");
        Assert.Equal(0, run.LiveReport.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
    }
}

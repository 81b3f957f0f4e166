using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Engine.Collect;

namespace Tracer.Engine.Tests.Collect;

public sealed class ProviderSpecsTests
{
    [Fact]
    public void Parses_dotnet_trace_syntax_with_defaults_levels_and_arguments()
    {
        Assert.True(ProviderSpecs.TryParse("Microsoft-AspNetCore-Hosting, MyApp:0x1:Informational, Other:ff:4:EventCounterIntervalSec=1;Filter=\"a,b;c\"",
            out IReadOnlyList<EventPipeProvider> providers, out string? error), error);

        Assert.Equal(3, providers.Count);
        Assert.Equal(("Microsoft-AspNetCore-Hosting", -1L, EventLevel.Verbose), (providers[0].Name, providers[0].Keywords, providers[0].EventLevel));
        Assert.Equal((1L, EventLevel.Informational), (providers[1].Keywords, providers[1].EventLevel));
        Assert.Equal((0xffL, EventLevel.Informational), (providers[2].Keywords, providers[2].EventLevel));
        Assert.Equal("1", providers[2].Arguments!["EventCounterIntervalSec"]);
        Assert.Equal("a,b;c", providers[2].Arguments!["Filter"]);
    }

    [Theory]
    [InlineData("", "names no provider")]
    [InlineData(":0x1", "has no name")]
    [InlineData("MyApp:0xZZ", "not a hex number")]
    [InlineData("MyApp:0x1:Loud", "level 'Loud'")]
    [InlineData("MyApp:0x1:9", "level '9'")]
    [InlineData("MyApp:1:4:novalue", "not key=value")]
    public void A_string_that_does_not_parse_gets_one_line_saying_why(string text, string expected)
    {
        Assert.False(ProviderSpecs.TryParse(text, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }

    [Fact]
    public void A_provider_the_tracer_enables_anyway_is_widened_not_enabled_twice()
    {
        EventPipeProvider[] ours = [new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0x4000)];
        List<EventPipeProvider> merged = ProviderSpecs.Merge(ours, [new("microsoft-windows-dotnetruntime", EventLevel.Verbose, 0x8000), new("Mine", EventLevel.Warning, 1)]);

        Assert.Equal(2, merged.Count);
        Assert.Equal((0xC000L, EventLevel.Verbose), (merged[0].Keywords, merged[0].EventLevel));
        Assert.Equal("Mine", merged[1].Name);
    }
}

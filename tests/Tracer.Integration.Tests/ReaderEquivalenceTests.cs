using Tracer.Engine.Tests.Decoding;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// Fresh traces from this runtime (locks and their internal waits, the pool, counters, tasks and exceptions, probes)
/// decode to the same records, stacks, notes and report through our nettrace reader as through TraceEvent.
/// </summary>
public sealed class ReaderEquivalenceTests
{
    [Theory]
    [InlineData("lock-convoy")]
    [InlineData("pool-starvation")]
    [InlineData("futures-errors")]
    [InlineData("lost-updates")]
    public async Task Fresh_trace_decodes_the_same_as_with_TraceEvent(string demo)
    {
        using TracedDemo run = await TracedDemo.RunAsync(demo, fixedVariant: false);
        Assert.True(File.Exists(run.TracePath), run.ToString());
        DecoderEquivalence.AssertSame(run.TracePath);
    }
}

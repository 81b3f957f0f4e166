namespace Tracer.Engine.Tests.Decoding;

/// <summary>Our nettrace reader against TraceEvent on the committed traces: same records, same order, same report.</summary>
public sealed class NettraceReaderEquivalenceTests
{
    [Theory]
    [InlineData("dining-deadlock.nettrace")]
    [InlineData("fuzz-seed-dining.nettrace")]
    public void Fixture_decodes_the_same_as_with_TraceEvent(string fixture) =>
        DecoderEquivalence.AssertSame(Path.Combine(AppContext.BaseDirectory, "fixtures", fixture));
}

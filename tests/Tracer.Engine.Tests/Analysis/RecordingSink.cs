using Tracer.Engine.Analysis;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>A sink that keeps every report, withdrawn or not: a finding reported and then withdrawn was still announced
/// live (a notice the final report contradicts), which the final set alone cannot show.</summary>
internal sealed class RecordingSink : IFindingSink
{
    public List<Finding> Reported { get; } = [];

    public void Report(Finding finding) => Reported.Add(finding);

    public void Retract(string key)
    {
    }
}

using Tracer.Demos.RaceCases;
using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>
/// The race-detector pair suite on streams recorded in-process: each case's probe events go through both detectors,
/// which must report exactly what the case expects, on the right location or locks, and nothing else.
/// </summary>
public sealed class PairSuiteTests
{
    public static TheoryData<string> Cases => [.. RaceCaseCatalog.All.Select(c => c.Name)];

    [Fact]
    public void The_suite_has_at_least_twenty_cases_with_racy_and_clean_twins()
    {
        Assert.True(RaceCaseCatalog.All.Count >= 20);
        Assert.Contains(RaceCaseCatalog.All, c => c.ExpectKind is null);
        Assert.Contains(RaceCaseCatalog.All, c => c.ExpectKind == FindingKinds.Race);
        Assert.Contains(RaceCaseCatalog.All, c => c.ExpectKind == FindingKinds.PotentialDeadlock);
        Assert.Equal(RaceCaseCatalog.All.Count, RaceCaseCatalog.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_reports_exactly_what_it_expects(string name)
    {
        RaceCase c = RaceCaseCatalog.All.Single(x => x.Name == name);
        using var recorder = new ProbeRecorder();
        recorder.Start();
        Assert.True(Task.Run(c.Run).Wait(TimeSpan.FromSeconds(30)), $"{name} did not finish within 30 s");
        IReadOnlyList<TraceRecord> records = recorder.Take();
        Assert.NotEmpty(records);

        var analyzer = new TraceAnalyzer(detectors: [new RaceDetector(), new LockOrderDetector()]);
        foreach (TraceRecord r in records)
        {
            analyzer.OnEvent(r);
        }

        analyzer.Complete();
        PairSuiteExpectation.Check(c, analyzer.Findings.Snapshot());
    }
}

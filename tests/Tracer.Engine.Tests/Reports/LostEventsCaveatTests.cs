using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Tests.Reports;

/// <summary>A deadlock built while EventPipe dropped events could rest on a lost release: the report says so.</summary>
public sealed class LostEventsCaveatTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(17, true)]
    public void Deadlock_findings_carry_the_lost_event_count(long lost, bool caveat)
    {
        var analyzer = new TraceAnalyzer();
        analyzer.OnEvent(TraceRecord.ContentionStart(1, 11, 0x10, 0, 12));
        analyzer.OnEvent(TraceRecord.ContentionStart(2, 12, 0x20, 0, 11));
        analyzer.OnEvent(TraceRecord.Thread(TraceEventKind.CounterSample, 1000, 900)); // time passes the confirmation
        analyzer.Model.LostEvents = lost;
        analyzer.Complete();

        TraceReport report = TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot());

        ReportFinding deadlock = Assert.Single(report.Findings, f => f.Kind == FindingKinds.Deadlock);
        Assert.Equal(caveat, deadlock.Details.Any(d => d.Contains($"dropped {lost:N0} events", StringComparison.Ordinal)));
    }
}

using System.Text;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Events;
using Tracer.Engine.Model;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Tests.Model;

/// <summary>
/// The TUI copies a <see cref="ModelView"/> under the analyzer's lock and builds the report from it after releasing the
/// lock, while the decoder goes on writing the model: the view must be a copy, and hold everything a report reads.
/// </summary>
public sealed class ModelViewTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    [InlineData("lock-convoy.nettrace")]
    [InlineData("dining-deadlock.nettrace")]
    [InlineData("pool-starvation.nettrace")]
    public void A_report_from_the_view_does_not_change_when_the_model_goes_on(string fixture)
    {
        TraceAnalyzer analyzer = TraceFileAnalysis.Analyze(Fixture(fixture));
        IReadOnlyList<Finding> findings = analyzer.Findings.Snapshot();
        ModelView view = ModelView.Of(analyzer.Model);
        string before = Json(TraceReport.Build(view, findings));

        // The model keeps growing, as it does live: a new contended lock, a wait on an existing one, a thread, a note.
        ulong existing = analyzer.Model.Locks.Values.MaxBy(l => l.Contentions)!.LockId; // one the report shows
        double t = analyzer.Model.EndMs;
        analyzer.OnEvent(TraceRecord.ContentionStart(t + 1, 900_001, 0xdead0, 0, 0));
        analyzer.OnEvent(TraceRecord.ContentionStop(t + 5, 900_001, 4e6));
        analyzer.OnEvent(TraceRecord.ContentionStart(t + 6, 900_002, existing, 0, 0));
        analyzer.OnEvent(TraceRecord.ContentionStop(t + 9, 900_002, 3e6));
        lock (analyzer.SyncRoot)
        {
            analyzer.Model.AddNote("added after the view was taken");
            analyzer.Model.Process(analyzer.Model.Processes.Keys.First()).NamedObjects.Add("Global/after");
        }

        Assert.Equal(before, Json(TraceReport.Build(view, findings)));
        Assert.NotEqual(before, Json(TraceReport.Build(ModelView.Of(analyzer.Model), findings))); // the change was visible: the test can fail
    }

    [Fact]
    public void The_view_keeps_open_waits_and_percentiles_as_they_were()
    {
        var analyzer = new TraceAnalyzer(detectors: []);
        for (int i = 0; i < 10; i++)
        {
            analyzer.OnEvent(TraceRecord.ContentionStart(i * 10, 11, 0x10, 0, 12));
            analyzer.OnEvent(TraceRecord.ContentionStop((i * 10) + 2, 11, 2e6));
        }

        analyzer.OnEvent(TraceRecord.ContentionStart(200, 13, 0x10, 0, 12)); // still waiting
        ModelView view = ModelView.Of(analyzer.Model);
        for (int i = 0; i < 50; i++)
        {
            analyzer.OnEvent(TraceRecord.ContentionStart(300 + (i * 10), 11, 0x10, 0, 12));
            analyzer.OnEvent(TraceRecord.ContentionStop(300 + (i * 10) + 8, 11, 8e6));
        }

        ReportLock copied = Assert.Single(TraceReport.Build(view, []).Locks);
        Assert.Equal(11, copied.Contentions);
        Assert.Equal(2, copied.P99WaitMs, 3);
        Assert.Equal(1, copied.StillWaiting);
        ReportLock now = Assert.Single(TraceReport.Build(analyzer.Model, []).Locks);
        Assert.Equal(8, now.P99WaitMs, 3);
    }

    private static string Json(TraceReport report)
    {
        var stream = new MemoryStream();
        JsonReportWriter.Write(report, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

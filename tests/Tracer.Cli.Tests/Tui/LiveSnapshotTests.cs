using System.Text;
using Tracer.Cli.Tui;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tests.Tui;

/// <summary>
/// Snapshots taken while the decoder writes the model, as the live UI takes them: the lock covers the copy only and the
/// report is built from the copy afterwards, so nothing the report reads may be shared with the model still growing.
/// </summary>
public sealed class LiveSnapshotTests
{
    [Fact]
    public async Task Snapshots_taken_during_decoding_are_consistent_and_the_last_equals_the_replayed_report()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "lock-convoy.nettrace");
        var analyzer = new TraceAnalyzer();
        var source = new SnapshotSource(analyzer, path);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int taken = 0;
        await using (FileStream file = File.OpenRead(path))
        using (var decoder = new EventPipeDecoder(file, analyzer))
        {
            Task decoding = Task.Run(decoder.Process, timeout.Token);
            while (!decoding.IsCompleted && !timeout.IsCancellationRequested)
            {
                TuiSnapshot snapshot = source.Take(withEvents: taken % 2 == 0); // throws if the report read a collection being written
                Assert.All(snapshot.Report.Locks, l => Assert.True(l.Contentions > 0));
                taken++;
            }

            await decoding;
        }

        TuiSnapshot last = source.Take(withEvents: false);
        TraceAnalyzer replayed = Decode(path); // the same path, with no snapshots taken
        Assert.True(taken > 0);
        Assert.Equal(Json(TraceReport.Build(replayed.Model, replayed.Findings.Snapshot(), path)), Json(last.Report));
    }

    private static TraceAnalyzer Decode(string path)
    {
        var analyzer = new TraceAnalyzer();
        using FileStream file = File.OpenRead(path);
        using var decoder = new EventPipeDecoder(file, analyzer);
        decoder.Process();
        return analyzer;
    }

    private static string Json(TraceReport report)
    {
        var stream = new MemoryStream();
        JsonReportWriter.Write(report, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

using System.Text;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;
using Tracer.Engine.Events;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Tests.Decoding;

/// <summary>
/// Decodes one trace twice, through our nettrace reader and through TraceEvent, and describes everything the tracer
/// takes from it (every record with its stack's frames, counts, notes, the JSON report) so the two can be compared.
/// </summary>
internal static class DecoderEquivalence
{
    public sealed record Outcome(IReadOnlyList<string> Records, long TotalEvents, long LostEvents, string Summary, string Json);

    public static Outcome Decode(string path, bool traceEvent)
    {
        var recorder = new RecordingDetector();
        var analyzer = new TraceAnalyzer(detectors: [recorder, .. DetectorCatalog.Create(new AnalysisOptions())]);
        using (FileStream file = File.OpenRead(path))
        using (var decoder = new EventPipeDecoder(file, analyzer, threadNameLookup: null, forceTraceEvent: traceEvent))
        {
            decoder.Process();
        }

        var model = analyzer.Model;
        var records = recorder.Records.Select(r => r with { StackId = 0 } + " stack " + string.Join(",", model.Stacks.Get(r.StackId).ToArray().Select(a => a.ToString("x")))).ToList();
        string summary = $"events {model.TotalEvents} lost {model.LostEvents} start {model.StartMs:R} end {model.EndMs:R} threads {model.Threads.Count} notes [{string.Join(" | ", model.Notes)}]";
        var json = new MemoryStream();
        JsonReportWriter.Write(TraceReport.Build(model, analyzer.Findings.Snapshot(), path), json);
        return new Outcome(records, model.TotalEvents, model.LostEvents, summary, Encoding.UTF8.GetString(json.ToArray()));
    }

    /// <summary>Asserts both readers give the same records in the same order, with a readable first difference.</summary>
    public static void AssertSame(string path, int minRecords = 10, bool withStacks = true)
    {
        Outcome ours = Decode(path, traceEvent: false);
        Outcome reference = Decode(path, traceEvent: true);
        Assert.True(reference.Records.Count >= minRecords, $"the reference decoded next to nothing: {reference.Summary} / ours {ours.Summary}");
        if (withStacks)
        {
            Assert.Contains(reference.Records, r => !r.EndsWith(" stack ", StringComparison.Ordinal)); // stacks are compared too
        }
        for (int i = 0; i < Math.Min(ours.Records.Count, reference.Records.Count); i++)
        {
            Assert.True(ours.Records[i] == reference.Records[i], $"record {i} differs:\n ours      {ours.Records[i]}\n TraceEvent {reference.Records[i]}");
        }

        Assert.Equal(reference.Records.Count, ours.Records.Count);
        Assert.Equal(reference.Summary, ours.Summary);
        Assert.Equal(reference.Json, ours.Json);
    }

    private sealed class RecordingDetector : IDetector
    {
        public List<TraceRecord> Records { get; } = [];

        public void OnEvent(in TraceRecord e, IFindingSink sink) => Records.Add(e);

        public void Complete(double endMs, IFindingSink sink)
        {
        }
    }
}

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
    public sealed record Outcome(IReadOnlyList<string> Records, long TotalEvents, long LostEvents, string Summary, string Json)
    {
        /// <summary>Each record's text with its time and thread, for the comparisons.</summary>
        public IReadOnlyList<(string Text, double Time, int Thread)> Parsed { get; init; } = [];
    }

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
        var parsed = recorder.Records.Select(r => (r with { StackId = 0 } + " stack " + string.Join(",", model.Stacks.Get(r.StackId).ToArray().Select(a => a.ToString("x"))), r.TimeMs, r.ThreadId)).ToList();
        string summary = $"events {model.TotalEvents} lost {model.LostEvents} start {model.StartMs:R} end {model.EndMs:R} threads {model.Threads.Count} notes [{string.Join(" | ", model.Notes)}]";
        var json = new MemoryStream();
        JsonReportWriter.Write(TraceReport.Build(model, analyzer.Findings.Snapshot(), path), json);
        return new Outcome([.. parsed.Select(p => p.Item1)], model.TotalEvents, model.LostEvents, summary, Encoding.UTF8.GetString(json.ToArray())) { Parsed = parsed };
    }

    /// <summary>
    /// Asserts both readers give the same records, with a readable first difference: each thread's records in the same
    /// order, and all records in the same time order. Only records of different threads with the same timestamp may
    /// come in another order (our reader folds a lock's internal waits before they are queued, which can change how
    /// TraceEvent's merge breaks such ties; detectors never depend on the order between threads). Same report.
    /// </summary>
    public static void AssertSame(string path, int minRecords = 10, bool withStacks = true)
    {
        Outcome ours = Decode(path, traceEvent: false);
        Outcome reference = Decode(path, traceEvent: true);
        Assert.True(reference.Records.Count >= minRecords, $"the reference decoded next to nothing: {reference.Summary}");
        if (withStacks)
        {
            Assert.Contains(reference.Records, r => !r.EndsWith(" stack ", StringComparison.Ordinal)); // stacks are compared too
        }

        AssertSameSequence("in time order", InTimeOrder(ours), InTimeOrder(reference));
        foreach (IGrouping<int, (string Text, double Time, int Thread)> thread in reference.Parsed.GroupBy(r => r.Thread))
        {
            AssertSameSequence($"of thread {thread.Key}", [.. ours.Parsed.Where(r => r.Thread == thread.Key).Select(r => r.Text)], [.. thread.Select(r => r.Text)]);
        }

        Assert.Equal(reference.Summary, ours.Summary);
        Assert.Equal(reference.Json, ours.Json);
    }

    private static List<string> InTimeOrder(Outcome outcome) => [.. outcome.Parsed.OrderBy(r => r.Time).ThenBy(r => r.Thread).Select(r => r.Text)];

    private static void AssertSameSequence(string what, IReadOnlyList<string> ours, IReadOnlyList<string> reference)
    {
        for (int i = 0; i < Math.Min(ours.Count, reference.Count); i++)
        {
            Assert.True(ours[i] == reference[i], $"record {i} {what} differs:\n ours       {ours[i]}\n TraceEvent {reference[i]}");
        }

        Assert.True(ours.Count == reference.Count, $"{ours.Count} records {what}, TraceEvent {reference.Count}");
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

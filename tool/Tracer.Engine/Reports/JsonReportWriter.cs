using System.Text.Encodings.Web;
using System.Text.Json;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Reports;

/// <summary>The report for machines. Schema: docs/report-schema.md (schemaVersion 1). Ids of locks and objects are hex strings.</summary>
public static class JsonReportWriter
{
    public static void Write(TraceReport report, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default });
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", TraceReport.SchemaVersion);
        w.WriteStartObject("tool");
        w.WriteString("name", "dotnet-tracer");
        w.WriteString("version", typeof(JsonReportWriter).Assembly.GetName().Version?.ToString(3));
        w.WriteEndObject();

        w.WriteStartObject("trace");
        w.WriteString("file", report.TraceFile);
        w.WriteNumber("durationMs", Math.Round(report.DurationMs, 3));
        w.WriteNumber("events", report.Events);
        w.WriteNumber("lostEvents", report.LostEvents);
        w.WriteNumber("bytes", report.Bytes);
        w.WriteBoolean("truncated", report.Truncated);
        w.WriteStartArray("notes");
        foreach (string note in report.Notes)
        {
            w.WriteStringValue(note);
        }

        w.WriteEndArray();
        w.WriteEndObject();

        ReportProcess? main = report.Processes.FirstOrDefault();
        w.WritePropertyName("process");
        if (main is null)
        {
            w.WriteNullValue();
        }
        else
        {
            WriteProcess(w, main);
        }

        w.WriteStartArray("processes");
        foreach (ReportProcess p in report.Processes)
        {
            WriteProcess(w, p);
        }

        w.WriteEndArray();

        w.WriteStartArray("threads");
        foreach (ReportThread t in report.Threads)
        {
            w.WriteStartObject();
            w.WriteNumber("id", t.ThreadId);
            w.WriteNumber("pid", t.ProcessId);
            w.WriteString("name", t.Name);
            w.WriteNumber("firstSeenMs", Math.Round(t.FirstSeenMs, 3));
            w.WriteNumber("lastSeenMs", Math.Round(t.LastSeenMs, 3));
            if (t.ExitedMs is double exited)
            {
                w.WriteNumber("exitedMs", Math.Round(exited, 3));
            }

            w.WriteBoolean("poolWorker", t.PoolWorker);
            w.WriteNumber("lockWaitMs", Math.Round(t.LockWaitMs, 3));
            w.WriteNumber("handleWaitMs", Math.Round(t.HandleWaitMs, 3));
            JsonSnapshotStacks.WriteThread(w, t);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("locks");
        foreach (ReportLock l in report.Locks)
        {
            w.WriteStartObject();
            w.WriteString("id", Hex(l.LockId));
            w.WriteNumber("pid", l.ProcessId);
            w.WriteString("objectId", Hex(l.ObjectId));
            w.WriteString("name", l.Name);
            w.WriteNumber("contentions", l.Contentions);
            w.WriteNumber("totalWaitMs", Math.Round(l.TotalWaitMs, 3));
            w.WriteNumber("maxWaitMs", Math.Round(l.MaxWaitMs, 3));
            w.WriteNumber("p50WaitMs", Math.Round(l.P50WaitMs, 3));
            w.WriteNumber("p99WaitMs", Math.Round(l.P99WaitMs, 3));
            w.WriteNumber("stillWaiting", l.StillWaiting);
            WriteInts(w, "owners", l.Owners);
            WriteInts(w, "waiters", l.Waiters);
            w.WriteStartArray("topStacks");
            foreach (ReportStack s in l.TopStacks)
            {
                w.WriteStartObject();
                w.WriteNumber("count", s.Count);
                JsonFrames.Write(w, "frames", "lines", s.Frames);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("findings");
        foreach (ReportFinding f in report.Findings)
        {
            WriteFinding(w, f);
        }

        w.WriteEndArray();
        JsonSnapshotStacks.WriteGroups(w, report.StackGroups);
        if (report.ThreadPool is { } pool)
        {
            WriteThreadPool(w, pool);
        }

        w.WriteEndObject();
    }

    private static void WriteThreadPool(Utf8JsonWriter w, ReportThreadPool pool)
    {
        w.WriteStartObject("threadPool");
        w.WriteNumber("maxWorkerThreads", pool.MaxWorkerThreads);
        w.WriteNumber("adjustments", pool.Adjustments);
        w.WriteNumber("injectionsForStarvation", pool.InjectionsForStarvation);
        w.WriteNumber("injectionsForBlocking", pool.InjectionsForBlocking);
        w.WriteStartArray("starvationPeriods");
        foreach (ReportStarvationPeriod p in pool.StarvationPeriods)
        {
            w.WriteStartObject();
            w.WriteNumber("startMs", Math.Round(p.StartMs, 3));
            w.WriteNumber("durationMs", Math.Round(p.DurationMs, 3));
            w.WriteNumber("threadsInjected", p.ThreadsInjected);
            w.WriteNumber("peakQueueLength", p.PeakQueueLength);
            w.WriteNumber("blockedPoolThreads", p.BlockedPoolThreads);
            w.WriteBoolean("recovered", p.Recovered);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("counters");
        foreach ((string name, ReportCounter c) in pool.Counters)
        {
            w.WriteStartObject(name);
            w.WriteNumber("max", double.IsFinite(c.Max) ? c.Max : 0);
            w.WriteNumber("last", double.IsFinite(c.Last) ? c.Last : 0);
            w.WriteStartArray("samples");
            foreach (var s in c.Samples)
            {
                w.WriteStartArray();
                w.WriteNumberValue(Math.Round(s.TimeMs, 3));
                w.WriteNumberValue(double.IsFinite(s.Value) ? s.Value : 0);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter w, ReportFinding f)
    {
        w.WriteStartObject();
        w.WriteString("kind", f.Kind);
        w.WriteNumber("pid", f.ProcessId);
        w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
        w.WriteString("summary", f.Summary);
        w.WriteNumber("timeMs", Math.Round(f.TimeMs, 3));
        w.WriteStartArray("threads");
        foreach (ReportFindingThread t in f.Threads)
        {
            w.WriteStartObject();
            w.WriteNumber("id", t.ThreadId);
            w.WriteString("name", t.DisplayName);
            w.WriteString("role", t.Role);
            if (t.WaitsForLock is ulong lockId)
            {
                w.WriteString("waitsForLock", Hex(lockId));
            }

            if (t.HeldBy is int holder)
            {
                w.WriteNumber("heldBy", holder);
            }

            w.WriteNumber("sinceMs", Math.Round(t.SinceMs, 3));
            if (t.Primitive is not null)
            {
                w.WriteString("primitive", t.Primitive);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("locks");
        foreach (var l in f.Locks)
        {
            w.WriteStartObject();
            w.WriteString("id", Hex(l.LockId));
            w.WriteString("objectId", Hex(l.ObjectId));
            w.WriteString("name", l.Name);
            if (l.OwnerThreadId is int owner)
            {
                w.WriteNumber("owner", owner);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("stacks");
        foreach (ReportFindingThread t in f.Threads)
        {
            WriteStrings(w, t.ThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Frames.Select(frame => SourceLine.Split(frame).Method));
        }

        w.WriteEndObject();
        if (f.Threads.Any(t => JsonFrames.HasLines(t.Frames)))
        {
            w.WriteStartObject("stackLines");
            foreach (ReportFindingThread t in f.Threads)
            {
                JsonFrames.WriteLines(w, t.ThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Frames);
            }

            w.WriteEndObject();
        }

        WriteStrings(w, "details", f.Details);
        w.WriteStartObject("metrics");
        foreach ((string key, double value) in f.Metrics)
        {
            w.WriteNumber(key, double.IsFinite(value) ? Math.Round(value, 3) : 0);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteProcess(Utf8JsonWriter w, ReportProcess p)
    {
        w.WriteStartObject();
        w.WriteNumber("pid", p.ProcessId);
        w.WriteString("name", p.Name);
        w.WriteString("commandLine", p.CommandLine);
        if (p.ParentProcessId is int parent)
        {
            w.WriteNumber("parentPid", parent);
        }

        if (p.ExitCode is int code)
        {
            w.WriteNumber("exitCode", code);
        }

        WriteStrings(w, "namedObjects", p.NamedObjects);

        w.WriteEndObject();
    }

    private static void WriteInts(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (int v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static string Hex(ulong value) => $"0x{value:x}";
}

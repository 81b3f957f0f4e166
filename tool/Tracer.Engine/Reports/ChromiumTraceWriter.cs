using System.Text.Encodings.Web;
using System.Text.Json;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;

namespace Tracer.Engine.Reports;

/// <summary>
/// Writes Chrome trace event format (JSON object form), which Perfetto UI and chrome://tracing load: one track per
/// thread (thread_name metadata), its timeline intervals as complete ("X") slices — lock waits named by the lock —
/// and findings as instant ("i") events on the threads involved. Times are microseconds since the trace started.
/// </summary>
public static class ChromiumTraceWriter
{
    public static void Write(TraceModel model, TraceReport report, Stream output)
    {
        var builder = new ReportBuilder(ModelView.Of(model));
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.Default });
        w.WriteStartObject();
        w.WriteString("displayTimeUnit", "ms");
        w.WriteStartArray("traceEvents");
        foreach (ReportProcess p in report.Processes)
        {
            Metadata(w, "process_name", p.ProcessId, 0, $"{p.Name} (pid {p.ProcessId})");
        }

        foreach (ThreadInfo thread in model.Threads.Values.OrderBy(t => t.ThreadId))
        {
            Metadata(w, "thread_name", thread.ProcessId, thread.ThreadId, TextSanitizer.Clean(thread.DisplayName));
            WriteTimeline(w, model, builder, thread);
        }

        foreach (ReportFinding f in report.Findings)
        {
            int[] threads = [.. f.Threads.Select(t => t.ThreadId).Distinct()];
            foreach (int tid in threads.Length == 0 ? [0] : threads)
            {
                int pid = model.Threads.TryGetValue(tid, out ThreadInfo? t) ? t.ProcessId : report.Processes.FirstOrDefault()?.ProcessId ?? 0;
                w.WriteStartObject();
                w.WriteString("name", $"{f.Kind}: {f.Summary}");
                w.WriteString("cat", "finding");
                w.WriteString("ph", "i");
                w.WriteString("s", threads.Length == 0 ? "g" : "t");
                w.WriteNumber("ts", Micros(f.TimeMs, model));
                w.WriteNumber("pid", pid);
                w.WriteNumber("tid", tid);
                w.WriteStartObject("args");
                w.WriteString("kind", f.Kind);
                w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
                w.WriteString("summary", f.Summary);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTimeline(Utf8JsonWriter w, TraceModel model, ReportBuilder builder, ThreadInfo thread)
    {
        ReadOnlySpan<StatePoint> points = thread.Timeline.Points;
        double threadEnd = thread.ExitedMs ?? model.EndMs;
        for (int i = 0; i < points.Length; i++)
        {
            StatePoint p = points[i];
            double end = i + 1 < points.Length ? points[i + 1].TimeMs : Math.Max(threadEnd, p.TimeMs);
            if (p.State == ThreadState.Exited || end < p.TimeMs)
            {
                continue;
            }

            (string name, string category) = p.State switch
            {
                ThreadState.WaitingOnLock => (model.Locks.TryGetValue(p.Subject, out LockInfo? l) ? builder.LockName(l) : $"lock 0x{p.Subject:x}", "lock-wait"),
                ThreadState.WaitingOnHandle => (p.Subject == 0 ? "wait" : $"wait on 0x{p.Subject:x}", "handle-wait"),
                ThreadState.PoolIdle => ("pool idle", "pool-idle"),
                _ => ("running", "running"),
            };
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("cat", category);
            w.WriteString("ph", "X");
            w.WriteNumber("ts", Micros(p.TimeMs, model));
            w.WriteNumber("dur", Math.Round((end - p.TimeMs) * 1000, 3));
            w.WriteNumber("pid", thread.ProcessId);
            w.WriteNumber("tid", thread.ThreadId);
            w.WriteEndObject();
        }
    }

    private static void Metadata(Utf8JsonWriter w, string kind, int pid, int tid, string name)
    {
        w.WriteStartObject();
        w.WriteString("name", kind);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        w.WriteString("name", name);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static double Micros(double timeMs, TraceModel model) =>
        Math.Round((timeMs - (double.IsNaN(model.StartMs) ? 0 : model.StartMs)) * 1000, 3);
}

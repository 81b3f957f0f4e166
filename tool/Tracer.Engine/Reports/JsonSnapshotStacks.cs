using System.Text.Json;

namespace Tracer.Engine.Reports;

/// <summary>The JSON of snapshot stacks: <c>threads[].state</c> and <c>.stack</c>, and <c>stackGroups[]</c> (docs/report-schema.md).</summary>
internal static class JsonSnapshotStacks
{
    public static void WriteThread(Utf8JsonWriter w, ReportThread t)
    {
        if (t.State is null)
        {
            return;
        }

        w.WriteString("state", t.State);
        JsonFrames.Write(w, "stack", "stackLines", t.Stack);
    }

    /// <summary>Written only when a snapshot was taken.</summary>
    public static void WriteGroups(Utf8JsonWriter w, IReadOnlyList<ReportStackGroup> groups)
    {
        if (groups.Count == 0)
        {
            return;
        }

        w.WriteStartArray("stackGroups");
        foreach (ReportStackGroup g in groups)
        {
            w.WriteStartObject();
            w.WriteNumber("count", g.ThreadIds.Count);
            w.WriteNumber("pid", g.ProcessId);
            w.WriteStartArray("threads");
            foreach (int id in g.ThreadIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteString("state", g.State);
            JsonFrames.Write(w, "frames", "lines", g.Frames);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

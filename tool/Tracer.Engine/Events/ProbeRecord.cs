namespace Tracer.Engine.Events;

/// <summary>Builds and reads <see cref="TraceEventKind.Probe"/> records (kept apart from TraceRecord's own factories).</summary>
public static class ProbeRecord
{
    public static TraceRecord Create(ProbeOperation operation, double timeMs, int threadId, ulong objectId, string? name = null, int stackId = -1, int processId = 0) =>
        new()
        {
            Kind = TraceEventKind.Probe,
            Reason = (byte)operation,
            TimeMs = timeMs,
            ThreadId = threadId,
            ObjectId = objectId,
            Text = name,
            StackId = stackId,
            ProcessId = processId,
        };

    /// <summary>The probe operation of a record (None when it is not a probe record).</summary>
    public static ProbeOperation Operation(in TraceRecord record) =>
        record.Kind == TraceEventKind.Probe ? (ProbeOperation)record.Reason : ProbeOperation.None;
}

using System.Diagnostics.Tracing;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>
/// Records Tracer-Probes events in-process (an EventListener, no EventPipe) as probe records. Listeners run on the
/// emitting thread, so a sequence number taken under a lock is a real-time order: it serves as the timestamp.
/// </summary>
internal sealed class ProbeRecorder : EventListener
{
    private readonly Lock _gate = new();
    private readonly List<TraceRecord> _records = [];
    private bool _recording;

    public IReadOnlyList<TraceRecord> Take()
    {
        lock (_gate)
        {
            List<TraceRecord> taken = [.. _records];
            _records.Clear();
            return taken;
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            _recording = true;
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Tracer-Probes")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventSource.Name != "Tracer-Probes" || e.Payload is not [long id, string name])
        {
            return;
        }

        lock (_gate)
        {
            if (_recording)
            {
                _records.Add(ProbeRecord.Create((ProbeOperation)e.EventId, _records.Count + 1, Environment.CurrentManagedThreadId, (ulong)id, name));
            }
        }
    }
}

using Microsoft.Diagnostics.Tracing;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Reads through TraceEvent's EventPipeEventSource: the fallback for what <see cref="Nettrace.NettraceReader"/> does not
/// read (format V6, the old .netperf), and the reference the reader is tested against. Slower: TraceEvent builds an
/// event record per event and the stacks are read from it by reflection (<see cref="EventRecordAccess"/>).
/// </summary>
internal sealed class TraceEventReader(Stream stream) : IEventReader, IDisposable
{
    private readonly EventPipeEventSource _source = new(stream);
    private readonly Dictionary<Guid, TraceProvider> _providers = new();

    public int EventsLost => _source.EventsLost;

    public bool CanDispatchPending => false;

    public void Process(IRawEventSink sink)
    {
        _source.AllEvents += data => sink.OnEvent(ToRaw(data));
        _source.Process();
    }

    public void DispatchPending(bool salvage)
    {
        // TraceEvent dispatches at sorted events, sequence points and the end only.
    }

    public void StopProcessing() => _source.StopProcessing();

    public void Dispose() => _source.Dispose();

    private unsafe RawEvent ToRaw(TraceEvent data)
    {
        Guid guid = data.ProviderGuid;
        if (!_providers.TryGetValue(guid, out TraceProvider provider))
        {
            provider = ProviderKinds.FromGuid(guid);
            _providers[guid] = provider;
        }

        return new RawEvent
        {
            Provider = provider,
            EventId = (int)data.ID,
            Version = data.Version,
            ThreadId = data.ThreadID,
            ProcessId = data.ProcessID,
            TimeMs = data.TimeStampRelativeMSec,
            Payload = data.EventDataLength <= 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>((void*)data.DataStart, data.EventDataLength),
            StackOwner = data,
        };
    }
}

using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Tracing.Session;
using Tracer.Engine.Events;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Decodes Tracer-Probes events. Every probe event's payload is (long id, UTF-16 NUL-terminated name), so it is read
/// by offset, like the runtime events, instead of through TraceEvent's dynamic parser. Names repeat on every event;
/// they are interned per object id so a hot probe does not allocate a string per event.
/// </summary>
internal sealed class ProbeEventDecoder
{
    /// <summary>The EventSource GUID derived from the name "Tracer-Probes".</summary>
    public static readonly Guid ProviderGuid = TraceEventProviders.GetEventSourceGuidFromName(RuntimeProviders.Probes);

    /// <summary>The GUID of "Tracer-Races", the in-process detector's EventSource (same payload layout).</summary>
    public static readonly Guid RacesGuid = TraceEventProviders.GetEventSourceGuidFromName(RuntimeProviders.Races);

    private readonly Dictionary<(int Process, ulong Id), string> _names = new();

    /// <summary>Decodes a Tracer-Races event: id 1 a race, id 2 a lock-order cycle; the text is the report.</summary>
    public bool TryDecodeRaces(in RawEvent data, out TraceRecord record)
    {
        ProbeOperation op = data.EventId switch { 1 => ProbeOperation.RaceReport, 2 => ProbeOperation.LockOrderReport, _ => ProbeOperation.None };
        ReadOnlySpan<byte> payload = data.Payload;
        if (op == ProbeOperation.None || payload.Length < 8)
        {
            record = default;
            return false;
        }

        ulong id = new PayloadReader(payload).U64();
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(payload[8..]);
        int end = chars.IndexOf('\0');
        record = ProbeRecord.Create(op, data.TimeMs, data.ThreadId, id, new string(end >= 0 ? chars[..end] : chars), -1, data.ProcessId);
        return true;
    }

    /// <summary>Decodes one probe event (without its stack); false for ids that are not probes (e.g. manifests).</summary>
    public bool TryDecode(in RawEvent data, out TraceRecord record)
    {
        int id = data.EventId;
        ReadOnlySpan<byte> payload = data.Payload;
        if (id < (int)ProbeOperation.LockAcquired || id > (int)ProbeOperation.RegionEnd || payload.Length < 8)
        {
            record = default;
            return false;
        }

        var reader = new PayloadReader(payload);
        ulong objectId = reader.U64();
        string? name = Name(data.ProcessId, objectId, payload[8..]);
        record = ProbeRecord.Create((ProbeOperation)id, data.TimeMs, data.ThreadId, objectId, name, -1, data.ProcessId);
        return true;
    }

    private string? Name(int processId, ulong objectId, ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(bytes);
        int end = chars.IndexOf('\0');
        if (end >= 0)
        {
            chars = chars[..end];
        }

        if (chars.IsEmpty)
        {
            return null;
        }

        if (_names.TryGetValue((processId, objectId), out string? known) && chars.SequenceEqual(known))
        {
            return known;
        }

        string name = new(chars);
        _names[(processId, objectId)] = name;
        return name;
    }
}

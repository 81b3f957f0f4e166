using System.Buffers;
using System.Text;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// Streams a .nettrace in format V5 (FastSerialization objects: Trace, MetadataBlock, StackBlock, EventBlock, SPBlock)
/// without TraceEvent: no object per event, payloads handed over as spans of the block they sit in. Events come out in
/// the order, and with the times, thread and process ids, that TraceEvent's EventPipeEventSource gives them.
/// The input is untrusted: every size is checked against the data before use, and anything malformed throws
/// <see cref="FormatException"/> or <see cref="EndOfStreamException"/> (the caller keeps what was dispatched).
/// </summary>
internal sealed class NettraceReader : IEventReader
{
    private const int TraceObjectBytes = 48;
    private const byte NullReference = 1;
    private const byte BeginPrivateObject = 5;
    private const byte EndObject = 6;
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("Nettrace");
    private static readonly byte[] s_serialization = Encoding.ASCII.GetBytes("!FastSerialization.1");

    private readonly NettraceInput _input;
    private readonly EventMetadataTable _metadata = new();
    private readonly EventQueues _queues;
    private readonly LockWaitFolding? _folding;
    private NettraceStacks _stacks = new(8);
    private IRawEventSink? _sink;
    private long _syncQpc;
    private long _qpcFrequency;
    private int _processId;
    private bool _salvaging;

    /// <param name="folding">Applied to each event as it is parsed; folded events are counted there, never queued.</param>
    public NettraceReader(Stream stream, LockWaitFolding? folding = null)
    {
        _input = new NettraceInput(stream);
        _folding = folding;
        _queues = new EventQueues(Dispatch, folding is null ? null : Fold);
    }

    /// <summary>Whether a stream starting with <paramref name="head"/> (12 bytes or more) is V5 FastSerialization, which
    /// this reader reads (V6 and the old .netperf are not).</summary>
    public static bool IsV5(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && head[..8].SequenceEqual(s_magic) && BitConverter.ToInt32(head[8..12]) == s_serialization.Length;

    /// <summary>Events EventPipe dropped (gaps in per-thread sequence numbers), as TraceEvent's EventsLost.</summary>
    public int EventsLost => _queues.EventsLost;

    public bool CanDispatchPending => true;

    /// <summary>The trace's process id (from the Trace object).</summary>
    public int ProcessId => _processId;

    /// <summary>Reads to the end-of-stream marker, dispatching events to <paramref name="sink"/>.</summary>
    public void Process(IRawEventSink sink)
    {
        _sink = sink;
        ReadTraceObject();
        while (true)
        {
            int tag = _input.ReadByteOrEnd();
            if (tag == NullReference)
            {
                Flush();
                return;
            }

            if (tag < 0)
            {
                throw new EndOfStreamException($"the stream ends at byte {_input.Position:N0} without its end marker");
            }

            ReadBlock(tag);
        }
    }

    /// <summary>
    /// Dispatches every event read so far (merged by time) instead of waiting for the next sorted event or sequence point:
    /// live, when all bytes received are read; after an error, to keep what was read. Call between blocks (e.g. from the
    /// stream's Read), never from inside <see cref="IRawEventSink.OnEvent"/>.
    /// </summary>
    public void DispatchPending(bool salvage)
    {
        if (_sink is null)
        {
            return;
        }

        _salvaging |= salvage;
        Flush();
    }

    /// <summary>
    /// Nothing to do: a forced stop closes the stream, and the reader then reads what had already arrived (the pump's
    /// bounded queue) and reports the cut. Stopping at a block boundary instead would drop events that were received,
    /// and a session stopped early could even look like one that sent no events at all.
    /// </summary>
    public void StopProcessing()
    {
    }

    private void ReadTraceObject()
    {
        Span<byte> head = stackalloc byte[8 + 4 + 20];
        _input.ReadExactly(head);
        if (!IsV5(head) || !head[12..].SequenceEqual(s_serialization))
        {
            throw new FormatException("not a V5 .nettrace (no FastSerialization header)");
        }

        (string type, int version) = ReadObjectType(BeginPrivateObject);
        if (type != "Trace" || version != 4)
        {
            throw new FormatException($"the first object is {type} version {version}, not a nettrace Trace object");
        }

        Span<byte> fields = stackalloc byte[TraceObjectBytes];
        _input.ReadExactly(fields);
        var cursor = new SpanCursor(fields);
        cursor.Skip(16); // sync time as a SYSTEMTIME (not used)
        _syncQpc = cursor.I64();
        _qpcFrequency = cursor.I64();
        int pointerSize = cursor.I32();
        _processId = cursor.I32();
        if (_qpcFrequency <= 0 || pointerSize is not (4 or 8))
        {
            throw new FormatException($"the trace header is corrupt (clock frequency {_qpcFrequency}, pointer size {pointerSize})");
        }

        _stacks = new NettraceStacks(pointerSize);
        ExpectTag(EndObject);
    }

    private void ReadBlock(int firstTag)
    {
        if (firstTag != BeginPrivateObject)
        {
            throw new FormatException($"the block framing is broken at byte {_input.Position - 1:N0}");
        }

        long start = _input.Position - 1;
        (string type, int version) = ReadObjectType(BeginPrivateObject, tagRead: true);
        if (version > 2)
        {
            throw new FormatException($"the {type} at byte {start:N0} has version {version}, newer than this reader knows");
        }

        int size = _input.ReadInt32();
        int padding = (int)((4 - (_input.Position & 3)) & 3);
        Span<byte> pad = stackalloc byte[3];
        _input.ReadExactly(pad[..padding]);
        if (size < 0 || size > NettraceFraming.MaxBlockBytes)
        {
            throw new FormatException($"the block at byte {start:N0} declares {size:N0} bytes, more than a trace block holds");
        }

        byte[] body = _input.ReadPooled(size);
        bool handedOver = false;
        _sink!.BeginBatch();
        try
        {
            switch (type)
            {
                case "EventBlock":
                    handedOver = true;
                    _queues.ReadBlock(body, size);
                    break;
                case "MetadataBlock":
                    _metadata.ReadBlock(body.AsSpan(0, size));
                    break;
                case "StackBlock":
                    _stacks.ReadBlock(body.AsSpan(0, size));
                    break;
                case "SPBlock":
                    _queues.ReadSequencePoint(body.AsSpan(0, size));
                    _stacks.Clear();
                    break;
                default:
                    throw new FormatException($"unknown object '{type}' at byte {start:N0}");
            }
        }
        finally
        {
            _sink.EndBatch();
            if (!handedOver)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }

        ExpectTag(EndObject);
    }

    private void Flush()
    {
        if (!_queues.HasWaiting)
        {
            return; // live, the stream is often starved with nothing queued: do not even take the sink's lock
        }

        _sink!.BeginBatch();
        try
        {
            _queues.Flush();
        }
        finally
        {
            _sink.EndBatch();
        }
    }

    /// <summary>BeginPrivateObject, then the type object: BeginPrivateObject, NullReference, version, minimum reader
    /// version, name (length-prefixed ASCII), EndObject.</summary>
    private (string Type, int Version) ReadObjectType(byte begin, bool tagRead = false)
    {
        if (!tagRead)
        {
            ExpectTag(begin);
        }

        ExpectTag(BeginPrivateObject);
        ExpectTag(NullReference);
        int version = _input.ReadInt32();
        _input.ReadInt32(); // minimum reader version
        int length = _input.ReadInt32();
        if (length is < 1 or > 16)
        {
            throw new FormatException($"an object type name of {length} bytes at byte {_input.Position:N0}");
        }

        Span<byte> name = stackalloc byte[length];
        _input.ReadExactly(name);
        ExpectTag(EndObject);
        return (Encoding.ASCII.GetString(name), version);
    }

    private void ExpectTag(byte tag)
    {
        byte read = _input.ReadByte();
        if (read != tag)
        {
            throw new FormatException($"the block framing is broken at byte {_input.Position - 1:N0} (tag {read}, expected {tag})");
        }
    }

    private bool Fold(int metadataId, long threadId) =>
        _metadata.TryGet(metadataId, out EventMetadata metadata) && _folding!.Fold(metadata.Provider, metadata.EventId, unchecked((int)threadId));

    private void Dispatch(in EventMarker marker)
    {
        if (!_metadata.TryGet(marker.MetadataId, out EventMetadata metadata))
        {
            if (_salvaging)
            {
                return;
            }

            throw new FormatException($"an event refers to metadata id {marker.MetadataId}, which the trace never defined");
        }

        // As TraceEvent's TimeStampRelativeMSec: QPC ticks since the sync time (never before it), in ms.
        long ticks = Math.Max(marker.TimeStamp, _syncQpc) - _syncQpc;
        _sink!.OnEvent(new RawEvent
        {
            Provider = metadata.Provider,
            EventId = metadata.EventId,
            Version = metadata.Version,
            ThreadId = unchecked((int)marker.ThreadId),
            ProcessId = _processId,
            TimeMs = ticks * 1000.0 / _qpcFrequency,
            Payload = marker.Payload,
            StackOwner = _stacks,
            StackId = marker.StackId,
        });
    }
}

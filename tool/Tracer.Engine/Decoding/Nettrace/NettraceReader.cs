using System.Buffers;

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
    private readonly NettraceBlockWalker _walker;
    private readonly INettraceBlockObserver? _observer;
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
    /// <param name="observer">Given each raw block after it is read (the flight recorder keeps them).</param>
    public NettraceReader(Stream stream, LockWaitFolding? folding = null, INettraceBlockObserver? observer = null)
    {
        _walker = new NettraceBlockWalker(stream);
        _folding = folding;
        _observer = observer;
        _queues = new EventQueues(Dispatch, folding is null ? null : Fold);
    }

    /// <summary>Whether a stream starting with <paramref name="head"/> (12 bytes or more) is V5 FastSerialization, which
    /// this reader reads (V6 and the old .netperf are not).</summary>
    public static bool IsV5(ReadOnlySpan<byte> head) => NettraceBlockWalker.IsV5(head);

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
        while (_walker.NextBlock() is NettraceBlockFrame frame)
        {
            ReadBlock(frame);
        }

        Flush();
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
        NettraceTraceHeader header = _walker.ReadHeader();
        _syncQpc = header.SyncQpc;
        _qpcFrequency = header.QpcFrequency;
        _processId = header.ProcessId;
        if (_qpcFrequency <= 0 || header.PointerSize is not (4 or 8))
        {
            throw new FormatException($"the trace header is corrupt (clock frequency {_qpcFrequency}, pointer size {header.PointerSize})");
        }

        _stacks = new NettraceStacks(header.PointerSize);
        _observer?.OnHeader(header);
    }

    private void ReadBlock(in NettraceBlockFrame frame)
    {
        if (frame.Version > 2)
        {
            throw new FormatException($"the {frame.Type} at byte {frame.Start:N0} has version {frame.Version}, newer than this reader knows");
        }

        int size = frame.Size;
        byte[] body = _walker.ReadPayload(frame);
        NettraceBlock? raw = _observer is null ? null : NettraceBlock.From(frame, body.AsSpan(0, size)); // copied before the queues own it
        bool handedOver = false;
        _sink!.BeginBatch();
        try
        {
            switch (frame.Kind)
            {
                case NettraceBlockKind.Event:
                    handedOver = true;
                    _queues.ReadBlock(body, size);
                    break;
                case NettraceBlockKind.Metadata:
                    _metadata.ReadBlock(body.AsSpan(0, size));
                    break;
                case NettraceBlockKind.Stack:
                    _stacks.ReadBlock(body.AsSpan(0, size));
                    break;
                case NettraceBlockKind.SequencePoint:
                    _queues.ReadSequencePoint(body.AsSpan(0, size));
                    _stacks.Clear();
                    break;
                default:
                    throw new FormatException($"unknown object '{frame.Type}' at byte {frame.Start:N0}");
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

        _walker.EndBlock(frame);
        if (raw is not null)
        {
            _observer!.OnBlock(raw);
        }
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

using System.Buffers;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>An event parsed from an EventBlock and waiting for its turn: header fields and where its payload is.</summary>
internal readonly record struct EventMarker(long TimeStamp, long ThreadId, int MetadataId, int StackId, PooledBlock Block, int PayloadOffset, int PayloadSize)
{
    public ReadOnlySpan<byte> Payload => Block.Bytes.AsSpan(PayloadOffset, PayloadSize);
}

/// <summary>An EventBlock's bytes (a pooled array), returned to the pool once parsed and no event in it waits any more.</summary>
internal sealed class PooledBlock(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;
    public int Waiting;
    public bool Parsed;

    public void ReleaseIfDone()
    {
        if (Parsed && Waiting == 0)
        {
            ArrayPool<byte>.Shared.Return(Bytes);
        }
    }
}

internal delegate void MarkerHandler(in EventMarker marker);

/// <summary>Decides, as an event is parsed, that it is consumed there (counted by the caller) and never dispatched.</summary>
internal delegate bool ParseFilter(int metadataId, long threadId);

/// <summary>
/// Puts events in time order the way TraceEvent's EventCache does, so both readers dispatch the same sequence: each
/// capture thread's events wait in its queue; an event flagged "sorted" first releases every queued event older than
/// it (merged across threads by timestamp), then goes out itself; sequence points and the end of the stream release
/// everything. Per-thread sequence numbers count the events EventPipe dropped.
/// </summary>
internal sealed class EventQueues(MarkerHandler dispatch, ParseFilter? consume)
{
    private const int MaxThreads = 5000; // as TraceEvent: before V6 threads are never retired, so the stalest is evicted

    private readonly Dictionary<long, CaptureThread> _threads = new();
    private readonly HashSet<CaptureThread> _active = []; // enumeration order matters for ties: same pattern as TraceEvent
    private readonly TimestampHeap<CaptureThread> _heap = new();

    /// <summary>Whether any event waits for its turn.</summary>
    public bool HasWaiting => _active.Count > 0;

    /// <summary>Events EventPipe dropped, from gaps in per-thread sequence numbers (TraceEvent's EventsLost).</summary>
    public int EventsLost { get; private set; }

    /// <summary>Reads one EventBlock body and takes ownership of <paramref name="bytes"/> (a pooled array).</summary>
    public void ReadBlock(byte[] bytes, int length)
    {
        var block = new PooledBlock(bytes);
        var cursor = new SpanCursor(bytes.AsSpan(0, length));
        ushort headerSize = cursor.U16();
        if (headerSize < 20)
        {
            throw new FormatException($"an event block header of {headerSize} bytes (at least 20)");
        }

        bool compressed = (cursor.U16() & 1) != 0;
        cursor.Skip(headerSize - 4);

        SpanCursor peek = cursor;
        EventHeader header = default;
        header.Read(ref peek, compressed);
        CaptureThread thread = ThreadFor(header.CaptureThreadId, header.SequenceNumber - 1);
        header = default;
        while (cursor.Remaining > 0)
        {
            header.Read(ref cursor, compressed);
            long timeStamp = header.TimeStamp;
            thread.LastTimeStamp = timeStamp;
            if (header.IsSorted)
            {
                thread = ThreadFor(header.CaptureThreadId, header.SequenceNumber - 1); // only a sorted event switches threads
            }

            CountDropped(thread.SequenceNumber, header.SequenceNumber - 1);
            thread.SequenceNumber = header.SequenceNumber;
            int payloadOffset = cursor.Position;
            cursor.Skip(header.PayloadSize);
            bool consumed = consume is not null && consume(header.MetadataId, header.ThreadId);
            var marker = new EventMarker(timeStamp, header.ThreadId, header.MetadataId, header.StackId, block, payloadOffset, header.PayloadSize);
            if (header.IsSorted)
            {
                Release(timeStamp);
                if (!consumed)
                {
                    dispatch(marker);
                }
            }
            else if (consumed)
            {
                continue;
            }
            else
            {
                if (thread.Events.Count == 0)
                {
                    _active.Add(thread);
                }

                thread.Events.Enqueue(marker);
                block.Waiting++;
            }
        }

        // Not reached when the block is corrupt: then the array is simply left to the GC.
        block.Parsed = true;
        block.ReleaseIfDone();
    }

    /// <summary>A sequence point: everything queued goes out, then each listed thread's sequence number is checked.</summary>
    public void ReadSequencePoint(ReadOnlySpan<byte> body)
    {
        var cursor = new SpanCursor(body);
        cursor.I64(); // timestamp
        int threadCount = cursor.I32();
        Flush();
        foreach (CaptureThread thread in _threads.Values)
        {
            thread.Events.Reset();
        }

        for (int i = 0; i < threadCount; i++)
        {
            long threadId = cursor.I64();
            int sequenceNumber = cursor.I32();
            CaptureThread thread = ThreadFor(threadId, sequenceNumber);
            CountDropped(thread.SequenceNumber, sequenceNumber);
            thread.SequenceNumber = sequenceNumber;
        }
    }

    /// <summary>Dispatches every queued event (end of stream, sequence point, or live: all bytes received so far are read).</summary>
    public void Flush() => Release(long.MaxValue);

    private void Release(long before)
    {
        _heap.Clear();
        CaptureThread? only = null;
        foreach (CaptureThread thread in _active)
        {
            if (thread.Events.Count > 0 && thread.Events.FrontTimeStamp < before)
            {
                _heap.Add(thread.Events.FrontTimeStamp, thread);
                only = thread;
            }
        }

        if (_heap.Count == 1)
        {
            DrainOne(only!, before); // the common case: the same order as the heap, without its work
            return;
        }

        _heap.Build();
        while (_heap.Count > 0)
        {
            CaptureThread thread = _heap.PeekValue;
            DispatchFront(thread);
            if (thread.Events.Count == 0)
            {
                _heap.RemoveRoot();
                _active.Remove(thread); // its queue keeps its capacity until the next sequence point: no regrowth per batch
            }
            else if (thread.Events.FrontTimeStamp is long next && next < before)
            {
                _heap.ReplaceRoot(next, thread);
            }
            else
            {
                _heap.RemoveRoot();
            }
        }
    }

    private void DrainOne(CaptureThread thread, long before)
    {
        _heap.Clear();
        do
        {
            DispatchFront(thread);
        }
        while (thread.Events.Count > 0 && thread.Events.FrontTimeStamp < before);

        if (thread.Events.Count == 0)
        {
            _active.Remove(thread);
        }
    }

    private void DispatchFront(CaptureThread thread)
    {
        ref readonly EventMarker marker = ref thread.Events.Front;
        PooledBlock block = marker.Block;
        dispatch(marker);
        thread.Events.DropFront();
        block.Waiting--;
        block.ReleaseIfDone();
    }

    private CaptureThread ThreadFor(long captureThreadId, int sequenceNumber)
    {
        if (_threads.TryGetValue(captureThreadId, out CaptureThread? thread))
        {
            return thread;
        }

        if (_threads.Count >= MaxThreads)
        {
            long stalest = -1;
            long smallest = long.MaxValue;
            foreach ((long id, CaptureThread t) in _threads)
            {
                if (t.LastTimeStamp < smallest)
                {
                    smallest = t.LastTimeStamp;
                    stalest = id;
                }
            }

            _threads.Remove(stalest);
        }

        thread = new CaptureThread { SequenceNumber = sequenceNumber };
        _threads[captureThreadId] = thread;
        return thread;
    }

    private void CountDropped(int last, int expectedLast)
    {
        // A thread whose last number was 0 may be a new thread reusing the id: no loss assumed (as TraceEvent, before V6).
        if (last == 0)
        {
            return;
        }

        int dropped = unchecked(expectedLast - last);
        if (dropped < 0)
        {
            dropped = int.MaxValue;
        }

        if (dropped > 0)
        {
            EventsLost = (int)Math.Min((long)EventsLost + dropped, int.MaxValue);
        }
    }

    private sealed class CaptureThread
    {
        public readonly MarkerQueue Events = new();
        public int SequenceNumber;
        public long LastTimeStamp;
    }
}

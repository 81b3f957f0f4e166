using Tracer.Engine.Decoding.Nettrace;

namespace Tracer.Engine.Collect;

/// <summary>
/// The flight recorder's memory: the last stretch of a live nettrace V5 stream, cut where a reader can start.
/// <para>
/// A V5 stream can only be entered at a sequence point: the runtime resets stack ids there (ep_file_write_sequence_point
/// clears its stack hash and counter; TraceEvent's StackCache is flushed), and the SP block lists each thread's sequence
/// number, so a reader starting there counts no lost events. Metadata ids are NOT reset, so every metadata block is kept
/// for the whole session. The window is therefore: the header, the metadata of every dropped interval, then whole
/// sequence-point intervals (an SP block and the blocks up to the next one), the oldest dropped once all of it arrived
/// more than <see cref="FlightRecorderOptions.Window"/> before what the analysis has reached, or when over the byte cap.
/// After <see cref="Freeze"/> (tracing is stopping) nothing is dropped, so the rundown that names methods is kept.
/// </para>
/// It is fed by the reader (<see cref="INettraceBlockObserver"/>) as blocks are analysed, so the bytes are framed once
/// and the window is measured back from what the analysis has reached: a lagging decoder loses nothing it has not seen.
/// Thread-safe: the decoder adds while a forced stop may save.
/// </summary>
internal sealed class FlightRecorderWindow
{
    private readonly FlightRecorderOptions _options;
    private NettraceTraceHeader? _header;
    private readonly List<NettraceBlock> _keptMetadata = [];
    private readonly LinkedList<Interval> _closed = new();
    private readonly object _gate = new();
    private Interval _open = new(TimeSpan.Zero, null);
    private TimeSpan _arrival;
    private bool _frozen;
    private bool _skipping; // the open interval outgrew the cap: its events are dropped until the next sequence point
    private long _retained;
    private long _keptMetadataBytes;
    private FlightRecorderStats _stats = new();
    private string? _cut;

    public FlightRecorderWindow(FlightRecorderOptions options) => _options = options;

    /// <summary>Bytes of events held now (header and kept metadata aside).</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return _retained;
            }
        }
    }

    /// <summary>The stream's start (magic and Trace object), written first when the window is saved.</summary>
    public void SetHeader(NettraceTraceHeader header)
    {
        lock (_gate)
        {
            _header = header;
            _stats = _stats with { ReceivedBytes = _stats.ReceivedBytes + header.Bytes.Length };
        }
    }

    /// <summary>
    /// Adds a block the analysis has just read; <paramref name="arrival"/> is when its bytes arrived (the window is
    /// measured back from it).
    /// </summary>
    public void Add(NettraceBlock block, TimeSpan arrival)
    {
        lock (_gate)
        {
            _arrival = arrival;
            _stats = _stats with { ReceivedBytes = _stats.ReceivedBytes + block.Length };
            Add(block);
            DropOld(arrival);
        }
    }

    /// <summary>The reader stopped before the end of the stream (broken or cut framing): the saved file ends at the last whole block.</summary>
    public void NoteCut(string problem)
    {
        lock (_gate)
        {
            _cut = problem;
        }
    }

    /// <summary>Tracing is stopping: keep everything from now on (the runtime's rundown names the methods).</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
        }
    }

    /// <summary>Writes a complete trace: header, kept metadata, the retained intervals, the end marker. Returns what was saved.</summary>
    public FlightRecorderStats WriteTo(Stream output)
    {
        lock (_gate)
        {
            if (_header is null)
            {
                return _stats with { Problem = "no nettrace V5 data arrived (the flight recorder cuts only that format)" };
            }

            output.Write(_header.Bytes);
            long position = _header.Bytes.Length;
            foreach (NettraceBlock block in _keptMetadata)
            {
                position = block.Write(output, position);
            }

            foreach (Interval interval in _closed.Append(_open))
            {
                foreach (NettraceBlock block in interval.Blocks)
                {
                    position = block.Write(output, position);
                }
            }

            output.WriteByte(1); // end of stream
            output.Flush();
            Interval first = _closed.First?.Value ?? _open;
            (long syncQpc, long frequency) = (_header.SyncQpc, _header.QpcFrequency);
            double? firstMs = first.SequencePointQpc is long qpc && frequency > 0 ? (qpc - syncQpc) * 1000.0 / frequency : null;
            return _stats with
            {
                SavedBytes = position + 1,
                IntervalsKept = _closed.Count + 1,
                KeptFromMs = _stats.IntervalsDropped == 0 ? 0 : firstMs,
                Problem = _cut,
            };
        }
    }

    private void Add(NettraceBlock block)
    {
        if (block.Kind == NettraceBlockKind.SequencePoint)
        {
            _closed.AddLast(_open);
            _open = new Interval(_arrival, block.SequencePointTimestamp);
            _skipping = false;
        }
        else if (_skipping && !_frozen && block.Kind != NettraceBlockKind.Metadata)
        {
            _stats = _stats with { SkippedBytes = _stats.SkippedBytes + block.Length };
            return;
        }

        _open.Add(block);
        _retained += block.Length;
        if (!_frozen && _open.Bytes > _options.MaxBytes)
        {
            SkipRestOfOpenInterval();
        }
    }

    /// <summary>No sequence point for more than the cap: drop the open interval's events (not its metadata) up to the next one.</summary>
    private void SkipRestOfOpenInterval()
    {
        long before = _open.Bytes;
        _open.Blocks.RemoveAll(b => b.Kind is not (NettraceBlockKind.Metadata or NettraceBlockKind.SequencePoint));
        _open.Bytes = _open.Blocks.Sum(b => (long)b.Length);
        _retained -= before - _open.Bytes;
        _stats = _stats with { SkippedBytes = _stats.SkippedBytes + before - _open.Bytes };
        _skipping = true;
    }

    private void DropOld(TimeSpan analysedUpTo)
    {
        if (_frozen)
        {
            return;
        }

        TimeSpan windowStart = analysedUpTo - _options.Window;
        while (_closed.First is { } oldest)
        {
            // An interval ends where the next one starts: drop it once all of it arrived before the window.
            TimeSpan end = oldest.Next?.Value.Start ?? _open.Start;
            bool tooOld = end <= windowStart;
            bool overCap = _retained > _options.MaxBytes;
            if (!tooOld && !overCap)
            {
                break;
            }

            Drop(oldest.Value, overCap && !tooOld);
            _closed.RemoveFirst();
        }
    }

    private void Drop(Interval interval, bool forCap)
    {
        if (interval.Blocks.Count == 0)
        {
            return; // the stream began with a sequence point: nothing came before it
        }

        _retained -= interval.Bytes;
        foreach (NettraceBlock block in interval.Blocks.Where(b => b.Kind == NettraceBlockKind.Metadata))
        {
            if (_keptMetadataBytes + block.Length <= _options.MaxMetadataBytes)
            {
                _keptMetadata.Add(block);
                _keptMetadataBytes += block.Length;
            }
            else
            {
                _stats = _stats with { MetadataDroppedBytes = _stats.MetadataDroppedBytes + block.Length };
            }
        }

        _stats = _stats with
        {
            IntervalsDropped = _stats.IntervalsDropped + 1,
            DroppedBytes = _stats.DroppedBytes + interval.Bytes,
            IntervalsDroppedForCap = _stats.IntervalsDroppedForCap + (forCap ? 1 : 0),
        };
    }

    /// <summary>An SP block (none for the first interval) and the blocks after it, with the arrival time of the SP.</summary>
    private sealed class Interval(TimeSpan start, long? sequencePointQpc)
    {
        public TimeSpan Start { get; } = start;
        public long? SequencePointQpc { get; } = sequencePointQpc;
        public List<NettraceBlock> Blocks { get; } = [];
        public long Bytes { get; set; }

        public void Add(NettraceBlock block)
        {
            Blocks.Add(block);
            Bytes += block.Length;
        }
    }
}

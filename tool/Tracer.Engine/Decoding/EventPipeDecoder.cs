using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding.Nettrace;
using Tracer.Engine.Model;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Reads a .nettrace stream (a live session's or a file's), decodes the few events the tracer uses straight from their
/// payload bytes, and feeds them to the analyzer. Same code for live and replay: that is what makes a replayed report
/// equal the live one. Format V5 (what the runtime writes) is read by our own <see cref="NettraceReader"/>; anything
/// else goes through TraceEvent (<see cref="TraceEventReader"/>), which dispatches the same events in the same order.
/// </summary>
public sealed partial class EventPipeDecoder : IDisposable, IRawEventSink
{
    private readonly CountingStream _input;
    private readonly TraceAnalyzer _analyzer;
    private readonly TraceModel _model;
    private readonly Func<int, int, string?>? _threadNameLookup;
    private readonly bool _forceTraceEvent;
    private readonly INettraceBlockObserver? _blocks;
    private IEventReader? _reader;
    private bool _processing;
    /// <summary>Live: trace time of the last detector checkpoint (<see cref="TraceAnalyzer.Checkpoint"/>).</summary>
    private double _lastCheckpointMs;
    private const double CheckpointEveryMs = 1000;
    private bool _foldOnDispatch;

    /// <param name="stream">The .nettrace bytes; read to its end.</param>
    /// <param name="analyzer">Receives every decoded record.</param>
    /// <param name="threadNameLookup">Called once per new (pid, tid) in live sessions to name the thread.</param>
    public EventPipeDecoder(Stream stream, TraceAnalyzer analyzer, Func<int, int, string?>? threadNameLookup = null)
        : this(stream, analyzer, threadNameLookup, forceTraceEvent: false)
    {
    }

    /// <param name="blocks">Sees each raw V5 block as it is read (the flight recorder), so the bytes are framed once.</param>
    internal EventPipeDecoder(Stream stream, TraceAnalyzer analyzer, Func<int, int, string?>? threadNameLookup, INettraceBlockObserver? blocks)
        : this(stream, analyzer, threadNameLookup, forceTraceEvent: false)
    {
        _blocks = blocks;
    }

    /// <param name="forceTraceEvent">Read with TraceEvent even when our reader could (the equivalence tests' reference).</param>
    internal EventPipeDecoder(Stream stream, TraceAnalyzer analyzer, Func<int, int, string?>? threadNameLookup, bool forceTraceEvent)
    {
        _input = new CountingStream(stream);
        _analyzer = analyzer;
        _model = analyzer.Model;
        _threadNameLookup = threadNameLookup;
        _forceTraceEvent = forceTraceEvent;
    }

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead => _input.BytesRead;

    /// <summary>Whether <see cref="DispatchPending"/> works: true for every stream the runtime writes today (V5).</summary>
    public bool CanDispatchPending => _reader?.CanDispatchPending ?? !_forceTraceEvent;

    /// <summary>Decodes until the stream ends. A stream cut short (killed target, truncated file) is not an error:
    /// what was read is kept and a note says where reading stopped.</summary>
    public void Process()
    {
        _processing = true;
        Exception? failure = null;
        try
        {
            _reader = OpenReader();
            _reader.Process(this);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex;
            Salvage();
        }

        if (failure is not null && _model.TotalEvents == 0)
        {
            throw new TraceFormatException($"not a readable .nettrace ({failure.GetType().Name}: {FirstLine(failure.Message)})", failure);
        }

        if (failure is not null)
        {
            _model.AddNote($"the trace ends early: reading stopped at byte {_input.BytesRead:N0} ({failure.GetType().Name}: {FirstLine(failure.Message)})");
            _model.Truncated = true;
            _model.TruncatedAtByte = _input.BytesRead;
        }

        lock (_analyzer.SyncRoot)
        {
            CountFolded();
        }

        _model.TraceBytes = _input.BytesRead;
        _model.LostEvents = Math.Max(_model.LostEvents, _reader?.EventsLost ?? 0);
        if (_model.LostEvents > 0)
        {
            _model.AddNote($"EventPipe dropped {_model.LostEvents:N0} events (buffers full); waits that lost their end are not treated as deadlocks");
        }

        if (_sawContentionWithoutOwner && !_model.SawLockOwners)
        {
            _model.AddNote("the runtime did not report lock owners (needs .NET 8+): deadlock cycles cannot be built");
        }

        TraceCoverage.AddNotes(_model);
        _analyzer.Complete();
    }

    /// <summary>
    /// Live only: dispatch every event received so far instead of waiting for the next sorted event or sequence point.
    /// Call on the decoder thread, from the stream's read, when no more bytes are available yet.
    /// </summary>
    public void DispatchPending()
    {
        if (_processing && _reader is not null)
        {
            _reader.DispatchPending(salvage: false);
            if (_model.EndMs - _lastCheckpointMs >= CheckpointEveryMs)
            {
                // Live matches replay: detectors that decide at the end say what they would decide now.
                _lastCheckpointMs = _model.EndMs;
                _analyzer.Checkpoint();
            }

            if (_reader.EventsLost > _model.LostEvents)
            {
                lock (_analyzer.SyncRoot)
                {
                    _model.LostEvents = _reader.EventsLost; // the live Overview says "N lost" while it happens
                }
            }
        }
    }

    /// <summary>Before the caller closes the stream of a forced stop: TraceEvent is asked to stop; our reader reads on
    /// through what already arrived and ends at the cut (see <see cref="NettraceReader.StopProcessing"/>).</summary>
    public void StopProcessing() => _reader?.StopProcessing();

    public void Dispose()
    {
        (_reader as IDisposable)?.Dispose();
        _input.Dispose();
    }

    private IEventReader OpenReader()
    {
        byte[] head = new byte[12];
        int read = _input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var stream = new PrefixedStream(head[..read], _input);
        if (!_forceTraceEvent && NettraceReader.IsV5(head.AsSpan(0, read)))
        {
            return new NettraceReader(stream, _folding, _blocks);
        }

        _foldOnDispatch = true;
        if (!EventRecordAccess.Available)
        {
            _model.AddNote("this TraceEvent build hides event stacks; findings have no stacks");
        }

        return new TraceEventReader(stream);
    }

    /// <summary>Events already read but still waiting for their place in time order are kept, not dropped.</summary>
    private void Salvage()
    {
        try
        {
            _reader?.DispatchPending(salvage: true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // What could not be dispatched is lost; the note about the failure is written by the caller.
        }
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline].TrimEnd();
    }
}

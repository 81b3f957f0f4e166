using Microsoft.Diagnostics.Tracing;
using Tracer.Engine.Analysis;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Reads a .nettrace stream (a live session's or a file's) with TraceEvent's EventPipeEventSource, decodes the few
/// events the tracer uses straight from their payload bytes, and feeds them to the analyzer. Same code for live and
/// replay: that is what makes a replayed report equal the live one.
/// </summary>
public sealed class EventPipeDecoder : IDisposable
{
    private readonly CountingStream _input;
    private readonly EventPipeEventSource _source;
    private readonly TraceAnalyzer _analyzer;
    private readonly TraceModel _model;
    private readonly Func<int, int, string?>? _threadNameLookup;
    private readonly ulong[] _stackBuffer = new ulong[256];
    private readonly Dictionary<ulong, int> _managedToOsThread = new();
    private readonly HashSet<int> _foldedWaits = []; // threads inside a lock's internal wait (not emitted)
    private readonly EventCacheFlusher _flusher;
    private readonly ProbeEventDecoder _probes = new();
    private bool _sawContentionWithoutOwner;
    private bool _processing;

    /// <param name="stream">The .nettrace bytes; read to its end.</param>
    /// <param name="analyzer">Receives every decoded record.</param>
    /// <param name="threadNameLookup">Called once per new (pid, tid) in live sessions to name the thread.</param>
    public EventPipeDecoder(Stream stream, TraceAnalyzer analyzer, Func<int, int, string?>? threadNameLookup = null)
    {
        _input = new CountingStream(stream);
        _analyzer = analyzer;
        _model = analyzer.Model;
        _threadNameLookup = threadNameLookup;
        try
        {
            _source = new EventPipeEventSource(_input);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new TraceFormatException("not a .nettrace file (no EventPipe header)", ex);
        }

        _source.AllEvents += OnEvent;
        _flusher = new EventCacheFlusher(_source);
        if (!EventRecordAccess.Available)
        {
            _model.AddNote("this TraceEvent build hides event stacks; findings have no stacks");
        }
    }

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead => _input.BytesRead;

    /// <summary>Decodes until the stream ends. A stream cut short (killed target, truncated file) is not an error:
    /// what was read is kept and a note says where reading stopped.</summary>
    public void Process()
    {
        _processing = true;
        try
        {
            _source.Process();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && _model.TotalEvents == 0)
        {
            throw new TraceFormatException($"not a readable .nettrace ({ex.GetType().Name}: {FirstLine(ex.Message)})", ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _model.AddNote($"the trace ends early: reading stopped at byte {_input.BytesRead:N0} ({ex.GetType().Name}: {FirstLine(ex.Message)})");
            _model.Truncated = true;
            _model.TruncatedAtByte = _input.BytesRead;
        }

        _model.TraceBytes = _input.BytesRead;
        _model.LostEvents = Math.Max(_model.LostEvents, _source.EventsLost);
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
    /// Live only: dispatch every event received so far instead of waiting for the next sequence point. Call on the
    /// decoder thread, from the stream's read, when no more bytes are available yet.
    /// </summary>
    public void DispatchPending()
    {
        if (_processing)
        {
            _flusher.Flush();
        }
    }

    /// <summary>Whether <see cref="DispatchPending"/> can work with this TraceEvent build.</summary>
    public bool CanDispatchPending => EventCacheFlusher.Available;

    /// <summary>Asks <see cref="Process"/> to return at the next event boundary.</summary>
    public void StopProcessing() => _source.StopProcessing();

    public void Dispose() => _source.Dispose();

    private void OnEvent(TraceEvent data)
    {
        // Symbols, stacks and names are written here too: hold the analyzer's lock so a UI snapshot sees whole events.
        lock (_analyzer.SyncRoot)
        {
            DecodeEvent(data);
        }
    }

    private void DecodeEvent(TraceEvent data)
    {
        _model.TotalEvents++;
        Guid provider = data.ProviderGuid;
        int id = (int)data.ID;
        if (TplEventDecoder.Handles(data))
        {
            DecodeTask(data);
        }
        else if (provider == RuntimeProviders.RuntimeGuid)
        {
            DecodeRuntime(data, id, rundown: false);
        }
        else if (provider == RuntimeProviders.RundownGuid)
        {
            DecodeRuntime(data, id, rundown: true);
        }
        else if (provider == RuntimeProviders.EventPipeGuid && id == RuntimeEventIds.ProcessInfo)
        {
            var reader = new PayloadReader(Payload(data));
            ProcessInfo process = _model.Process(data.ProcessID);
            process.CommandLine ??= reader.Utf16z();
        }
        else if (provider == ProbeEventDecoder.ProviderGuid && _probes.TryDecode(data, Payload(data), out TraceRecord probe))
        {
            Emit(probe with { StackId = Stack(data) });
        }
        else if (provider == RuntimeProviders.RuntimeCountersGuid)
        {
            DecodeCounter(data);
        }
        else
        {
            _model.Touch(data.TimeStampRelativeMSec);
        }
    }

    private void DecodeCounter(TraceEvent data)
    {
        if (!CounterPayload.TryDecode(Payload(data), out string name, out double value))
        {
            _model.Touch(data.TimeStampRelativeMSec);
            return;
        }

        Emit(TraceRecord.Thread(TraceEventKind.CounterSample, data.TimeStampRelativeMSec, data.ThreadID, data.ProcessID) with
        {
            Text = string.IsInterned(name) ?? name,
            Amount = value,
        });
    }

    private void DecodeRuntime(TraceEvent data, int id, bool rundown)
    {
        if (rundown)
        {
            if (id == RuntimeEventIds.MethodLoadVerbose || id == RuntimeEventIds.MethodDCEndVerbose)
            {
                AddMethod(data);
            }

            // The rundown is written when tracing stops: its time is the trace's end, even when the target was silent.
            _model.Touch(data.TimeStampRelativeMSec);
            return;
        }

        int tid = data.ThreadID;
        if (FoldLockInternalWait(id, tid))
        {
            return;
        }

        double time = data.TimeStampRelativeMSec;

        int pid = data.ProcessID;
        var reader = new PayloadReader(Payload(data));
        switch (id)
        {
            case RuntimeEventIds.ContentionStart:
            {
                reader.U8();  // ContentionFlags: 0 managed, 1 native
                reader.U16(); // ClrInstanceID
                ulong lockId = reader.U64();
                ulong objectId = reader.U64();
                int owner = (int)reader.U64(); // .NET 8+: the owner's OS thread id (checked on .NET 10)
                if (owner == 0)
                {
                    _sawContentionWithoutOwner = true;
                }

                Emit(TraceRecord.ContentionStart(time, tid, lockId, objectId, owner, Stack(data), pid));
                break;
            }

            case RuntimeEventIds.ContentionStop:
                reader.U8();
                reader.U16();
                Emit(TraceRecord.ContentionStop(time, tid, reader.F64(), pid));
                break;

            case RuntimeEventIds.WaitHandleWaitStart:
            {
                var source = (WaitSource)reader.U8();
                ulong objectId = reader.U64();
                Emit(TraceRecord.WaitStart(time, tid, source, objectId, Stack(data), pid));
                break;
            }

            case RuntimeEventIds.WaitHandleWaitStop:
                Emit(TraceRecord.WaitStop(time, tid, pid));
                break;

            case RuntimeEventIds.ThreadCreated:
            {
                ulong managed = reader.U64();
                reader.U64(); // AppDomainID
                reader.U32(); // Flags
                reader.U32(); // ManagedThreadIndex
                int osThread = (int)reader.U32();
                if (osThread != 0)
                {
                    _managedToOsThread[managed] = osThread;
                    tid = osThread;
                }

                Emit(TraceRecord.Thread(TraceEventKind.ThreadCreated, time, tid, pid));
                break;
            }

            case RuntimeEventIds.ThreadTerminated:
            {
                ulong managed = reader.U64();
                if (_managedToOsThread.Remove(managed, out int osThread))
                {
                    tid = osThread;
                }

                Emit(TraceRecord.Thread(TraceEventKind.ThreadExited, time, tid, pid));
                break;
            }

            case RuntimeEventIds.ThreadPoolWorkerThreadStart:
                Emit(TraceRecord.Thread(TraceEventKind.PoolWorkerStart, time, tid, pid) with { Value = reader.U32() });
                break;
            case RuntimeEventIds.ThreadPoolWorkerThreadStop:
                Emit(TraceRecord.Thread(TraceEventKind.PoolWorkerStop, time, tid, pid) with { Value = reader.U32() });
                break;
            case RuntimeEventIds.ThreadPoolWorkerThreadWait:
                Emit(TraceRecord.Thread(TraceEventKind.PoolWorkerWait, time, tid, pid) with { Value = reader.U32() });
                break;
            case RuntimeEventIds.ThreadPoolWorkerThreadAdjustment:
            {
                double throughput = reader.F64();
                uint newCount = reader.U32();
                uint reason = reader.U32();
                Emit(TraceRecord.Thread(TraceEventKind.PoolAdjustment, time, tid, pid) with { Value = newCount, Amount = throughput, Reason = (byte)reason });
                break;
            }

            case RuntimeEventIds.ThreadPoolEnqueue:
                Emit(TraceRecord.Thread(TraceEventKind.PoolEnqueue, time, tid, pid) with { ObjectId = reader.U64() });
                break;
            case RuntimeEventIds.ThreadPoolDequeue:
                Emit(TraceRecord.Thread(TraceEventKind.PoolDequeue, time, tid, pid) with { ObjectId = reader.U64() });
                break;

            case RuntimeEventIds.MethodLoadVerbose:
                AddMethod(data);
                _model.Touch(time);
                break;

            default:
                _model.Touch(time);
                break;
        }
    }

    private void DecodeTask(TraceEvent data)
    {
        if (TplEventDecoder.TryDecode(data, Payload(data), out TraceRecord task))
        {
            Emit(task with { StackId = Stack(data) });
        }
        else
        {
            _model.Touch(data.TimeStampRelativeMSec);
        }
    }

    /// <summary>
    /// Inside a lock contention, wait-handle events are the lock's own internal waits (~96 % of a convoy's events).
    /// They say nothing the ContentionStart/Stop pair does not, so they are folded into it: counted, not decoded.
    /// Checked before any other field is read, because this is the hottest path of a contended trace.
    /// </summary>
    private bool FoldLockInternalWait(int id, int tid)
    {
        if (id == RuntimeEventIds.WaitHandleWaitStart && _model.IsWaitingOnLock(tid))
        {
            _foldedWaits.Add(tid);
            return true;
        }

        return id == RuntimeEventIds.WaitHandleWaitStop && _foldedWaits.Count > 0 && _foldedWaits.Remove(tid);
    }

    private void Emit(in TraceRecord record)
    {
        if (_threadNameLookup is not null && !_model.Threads.ContainsKey(record.ThreadId))
        {
            ThreadInfo thread = _model.Thread(record.ThreadId, record.ProcessId, record.TimeMs);
            thread.Name ??= _threadNameLookup(record.ProcessId, record.ThreadId);
        }

        _analyzer.OnEvent(record);
    }

    private void AddMethod(TraceEvent data)
    {
        // MethodLoadVerbose / MethodDCEndVerbose: MethodID, ModuleID, MethodStartAddress, MethodSize, MethodToken,
        // MethodFlags, then namespace (the type), name and signature as UTF-16 strings.
        var reader = new PayloadReader(Payload(data));
        reader.U64();
        reader.U64();
        ulong start = reader.U64();
        uint size = reader.U32();
        reader.U32();
        reader.U32();
        string type = reader.Utf16z();
        string name = reader.Utf16z();
        _model.Methods.Add(start, size, type, name);
    }

    private int Stack(TraceEvent data)
    {
        int frames = EventRecordAccess.ReadStack(data, _stackBuffer);
        return frames == 0 ? -1 : _model.Stacks.Intern(_stackBuffer.AsSpan(0, frames));
    }

    private static unsafe ReadOnlySpan<byte> Payload(TraceEvent data) =>
        data.EventDataLength <= 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>((void*)data.DataStart, data.EventDataLength);

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline].TrimEnd();
    }
}

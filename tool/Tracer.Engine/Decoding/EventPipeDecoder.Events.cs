using Microsoft.Diagnostics.Tracing;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding.Nettrace;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Decoding;

/// <summary>Per-event decoding: the runtime, rundown, TPL, probe, counter and EventPipe events the tracer uses, read
/// from their payload bytes by offset.</summary>
public sealed partial class EventPipeDecoder
{
    private readonly ulong[] _stackBuffer = new ulong[256];
    private readonly Dictionary<ulong, int> _managedToOsThread = new();
    private readonly LockWaitFolding _folding = new();
    private long _foldedCounted;
    private readonly ProbeEventDecoder _probes = new();
    private bool _sawContentionWithoutOwner;
    private int _batchDepth;

    void IRawEventSink.OnEvent(in RawEvent data)
    {
        // Symbols, stacks and names are written here too: hold the analyzer's lock so a UI snapshot sees whole events
        // (our reader holds it per block through the batch calls; TraceEvent's calls come one by one).
        if (_batchDepth > 0)
        {
            DecodeEvent(data);
            return;
        }

        lock (_analyzer.SyncRoot)
        {
            DecodeEvent(data);
        }

        _analyzer.DispatchFindings();
    }

    void IRawEventSink.BeginBatch()
    {
        _analyzer.SyncRoot.Enter();
        _batchDepth++;
    }

    void IRawEventSink.EndBatch()
    {
        CountFolded();
        _batchDepth--;
        _analyzer.SyncRoot.Exit();
        _analyzer.DispatchFindings();
    }

    /// <summary>Events our reader folded while parsing count as events too.</summary>
    private void CountFolded()
    {
        if (_foldOnDispatch)
        {
            return; // DecodeEvent counted them
        }

        _model.TotalEvents += _folding.Folded - _foldedCounted;
        _foldedCounted = _folding.Folded;
    }

    private void DecodeEvent(in RawEvent data)
    {
        _model.TotalEvents++;
        TraceProvider provider = data.Provider;
        int id = data.EventId;
        if (_foldOnDispatch && _folding.Fold(provider, id, data.ThreadId))
        {
            return; // the hottest path of a contended trace (our reader folds these before they are even queued)
        }

        if (TplEventDecoder.Handles(data))
        {
            DecodeTask(data);
        }
        else if (provider == TraceProvider.Runtime)
        {
            DecodeRuntime(data, id);
        }
        else if (provider == TraceProvider.Rundown)
        {
            DecodeRundown(data, id);
        }
        else if (provider == TraceProvider.EventPipe && id == RuntimeEventIds.ProcessInfo)
        {
            var reader = new PayloadReader(data.Payload);
            ProcessInfo process = _model.Process(data.ProcessId);
            process.CommandLine ??= reader.Utf16z();
        }
        else if (provider == TraceProvider.Probes && _probes.TryDecode(data, out TraceRecord probe))
        {
            Emit(probe with { StackId = Stack(data) });
        }
        else if (provider == TraceProvider.Races && _probes.TryDecodeRaces(data, out TraceRecord report))
        {
            Emit(report with { StackId = Stack(data) });
        }
        else if (provider == TraceProvider.RuntimeCounters)
        {
            DecodeCounter(data);
        }
        else if (provider == TraceProvider.SampleProfiler)
        {
            DecodeSample(data);
        }
        else
        {
            _model.Touch(data.TimeMs);
        }
    }

    private void DecodeCounter(in RawEvent data)
    {
        if (!CounterPayload.TryDecode(data.Payload, out string name, out double value))
        {
            _model.Touch(data.TimeMs);
            return;
        }

        Emit(TraceRecord.Thread(TraceEventKind.CounterSample, data.TimeMs, data.ThreadId, data.ProcessId) with
        {
            Text = string.IsInterned(name) ?? name,
            Amount = value,
        });
    }

    private void DecodeRundown(in RawEvent data, int id)
    {
        if (id == RuntimeEventIds.MethodLoadVerbose || id == RuntimeEventIds.MethodDCEndVerbose)
        {
            AddMethod(data);
        }
        else if (id == RuntimeEventIds.MethodDCEndILToNativeMap)
        {
            AddILMap(data);
        }
        else if (id == RuntimeEventIds.ModuleDCEnd)
        {
            AddModule(data);
        }

        // The rundown is written when tracing stops: its time is the trace's end, even when the target was silent.
        _model.Touch(data.TimeMs);
    }

    private void DecodeRuntime(in RawEvent data, int id)
    {
        int tid = data.ThreadId;
        double time = data.TimeMs;
        int pid = data.ProcessId;
        var reader = new PayloadReader(data.Payload);
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

            case RuntimeEventIds.GcSuspendEEBegin or RuntimeEventIds.GcStart or RuntimeEventIds.GcRestartEEEnd:
                DecodeGc(data, id);
                break;

            case RuntimeEventIds.MethodLoadVerbose:
                AddMethod(data);
                _model.Touch(time);
                break;

            case RuntimeEventIds.MethodILToNativeMap:
                AddILMap(data);
                _model.Touch(time);
                break;

            case RuntimeEventIds.ModuleLoad:
                AddModule(data);
                _model.Touch(time);
                break;

            case RuntimeEventIds.R2RGetEntryPoint:
                AddEntryPoint(data);
                _model.Touch(time);
                break;

            default:
                _model.Touch(time);
                break;
        }
    }

    private void DecodeTask(in RawEvent data)
    {
        if (TplEventDecoder.TryDecode(data, out TraceRecord task))
        {
            Emit(task with { StackId = Stack(data) });
        }
        else
        {
            _model.Touch(data.TimeMs);
        }
    }

    private void Emit(in TraceRecord record)
    {
        if (_threadNameLookup is not null && !_model.Threads.ContainsKey(record.ThreadId))
        {
            ThreadInfo thread = _model.Thread(record.ThreadId, record.ProcessId, record.TimeMs);
            thread.Name ??= _threadNameLookup(record.ProcessId, record.ThreadId);
        }

        if (_batchDepth > 0)
        {
            _analyzer.OnEventLocked(record); // the batch holds the analyzer's lock
        }
        else
        {
            _analyzer.OnEvent(record);
        }
    }

    private int Stack(in RawEvent data)
    {
        int frames = ReadStack(data);
        return frames == 0 ? -1 : _model.Stacks.Intern(_stackBuffer.AsSpan(0, frames));
    }

    /// <summary>Reads the event's stack into <see cref="_stackBuffer"/>; returns the frame count.</summary>
    private int ReadStack(in RawEvent data) => data.StackOwner switch
    {
        NettraceStacks stacks => stacks.Read(data.StackId, _stackBuffer),
        TraceEvent record => EventRecordAccess.ReadStack(record, _stackBuffer),
        _ => 0,
    };
}

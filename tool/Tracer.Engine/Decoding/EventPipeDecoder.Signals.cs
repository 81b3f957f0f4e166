using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Decoding;

/// <summary>CPU samples (SampleProfiler) and GC suspensions: what tells a spinning thread from a blocked one, and a
/// process stopped by its GC from a hung one.</summary>
public sealed partial class EventPipeDecoder
{
    /// <summary>ThreadSample: the event's thread is the sampled one; payload is the sample type (1 external, 2 managed).</summary>
    private void DecodeSample(in RawEvent data)
    {
        var reader = new PayloadReader(data.Payload);
        bool managed = reader.U32() == TraceRecord.ManagedSample;
        int frames = ReadStack(data);
        if (frames == 0)
        {
            _model.Touch(data.TimeMs); // a thread outside managed code with no managed frame: nothing to attribute
            return;
        }

        int stackId = _model.Stacks.Intern(_stackBuffer.AsSpan(0, frames));
        int callersId = frames > 1 ? _model.Stacks.Intern(_stackBuffer.AsSpan(1, frames - 1)) : -1;
        Emit(TraceRecord.CpuSample(data.TimeMs, data.ThreadId, managed, stackId, callersId, _stackBuffer[0], data.ProcessId));
    }

    /// <summary>GCSuspendEEBegin_V1 (Reason, Count), GCStart_V2 (Count, Depth, Reason, Type), GCRestartEEEnd.</summary>
    private void DecodeGc(in RawEvent data, int id)
    {
        var reader = new PayloadReader(data.Payload);
        switch (id)
        {
            case RuntimeEventIds.GcSuspendEEBegin:
            {
                uint why = reader.U32();
                TraceRecord begin = TraceRecord.GcSuspendBegin(data.TimeMs, data.ThreadId, why, reader.U32(), data.ProcessId);
                // The sampler suspends the runtime every ms too (reason Other): only a GC's suspension gets its stack.
                Emit(GcPauseDetector.IsGcSuspension(begin.Reason) ? begin with { StackId = Stack(data) } : begin);
                break;
            }

            case RuntimeEventIds.GcStart:
            {
                uint count = reader.U32();
                int generation = (int)reader.U32();
                uint why = reader.U32();
                int type = (int)reader.U32(); // V1+; V0 has no type and reads as 0 (blocking)
                Emit(TraceRecord.GcStart(data.TimeMs, data.ThreadId, generation, why, type, count, data.ProcessId));
                break;
            }

            default:
                Emit(TraceRecord.GcRestartEnd(data.TimeMs, data.ThreadId, data.ProcessId));
                break;
        }
    }
}

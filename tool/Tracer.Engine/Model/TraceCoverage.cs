using Tracer.Engine.Events;

namespace Tracer.Engine.Model;

/// <summary>
/// Says which analyses a trace could not support because events were missing: traces from dotnet-trace or other
/// tools may enable fewer keywords than ours, and older runtimes lack some events. Added as notes to the model.
/// </summary>
public static class TraceCoverage
{
    public static void AddNotes(TraceModel model)
    {
        long Count(TraceEventKind kind) => model.KindCounts[(int)kind];

        if (Count(TraceEventKind.ContentionStart) == 0)
        {
            model.AddNote("no lock contention events (Contention keyword 0x4000 not enabled, or no lock was contended): deadlock, convoy and lock-hang analyses had nothing to work on");
        }

        if (Count(TraceEventKind.WaitStart) == 0)
        {
            model.AddNote("no wait-handle events (needs the WaitHandle keyword 0x40000000000 and .NET 9+): hangs and long waits in wait handles, Monitor.Wait, SemaphoreSlim, Barrier, events and Task.Wait could not be analysed; lock waits still were");
        }

        if (Count(TraceEventKind.PoolAdjustment) == 0 && Count(TraceEventKind.PoolWorkerStart) == 0)
        {
            model.AddNote("no thread-pool events (Threading keyword 0x10000 not enabled, or the pool was not used): starvation could not be analysed");
        }

        if (Count(TraceEventKind.CounterSample) == 0)
        {
            model.AddNote("no System.Runtime counters (EventCounterIntervalSec not set): the thread-pool queue length is unknown, and hangs in a silent process are only judged at the end of the trace");
        }

        if (!model.SawStacks && model.TotalEvents > 0)
        {
            model.AddNote("no event carried a stack: findings name threads and locks but not code");
        }
        else if (model.SawStacks && model.Methods.Count == 0)
        {
            model.AddNote("no method load or rundown events (Loader/JIT keywords, rundown): stack frames show as addresses");
        }
    }
}

namespace Tracer.Engine.Events;

/// <summary>The decoded events the model and detectors understand. Everything else in a trace is counted, not kept.</summary>
public enum TraceEventKind : byte
{
    /// <summary>A thread starts waiting for a contended Monitor / Lock. Lock, object, owner, stack.</summary>
    ContentionStart,
    /// <summary>The thread that was waiting for a lock got it. Duration in ns.</summary>
    ContentionStop,
    /// <summary>A thread blocks in a wait handle, Monitor.Wait or another runtime wait (.NET 9+). Wait source, object, stack.</summary>
    WaitStart,
    /// <summary>The thread's wait ended.</summary>
    WaitStop,
    /// <summary>A managed thread was created or first seen.</summary>
    ThreadCreated,
    /// <summary>A managed thread ended.</summary>
    ThreadExited,
    /// <summary>A thread-pool worker started (Value = active worker count).</summary>
    PoolWorkerStart,
    /// <summary>A thread-pool worker retired (Value = active worker count).</summary>
    PoolWorkerStop,
    /// <summary>A thread-pool worker waits for work.</summary>
    PoolWorkerWait,
    /// <summary>The pool's hill climbing changed the worker count (Value = new count, Reason).</summary>
    PoolAdjustment,
    /// <summary>A work item was queued to the pool.</summary>
    PoolEnqueue,
    /// <summary>A work item was taken from the pool's queue.</summary>
    PoolDequeue,
    /// <summary>A periodic runtime counter sample (Text = counter name, Amount = value).</summary>
    CounterSample,
    /// <summary>A Tracer-Probes event (Reason = probe operation, ObjectId = object identity, Text = its name).</summary>
    Probe,
    /// <summary>A task faulted or was observed (TPL), Text = exception type where known.</summary>
    TaskEvent,
    /// <summary>A CPU sample of one thread (SampleProfiler): Reason = managed or external code, StackId, ObjectId = the
    /// stack without its innermost address (the callers), LockId = that innermost address.</summary>
    CpuSample,
    /// <summary>The runtime starts suspending every managed thread (Reason = why: 1 for a GC; ObjectId = GC count).</summary>
    GcSuspendBegin,
    /// <summary>A GC starts (Value = generation, Reason = GC reason, Amount = type: 0 blocking, 1 background, 2 foreground).</summary>
    GcStart,
    /// <summary>The runtime resumed the threads it had suspended: the pause is over.</summary>
    GcRestartEnd,
}

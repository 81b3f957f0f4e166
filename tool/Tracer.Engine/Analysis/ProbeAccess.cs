namespace Tracer.Engine.Analysis;

/// <summary>One probed access as the race detector remembers it: a FastTrack epoch (thread index @ clock) plus
/// what a report needs (thread, stack, time, the locks the thread held).</summary>
internal readonly record struct ProbeAccess(int Thread, int Clock, bool IsWrite, int ThreadId, int ProcessId, int StackId, double TimeMs, string HeldLocks)
{
    public bool IsNone => Clock == 0;

    public string Verb => IsWrite ? "write" : "read";
}

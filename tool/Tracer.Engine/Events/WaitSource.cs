namespace Tracer.Engine.Events;

/// <summary>WaitHandleWaitStart's WaitSource field (.NET 9+).</summary>
public enum WaitSource : byte
{
    /// <summary>A wait handle, a slim primitive's fallback, Thread.Join or Task.Wait.</summary>
    Unknown = 0,
    /// <summary>Monitor.Wait (a condition wait, which released its lock).</summary>
    MonitorWait = 1,
}

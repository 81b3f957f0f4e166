namespace Tracer.Engine.Model;

/// <summary>What a thread is doing during a timeline interval.</summary>
public enum ThreadState : byte
{
    Running,
    WaitingOnLock,
    WaitingOnHandle,
    PoolIdle,
    Exited,
}

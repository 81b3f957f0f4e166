namespace Tracer.Engine.Collect;

/// <summary>Why a live session ended.</summary>
public enum StopReason
{
    /// <summary>The target exited (or closed its end of the session).</summary>
    TargetExited,
    /// <summary>--duration elapsed.</summary>
    Duration,
    /// <summary>Ctrl+C / SIGTERM: stopped cleanly.</summary>
    Interrupted,
    /// <summary>A finding named by --stop-on appeared.</summary>
    Finding,
    /// <summary>A second interrupt: stopped without waiting for the runtime's rundown.</summary>
    Forced,
}

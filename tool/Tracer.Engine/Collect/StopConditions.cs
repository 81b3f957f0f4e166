namespace Tracer.Engine.Collect;

/// <summary>What ends live tracing, for a single session and for a process tree alike.</summary>
internal static class StopConditions
{
    /// <summary>Waits for the first of: the target ending its stream, a --stop-on finding, --duration, an interrupt.</summary>
    public static async Task<StopReason> FirstAsync(Task targetEnded, Task findingStop, TimeSpan? duration, CancellationToken interrupt, CancellationToken force)
    {
        Task elapsed = duration is TimeSpan d ? Task.Delay(d, force) : Task.Delay(Timeout.Infinite, force);
        Task interrupted = Task.Delay(Timeout.Infinite, interrupt);
        Task first = await Task.WhenAny(targetEnded, elapsed, interrupted, findingStop).ConfigureAwait(false);
        return first == targetEnded ? StopReason.TargetExited
            : first == findingStop ? StopReason.Finding
            : first == elapsed && !force.IsCancellationRequested ? StopReason.Duration
            : StopReason.Interrupted;
    }
}

using System.Runtime.CompilerServices;

namespace Tracer.Probes;

/// <summary>
/// A lock that tells the tracer when it is taken and released, so it can order accesses (races) and learn lock order
/// (potential deadlocks). <c>using (gate.Enter()) { ... }</c>. Re-entrant, like <c>lock</c>. Built on
/// System.Threading.Lock on .NET 9+ and Monitor before.
/// </summary>
public sealed class TracedLock(string name)
{
#if NET9_0_OR_GREATER
    private readonly Lock _lock = new();
#else
    private readonly object _lock = new();
#endif

    public TracedLock()
        : this("lock")
    {
    }

    /// <summary>The identity the tracer reports.</summary>
    public long Id { get; } = ProbeIds.Next();

    public string Name { get; } = name;

    /// <summary>Takes the lock; dispose the result to release it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter()
    {
#if NET9_0_OR_GREATER
        _lock.Enter();
#else
        Monitor.Enter(_lock);
#endif
        ProbeEventSource log = ProbeEventSource.Log;
        if (log.IsEnabled())
        {
            log.LockAcquired(Id, Name);
        }

        return new Scope(this);
    }

    /// <summary>Releases the lock taken by <see cref="Enter"/>. Prefer disposing the scope.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit()
    {
        ProbeEventSource log = ProbeEventSource.Log;
        if (log.IsEnabled())
        {
            log.LockReleased(Id, Name); // before the release: the next owner's acquire is ordered after it
        }

#if NET9_0_OR_GREATER
        _lock.Exit();
#else
        Monitor.Exit(_lock);
#endif
    }

    /// <summary>Holds the lock until disposed.</summary>
    public readonly ref struct Scope(TracedLock owner)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose() => owner.Exit();
    }
}

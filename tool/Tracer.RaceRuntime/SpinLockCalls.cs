namespace Tracer.RaceRuntime;

/// <summary>
/// SpinLock is a struct, reached through a ref: it has no object to key a sync point by, so every SpinLock shares one
/// point (release at Exit, acquire at Enter). Conservative: it can order unrelated SpinLocks and hide a race between
/// their users, never invent one.
/// </summary>
public static class SpinLockCalls
{
    private const string SpinLockType = "System.Threading.SpinLock";
    private static readonly SyncPoint s_spinLocks = new();

    [Redirect(SpinLockType, "Enter", Instance = true)]
    public static void Enter(ref SpinLock spinLock, ref bool lockTaken)
    {
        spinLock.Enter(ref lockTaken);
        Entered(lockTaken);
    }

    [Redirect(SpinLockType, "TryEnter", Instance = true)]
    public static void TryEnter(ref SpinLock spinLock, ref bool lockTaken)
    {
        spinLock.TryEnter(ref lockTaken);
        Entered(lockTaken);
    }

    [Redirect(SpinLockType, "TryEnter", Instance = true)]
    public static void TryEnter(ref SpinLock spinLock, int timeoutMs, ref bool lockTaken)
    {
        spinLock.TryEnter(timeoutMs, ref lockTaken);
        Entered(lockTaken);
    }

    [Redirect(SpinLockType, "TryEnter", Instance = true)]
    public static void TryEnter(ref SpinLock spinLock, TimeSpan timeout, ref bool lockTaken)
    {
        spinLock.TryEnter(timeout, ref lockTaken);
        Entered(lockTaken);
    }

    [Redirect(SpinLockType, "Exit", Instance = true)]
    public static void Exit(ref SpinLock spinLock)
    {
        s_spinLocks.Release(RaceThread.Current);
        spinLock.Exit();
    }

    [Redirect(SpinLockType, "Exit", Instance = true)]
    public static void Exit(ref SpinLock spinLock, bool useMemoryBarrier)
    {
        s_spinLocks.Release(RaceThread.Current);
        spinLock.Exit(useMemoryBarrier);
    }

    private static void Entered(bool taken)
    {
        if (taken)
        {
            s_spinLocks.Acquire(RaceThread.Current);
        }
    }
}

// A Lock is passed as object here on purpose: as the lock's identity (clock, order graph), never locked through Monitor.
#pragma warning disable CS9216
namespace Tracer.RaceRuntime;

/// <summary>
/// Monitor (and so `lock`), System.Threading.Lock and ReaderWriterLockSlim: the acquire edge is taken after the real
/// acquire, the release edge published before the real release, so the lock itself orders the clock updates.
/// </summary>
public static class LockCalls
{
    private const string Monitor = "System.Threading.Monitor";
    private const string LockType = "System.Threading.Lock";
    private const string Rw = "System.Threading.ReaderWriterLockSlim";

    [Redirect(Monitor, "Enter")]
    public static void MonitorEnter(object obj, int site)
    {
        System.Threading.Monitor.Enter(obj);
        Acquired(obj, site);
    }

    [Redirect(Monitor, "Enter")]
    public static void MonitorEnter(object obj, ref bool taken, int site)
    {
        System.Threading.Monitor.Enter(obj, ref taken);
        if (taken)
        {
            Acquired(obj, site);
        }
    }

    [Redirect(Monitor, "TryEnter")]
    public static bool MonitorTryEnter(object obj, int site) => Acquired(System.Threading.Monitor.TryEnter(obj), obj, site);

    [Redirect(Monitor, "TryEnter")]
    public static bool MonitorTryEnter(object obj, int timeoutMs, int site) => Acquired(System.Threading.Monitor.TryEnter(obj, timeoutMs), obj, site);

    [Redirect(Monitor, "TryEnter")]
    public static bool MonitorTryEnter(object obj, TimeSpan timeout, int site) => Acquired(System.Threading.Monitor.TryEnter(obj, timeout), obj, site);

    [Redirect(Monitor, "TryEnter")]
    public static void MonitorTryEnter(object obj, ref bool taken, int site)
    {
        System.Threading.Monitor.TryEnter(obj, ref taken);
        Acquired(taken, obj, site);
    }

    [Redirect(Monitor, "TryEnter")]
    public static void MonitorTryEnter(object obj, int timeoutMs, ref bool taken, int site)
    {
        System.Threading.Monitor.TryEnter(obj, timeoutMs, ref taken);
        Acquired(taken, obj, site);
    }

    [Redirect(Monitor, "TryEnter")]
    public static void MonitorTryEnter(object obj, TimeSpan timeout, ref bool taken, int site)
    {
        System.Threading.Monitor.TryEnter(obj, timeout, ref taken);
        Acquired(taken, obj, site);
    }

    [Redirect(Monitor, "Exit")]
    public static void MonitorExit(object obj)
    {
        Releasing(obj);
        System.Threading.Monitor.Exit(obj);
    }

    /// <summary>Wait releases the lock and takes it back: a release before, an acquire after.</summary>
    [Redirect(Monitor, "Wait")]
    public static bool MonitorWait(object obj)
    {
        SyncPoint.Release(obj);
        bool result = System.Threading.Monitor.Wait(obj);
        SyncPoint.Acquire(obj);
        return result;
    }

    [Redirect(Monitor, "Wait")]
    public static bool MonitorWait(object obj, int timeoutMs)
    {
        SyncPoint.Release(obj);
        bool result = System.Threading.Monitor.Wait(obj, timeoutMs);
        SyncPoint.Acquire(obj);
        return result;
    }

    [Redirect(Monitor, "Wait")]
    public static bool MonitorWait(object obj, TimeSpan timeout)
    {
        SyncPoint.Release(obj);
        bool result = System.Threading.Monitor.Wait(obj, timeout);
        SyncPoint.Acquire(obj);
        return result;
    }

    [Redirect(Monitor, "Pulse")]
    public static void MonitorPulse(object obj)
    {
        SyncPoint.Release(obj);
        System.Threading.Monitor.Pulse(obj);
    }

    [Redirect(Monitor, "PulseAll")]
    public static void MonitorPulseAll(object obj)
    {
        SyncPoint.Release(obj);
        System.Threading.Monitor.PulseAll(obj);
    }

    [Redirect(LockType, "Enter", Instance = true)]
    public static void LockEnter(Lock gate, int site)
    {
        gate.Enter();
        Acquired(gate, site);
    }

    [Redirect(LockType, "TryEnter", Instance = true)]
    public static bool LockTryEnter(Lock gate, int site) => Acquired(gate.TryEnter(), gate, site);

    [Redirect(LockType, "TryEnter", Instance = true)]
    public static bool LockTryEnter(Lock gate, int timeoutMs, int site) => Acquired(gate.TryEnter(timeoutMs), gate, site);

    [Redirect(LockType, "TryEnter", Instance = true)]
    public static bool LockTryEnter(Lock gate, TimeSpan timeout, int site) => Acquired(gate.TryEnter(timeout), gate, site);

    [Redirect(LockType, "Exit", Instance = true)]
    public static void LockExit(Lock gate)
    {
        Releasing(gate);
        gate.Exit();
    }

    /// <summary>`lock (gate)` on a Lock: EnterScope, then Scope.Dispose (scopes nest, so the innermost Lock is it).</summary>
    [Redirect(LockType, "EnterScope", Instance = true)]
    public static Lock.Scope LockEnterScope(Lock gate, int site)
    {
        Lock.Scope scope = gate.EnterScope();
        Acquired(gate, site);
        return scope;
    }

    [Redirect("System.Threading.Lock/Scope", "Dispose", Instance = true)]
    public static void LockScopeDispose(ref Lock.Scope scope)
    {
        List<HeldLock> held = RaceThread.Current.Held;
        for (int i = held.Count - 1; i >= 0; i--)
        {
            if (held[i].Lock is Lock gate)
            {
                Releasing(gate);
                break;
            }
        }

        scope.Dispose();
    }

    [Redirect(Rw, "EnterReadLock", Instance = true)]
    public static void RwEnterRead(ReaderWriterLockSlim rw)
    {
        rw.EnterReadLock();
        SyncPoint.Acquire(rw);
    }

    [Redirect(Rw, "EnterWriteLock", Instance = true)]
    public static void RwEnterWrite(ReaderWriterLockSlim rw, int site)
    {
        rw.EnterWriteLock();
        Acquired(rw, site);
    }

    [Redirect(Rw, "EnterUpgradeableReadLock", Instance = true)]
    public static void RwEnterUpgradeable(ReaderWriterLockSlim rw)
    {
        rw.EnterUpgradeableReadLock();
        SyncPoint.Acquire(rw);
    }

    [Redirect(Rw, "TryEnterReadLock", Instance = true)]
    public static bool RwTryEnterRead(ReaderWriterLockSlim rw, int timeoutMs) => AcquiredIf(rw.TryEnterReadLock(timeoutMs), rw);

    [Redirect(Rw, "TryEnterWriteLock", Instance = true)]
    public static bool RwTryEnterWrite(ReaderWriterLockSlim rw, int timeoutMs, int site) => Acquired(rw.TryEnterWriteLock(timeoutMs), rw, site);

    [Redirect(Rw, "ExitReadLock", Instance = true)]
    public static void RwExitRead(ReaderWriterLockSlim rw)
    {
        SyncPoint.Release(rw);
        rw.ExitReadLock();
    }

    [Redirect(Rw, "ExitWriteLock", Instance = true)]
    public static void RwExitWrite(ReaderWriterLockSlim rw)
    {
        Releasing(rw);
        rw.ExitWriteLock();
    }

    [Redirect(Rw, "ExitUpgradeableReadLock", Instance = true)]
    public static void RwExitUpgradeable(ReaderWriterLockSlim rw)
    {
        SyncPoint.Release(rw);
        rw.ExitUpgradeableReadLock();
    }

    private static bool AcquiredIf(bool taken, object obj)
    {
        if (taken)
        {
            SyncPoint.Acquire(obj);
        }

        return taken;
    }

    private static bool Acquired(bool taken, object obj, int site)
    {
        if (taken)
        {
            Acquired(obj, site);
        }

        return taken;
    }

    private static void Acquired(object obj, int site)
    {
        RaceThread thread = RaceThread.Current;
        SyncPoint point = SyncPoint.Of(obj);
        point.Acquire(thread);
        LockOrder.Acquired(thread, obj, point.Id, site);
    }

    private static void Releasing(object obj)
    {
        RaceThread thread = RaceThread.Current;
        SyncPoint point = SyncPoint.Of(obj);
        LockOrder.Released(thread, point.Id);
        point.Release(thread);
    }
}

namespace Tracer.RaceRuntime;

/// <summary>
/// Events, semaphores, countdowns and barriers: a Set/Release/Signal publishes on the object before it runs; a wait
/// that returned (true) joins what was published. Asynchronous waits link their task to the object.
/// </summary>
public static class SignalCalls
{
    private const string Slim = "System.Threading.SemaphoreSlim";
    private const string Mres = "System.Threading.ManualResetEventSlim";
    private const string Handle = "System.Threading.WaitHandle";
    private const string Countdown = "System.Threading.CountdownEvent";
    private const string Barrier = "System.Threading.Barrier";

    [Redirect(Slim, "Release", Instance = true)]
    public static int SemaphoreRelease(SemaphoreSlim s) { SyncPoint.Release(s); return s.Release(); }

    [Redirect(Slim, "Release", Instance = true)]
    public static int SemaphoreRelease(SemaphoreSlim s, int count) { SyncPoint.Release(s); return s.Release(count); }

    [Redirect(Slim, "Wait", Instance = true)]
    public static void SemaphoreWait(SemaphoreSlim s) { s.Wait(); SyncPoint.Acquire(s); }

    [Redirect(Slim, "Wait", Instance = true)]
    public static void SemaphoreWait(SemaphoreSlim s, CancellationToken ct) { s.Wait(ct); SyncPoint.Acquire(s); }

    [Redirect(Slim, "Wait", Instance = true)]
    public static bool SemaphoreWait(SemaphoreSlim s, int timeoutMs) => AcquiredIf(s.Wait(timeoutMs), s);

    [Redirect(Slim, "Wait", Instance = true)]
    public static bool SemaphoreWait(SemaphoreSlim s, TimeSpan timeout) => AcquiredIf(s.Wait(timeout), s);

    [Redirect(Slim, "Wait", Instance = true)]
    public static bool SemaphoreWait(SemaphoreSlim s, int timeoutMs, CancellationToken ct) => AcquiredIf(s.Wait(timeoutMs, ct), s);

    [Redirect(Slim, "WaitAsync", Instance = true)]
    public static Task SemaphoreWaitAsync(SemaphoreSlim s) => Linked(s.WaitAsync(), s);

    [Redirect(Slim, "WaitAsync", Instance = true)]
    public static Task SemaphoreWaitAsync(SemaphoreSlim s, CancellationToken ct) => Linked(s.WaitAsync(ct), s);

    [Redirect(Slim, "WaitAsync", Instance = true)]
    public static Task<bool> SemaphoreWaitAsync(SemaphoreSlim s, int timeoutMs) => Linked(s.WaitAsync(timeoutMs), s);

    [Redirect(Slim, "WaitAsync", Instance = true)]
    public static Task<bool> SemaphoreWaitAsync(SemaphoreSlim s, TimeSpan timeout) => Linked(s.WaitAsync(timeout), s);

    [Redirect(Mres, "Set", Instance = true)]
    public static void EventSet(ManualResetEventSlim e) { SyncPoint.Release(e); e.Set(); }

    [Redirect(Mres, "Wait", Instance = true)]
    public static void EventWait(ManualResetEventSlim e) { e.Wait(); SyncPoint.Acquire(e); }

    [Redirect(Mres, "Wait", Instance = true)]
    public static void EventWait(ManualResetEventSlim e, CancellationToken ct) { e.Wait(ct); SyncPoint.Acquire(e); }

    [Redirect(Mres, "Wait", Instance = true)]
    public static bool EventWait(ManualResetEventSlim e, int timeoutMs) => AcquiredIf(e.Wait(timeoutMs), e);

    [Redirect(Mres, "Wait", Instance = true)]
    public static bool EventWait(ManualResetEventSlim e, TimeSpan timeout) => AcquiredIf(e.Wait(timeout), e);

    [Redirect("System.Threading.EventWaitHandle", "Set", Instance = true)]
    public static bool HandleSet(EventWaitHandle e) { SyncPoint.Release(e); return e.Set(); }

    [Redirect("System.Threading.Mutex", "ReleaseMutex", Instance = true)]
    public static void MutexRelease(Mutex m) { SyncPoint.Release(m); m.ReleaseMutex(); }

    [Redirect("System.Threading.Semaphore", "Release", Instance = true)]
    public static int KernelSemaphoreRelease(Semaphore s) { SyncPoint.Release(s); return s.Release(); }

    [Redirect("System.Threading.Semaphore", "Release", Instance = true)]
    public static int KernelSemaphoreRelease(Semaphore s, int count) { SyncPoint.Release(s); return s.Release(count); }

    [Redirect(Handle, "WaitOne", Instance = true)]
    public static bool HandleWait(WaitHandle h) => AcquiredIf(h.WaitOne(), h);

    [Redirect(Handle, "WaitOne", Instance = true)]
    public static bool HandleWait(WaitHandle h, int timeoutMs) => AcquiredIf(h.WaitOne(timeoutMs), h);

    [Redirect(Handle, "WaitOne", Instance = true)]
    public static bool HandleWait(WaitHandle h, TimeSpan timeout) => AcquiredIf(h.WaitOne(timeout), h);

    [Redirect(Handle, "WaitAll")]
    public static bool HandleWaitAll(WaitHandle[] handles)
    {
        bool all = WaitHandle.WaitAll(handles);
        foreach (WaitHandle h in handles)
        {
            SyncPoint.Acquire(h);
        }

        return all;
    }

    [Redirect(Handle, "WaitAny")]
    public static int HandleWaitAny(WaitHandle[] handles)
    {
        int index = WaitHandle.WaitAny(handles);
        if (index >= 0 && index < handles.Length)
        {
            SyncPoint.Acquire(handles[index]);
        }

        return index;
    }

    [Redirect(Countdown, "Signal", Instance = true)]
    public static bool CountdownSignal(CountdownEvent c) { SyncPoint.Release(c); return c.Signal(); }

    [Redirect(Countdown, "Signal", Instance = true)]
    public static bool CountdownSignal(CountdownEvent c, int count) { SyncPoint.Release(c); return c.Signal(count); }

    [Redirect(Countdown, "Wait", Instance = true)]
    public static void CountdownWait(CountdownEvent c) { c.Wait(); SyncPoint.Acquire(c); }

    [Redirect(Countdown, "Wait", Instance = true)]
    public static bool CountdownWait(CountdownEvent c, int timeoutMs) => AcquiredIf(c.Wait(timeoutMs), c);

    [Redirect(Countdown, "Wait", Instance = true)]
    public static void CountdownWait(CountdownEvent c, CancellationToken ct) { c.Wait(ct); SyncPoint.Acquire(c); }

    [Redirect(Countdown, "get_IsSet", Instance = true)]
    public static bool CountdownIsSet(CountdownEvent c) => AcquiredIf(c.IsSet, c);

    [Redirect(Mres, "get_IsSet", Instance = true)]
    public static bool EventIsSet(ManualResetEventSlim e) => AcquiredIf(e.IsSet, e);

    [Redirect(Barrier, "SignalAndWait", Instance = true)]
    public static void BarrierSignalAndWait(Barrier b) { SyncPoint.Release(b); b.SignalAndWait(); SyncPoint.Acquire(b); }

    [Redirect(Barrier, "SignalAndWait", Instance = true)]
    public static void BarrierSignalAndWait(Barrier b, CancellationToken ct) { SyncPoint.Release(b); b.SignalAndWait(ct); SyncPoint.Acquire(b); }

    [Redirect(Barrier, "SignalAndWait", Instance = true)]
    public static bool BarrierSignalAndWait(Barrier b, int timeoutMs) { SyncPoint.Release(b); return AcquiredIf(b.SignalAndWait(timeoutMs), b); }

    private static bool AcquiredIf(bool done, object obj)
    {
        if (done)
        {
            SyncPoint.Acquire(obj);
        }

        return done;
    }

    private static T Linked<T>(T task, object obj)
        where T : Task
    {
        SyncPoint.Of(task).Link(SyncPoint.Of(obj));
        return task;
    }
}

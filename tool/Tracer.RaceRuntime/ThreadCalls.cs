using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// Threads, pool work items and timers: what the starter did before Start (QueueUserWorkItem, the Timer's creation
/// or Change) is ordered before the body; a thread's body is ordered before whoever joined it.
/// </summary>
public static class ThreadCalls
{
    private const string ThreadType = "System.Threading.Thread";
    private const string Pool = "System.Threading.ThreadPool";
    private const string TimerType = "System.Threading.Timer";
    private static readonly ConditionalWeakTable<object, Edges> s_edges = new();

    /// <summary>The two points of a thread or timer: its start (joined by the body) and its end (joined by Join).</summary>
    internal sealed class Edges
    {
        public readonly SyncPoint Start = new();
        public readonly SyncPoint End = new();

        public void Run(Action body)
        {
            RaceThread thread = RaceThread.Current;
            Start.Acquire(thread);
            try
            {
                body();
            }
            finally
            {
                End.Release(RaceThread.Current);
            }
        }
    }

    [Redirect(ThreadType, ".ctor")]
    public static Thread NewThread(ThreadStart start) => Register(new Edges(), e => new Thread(() => e.Run(() => start())));

    [Redirect(ThreadType, ".ctor")]
    public static Thread NewThread(ThreadStart start, int maxStackSize) => Register(new Edges(), e => new Thread(() => e.Run(() => start()), maxStackSize));

    [Redirect(ThreadType, ".ctor")]
    public static Thread NewThread(ParameterizedThreadStart start) => Register(new Edges(), e => new Thread(o => e.Run(() => start(o))));

    [Redirect(ThreadType, ".ctor")]
    public static Thread NewThread(ParameterizedThreadStart start, int maxStackSize) =>
        Register(new Edges(), e => new Thread(o => e.Run(() => start(o)), maxStackSize));

    [Redirect(ThreadType, "Start", Instance = true)]
    public static void Start(Thread t) { Released(t); t.Start(); }

    [Redirect(ThreadType, "Start", Instance = true)]
    public static void Start(Thread t, object? parameter) { Released(t); t.Start(parameter); }

    [Redirect(ThreadType, "UnsafeStart", Instance = true)]
    public static void UnsafeStart(Thread t) { Released(t); t.UnsafeStart(); }

    [Redirect(ThreadType, "Join", Instance = true)]
    public static void Join(Thread t) { t.Join(); Ended(t); }

    [Redirect(ThreadType, "Join", Instance = true)]
    public static bool Join(Thread t, int timeoutMs) => Ended(t.Join(timeoutMs), t);

    [Redirect(ThreadType, "Join", Instance = true)]
    public static bool Join(Thread t, TimeSpan timeout) => Ended(t.Join(timeout), t);

    [Redirect(Pool, "QueueUserWorkItem")]
    public static bool Queue(WaitCallback callback) => Queue(callback, null);

    [Redirect(Pool, "QueueUserWorkItem")]
    public static bool Queue(WaitCallback callback, object? state)
    {
        var edges = new Edges();
        edges.Start.Release(RaceThread.Current);
        return ThreadPool.QueueUserWorkItem(o => edges.Run(() => callback(o)), state);
    }

    [Redirect(Pool, "QueueUserWorkItem")]
    public static bool Queue<T>(Action<T> callback, T state, bool preferLocal)
    {
        var edges = new Edges();
        edges.Start.Release(RaceThread.Current);
        return ThreadPool.QueueUserWorkItem(o => edges.Run(() => callback(o)), state, preferLocal);
    }

    [Redirect(Pool, "UnsafeQueueUserWorkItem")]
    public static bool UnsafeQueue(WaitCallback callback, object? state)
    {
        var edges = new Edges();
        edges.Start.Release(RaceThread.Current);
        return ThreadPool.UnsafeQueueUserWorkItem(o => edges.Run(() => callback(o)), state);
    }

    [Redirect(TimerType, ".ctor")]
    public static Timer NewTimer(TimerCallback callback) => NewTimer(callback, e => new Timer(o => e.Run(() => callback(o))));

    [Redirect(TimerType, ".ctor")]
    public static Timer NewTimer(TimerCallback callback, object? state, int dueMs, int periodMs) =>
        NewTimer(callback, e => new Timer(o => e.Run(() => callback(o)), state, dueMs, periodMs));

    [Redirect(TimerType, ".ctor")]
    public static Timer NewTimer(TimerCallback callback, object? state, long dueMs, long periodMs) =>
        NewTimer(callback, e => new Timer(o => e.Run(() => callback(o)), state, dueMs, periodMs));

    [Redirect(TimerType, ".ctor")]
    public static Timer NewTimer(TimerCallback callback, object? state, uint dueMs, uint periodMs) =>
        NewTimer(callback, e => new Timer(o => e.Run(() => callback(o)), state, dueMs, periodMs));

    [Redirect(TimerType, ".ctor")]
    public static Timer NewTimer(TimerCallback callback, object? state, TimeSpan due, TimeSpan period) =>
        NewTimer(callback, e => new Timer(o => e.Run(() => callback(o)), state, due, period));

    [Redirect(TimerType, "Change", Instance = true)]
    public static bool Change(Timer t, int dueMs, int periodMs) { Released(t); return t.Change(dueMs, periodMs); }

    [Redirect(TimerType, "Change", Instance = true)]
    public static bool Change(Timer t, long dueMs, long periodMs) { Released(t); return t.Change(dueMs, periodMs); }

    [Redirect(TimerType, "Change", Instance = true)]
    public static bool Change(Timer t, TimeSpan due, TimeSpan period) { Released(t); return t.Change(due, period); }

    /// <summary>Dispose(WaitHandle) sets the handle once no callback runs: a wait on it joins every callback's end.</summary>
    [Redirect(TimerType, "Dispose", Instance = true)]
    public static bool Dispose(Timer t, WaitHandle notify)
    {
        if (s_edges.TryGetValue(t, out Edges? edges))
        {
            SyncPoint.Of(notify).Link(edges.End);
        }

        return t.Dispose(notify);
    }

    private static Timer NewTimer(TimerCallback callback, Func<Edges, Timer> create)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var edges = new Edges();
        edges.Start.Release(RaceThread.Current); // the creator's set-up is visible to every callback
        Timer timer = create(edges);
        s_edges.AddOrUpdate(timer, edges);
        return timer;
    }

    private static Thread Register(Edges edges, Func<Edges, Thread> create)
    {
        Thread thread = create(edges);
        s_edges.AddOrUpdate(thread, edges);
        return thread;
    }

    private static void Released(object o)
    {
        if (s_edges.TryGetValue(o, out Edges? edges))
        {
            edges.Start.Release(RaceThread.Current);
        }
    }

    private static void Ended(Thread t)
    {
        if (s_edges.TryGetValue(t, out Edges? edges))
        {
            edges.End.Acquire(RaceThread.Current);
        }
    }

    private static bool Ended(bool joined, Thread t)
    {
        if (joined)
        {
            Ended(t);
        }

        return joined;
    }
}

namespace Tracer.Engine.Symbols;

/// <summary>
/// Tells from a stack (resolved frames, innermost first) what a thread waits in, and whether that wait is one of the
/// program's idle points. The one place that reads meaning into wait stacks: live traces, replays and snapshots all
/// ask here.
/// <para>
/// The primitive is the outermost recognised framework frame below the first user frame: the API the program called
/// (a SemaphoreSlim.Wait is built on Monitor.Wait; the SemaphoreSlim is named). Idle points, where a thread waits
/// because it has nothing to do (docs/findings.md says why each is idle):
/// a stack with no user code (the pool's gate thread, timers, the finalizer, the counter poller, framework loops such
/// as Kestrel's heartbeat or the console logger's queue); the host's lifetime wait (app.Run(), host.RunAsync(), the
/// async Main that awaits them); a consumer waiting for work on an empty BlockingCollection.
/// </para>
/// </summary>
public static class WaitClassifier
{
    // Matched as prefixes of a frame without generic arguments and arity ("Task`1[System.Int32].get_Result" and
    // "Task<System.Int32>.get_Result" both read "System.Threading.Tasks.Task.get_Result"); the first match in this
    // list wins for one frame, so a longer prefix comes before a shorter one it extends.
    private static readonly (string Prefix, WaitKind Kind, string Name)[] s_apis =
    [
        ("System.Threading.Barrier.SignalAndWait", WaitKind.Barrier, "Barrier.SignalAndWait"),
        ("System.Collections.Concurrent.BlockingCollection.TryTake", WaitKind.CollectionTake, "BlockingCollection.TryTake"),
        ("System.Collections.Concurrent.BlockingCollection.Take", WaitKind.CollectionTake, "BlockingCollection.Take"),
        ("System.Collections.Concurrent.BlockingCollection.TryAdd", WaitKind.CollectionAdd, "BlockingCollection.Add"),
        ("System.Collections.Concurrent.BlockingCollection.Add", WaitKind.CollectionAdd, "BlockingCollection.Add"),
        ("System.Threading.CountdownEvent.Wait", WaitKind.CountdownEvent, "CountdownEvent.Wait"),
        ("System.Threading.SemaphoreSlim.Wait", WaitKind.SemaphoreSlim, "SemaphoreSlim.Wait"),
        ("System.Threading.ManualResetEventSlim.Wait", WaitKind.ManualResetEventSlim, "ManualResetEventSlim.Wait"),
        ("System.Threading.ReaderWriterLockSlim.", WaitKind.ReaderWriterLock, "ReaderWriterLockSlim"),
        ("System.Runtime.CompilerServices.TaskAwaiter", WaitKind.TaskWait, "GetAwaiter().GetResult()"),
        ("System.Runtime.CompilerServices.ConfiguredTaskAwaitable", WaitKind.TaskWait, "GetAwaiter().GetResult()"),
        ("System.Threading.Tasks.Task.get_Result", WaitKind.TaskWait, "Task.Result"),
        ("System.Threading.Tasks.Task.GetResultCore", WaitKind.TaskWait, "Task.Result"),
        ("System.Threading.Tasks.Task.WaitAll", WaitKind.TaskWait, "Task.WaitAll"),
        ("System.Threading.Tasks.Task.WaitAny", WaitKind.TaskWait, "Task.WaitAny"),
        ("System.Threading.Tasks.Task.Wait", WaitKind.TaskWait, "Task.Wait"),
        ("System.Threading.Tasks.Task.InternalWait", WaitKind.TaskWait, "Task.Wait"),
        ("System.Threading.Thread.Join", WaitKind.ThreadJoin, "Thread.Join"),
        ("System.Threading.WaitHandle.WaitAll", WaitKind.WaitHandle, "WaitHandle.WaitAll"),
        ("System.Threading.WaitHandle.WaitAny", WaitKind.WaitHandle, "WaitHandle.WaitAny"),
        ("System.Threading.WaitHandle.SignalAndWait", WaitKind.WaitHandle, "WaitHandle.SignalAndWait"),
        ("System.Threading.WaitHandle.Wait", WaitKind.WaitHandle, "WaitHandle.WaitOne"),
        ("System.Threading.Monitor.Wait", WaitKind.MonitorWait, "Monitor.Wait"),
        ("System.Threading.Monitor.ObjWait", WaitKind.MonitorWait, "Monitor.Wait"),
        ("System.Threading.Monitor.TryEnter", WaitKind.MonitorEnter, "Monitor.TryEnter"),
        ("System.Threading.Monitor.Enter", WaitKind.MonitorEnter, "Monitor.Enter (lock)"),
        ("System.Threading.Monitor.ReliableEnter", WaitKind.MonitorEnter, "Monitor.Enter (lock)"),
        ("System.Threading.Lock.TryEnter", WaitKind.LockEnter, "Lock.TryEnter"),
        ("System.Threading.Lock.Enter", WaitKind.LockEnter, "Lock.Enter"),
        ("System.Threading.Thread.Sleep", WaitKind.Sleep, "Thread.Sleep"),
    ];

    // The host's lifetime wait: framework frames between the blocking call and the user's Main.
    private static readonly string[] s_hostLifetime =
    [
        "Microsoft.Extensions.Hosting.",
        "Microsoft.AspNetCore.Builder.WebApplication.Run",
        "Microsoft.AspNetCore.Hosting.",
    ];

    /// <summary>What the stack waits in. A stack that resolved to nothing (no frames) is <see cref="WaitClass.Unknown"/>.</summary>
    public static WaitClass Classify(IReadOnlyList<string> frames)
    {
        if (frames.Count == 0)
        {
            return WaitClass.Unknown;
        }

        int firstUser = FirstUserFrame(frames);
        if (firstUser < 0)
        {
            return new WaitClass(WaitKind.None, null, -1, IdlePoint.RuntimeThread);
        }

        WaitKind kind = WaitKind.None;
        string? name = null;
        int index = -1;
        for (int i = firstUser - 1; i >= 0 && index < 0; i--)
        {
            string frame = frames[i];
            if (frame.Contains("BlockingCollection`1+<GetConsumingEnumerable>", StringComparison.Ordinal))
            {
                (kind, name, index) = (WaitKind.CollectionTake, "BlockingCollection.GetConsumingEnumerable", i);
                break;
            }

            string plain = WithoutGenerics(frame);
            foreach ((string prefix, WaitKind k, string n) in s_apis)
            {
                if (plain.StartsWith(prefix, StringComparison.Ordinal))
                {
                    (kind, name, index) = (k, n, i);
                    break;
                }
            }
        }

        return new WaitClass(kind, name, index, IdleOf(frames, firstUser, kind));
    }

    /// <summary>The runtime's counter poller at work (it samples counters for the tracer's own session): its locks and
    /// waits are the tracer's, never the target's.</summary>
    public static bool IsCounterPoller(IReadOnlyList<string> frames) =>
        frames.Any(f => f.StartsWith("System.Diagnostics.Tracing.CounterGroup.", StringComparison.Ordinal));

    /// <summary>The wait is a blocking enter of a lock (<c>lock</c>, Monitor.Enter, Lock.Enter, not a TryEnter that can
    /// time out): it ends with the thread holding the lock.</summary>
    public static bool EndsHoldingTheLock(IReadOnlyList<string> frames) =>
        Classify(frames) is { Kind: WaitKind.MonitorEnter or WaitKind.LockEnter, Primitive: not ("Monitor.TryEnter" or "Lock.TryEnter") };

    /// <summary>The primitive's name, or null when no frame is recognised.</summary>
    public static string? Primitive(IReadOnlyList<string> frames) => Classify(frames).Primitive;

    private static IdlePoint IdleOf(IReadOnlyList<string> frames, int firstUser, WaitKind kind)
    {
        for (int i = 0; i < firstUser; i++)
        {
            foreach (string host in s_hostLifetime)
            {
                if (frames[i].StartsWith(host, StringComparison.Ordinal))
                {
                    return IdlePoint.HostLifetime;
                }
            }
        }

        // The compiler's entry point for an async Main: it blocks in GetAwaiter().GetResult() on the real Main's task.
        if (kind == WaitKind.TaskWait && frames[firstUser].Contains(".<Main>(", StringComparison.Ordinal))
        {
            return IdlePoint.HostLifetime;
        }

        return kind == WaitKind.CollectionTake ? IdlePoint.QueueConsumer : IdlePoint.None;
    }

    /// <summary>"A.B`1[X].C" and "A.B&lt;X&gt;.C" both become "A.B.C".</summary>
    public static string WithoutGenerics(string frame)
    {
        if (frame.AsSpan().IndexOfAny("[<`") < 0)
        {
            return frame;
        }

        var text = new System.Text.StringBuilder(frame.Length);
        int depth = 0;
        for (int i = 0; i < frame.Length; i++)
        {
            char c = frame[i];
            if (c is '[' or '<')
            {
                depth++;
            }
            else if (c is ']' or '>')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0 && c == '`')
            {
                while (i + 1 < frame.Length && char.IsDigit(frame[i + 1]))
                {
                    i++;
                }
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>Index of the innermost user frame, or -1 when the stack is all framework code.</summary>
    public static int FirstUserFrame(IReadOnlyList<string> frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            if (!StackResolver.IsFrameworkFrame(frames[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True for calls whose owner a snapshot can name (the lock's holder).</summary>
    public static bool HasOwner(WaitKind kind) => kind is WaitKind.MonitorEnter or WaitKind.LockEnter;

    /// <summary>How a kind of call reads in a report (when the exact API is not at hand).</summary>
    public static string Describe(WaitKind kind) => kind switch
    {
        WaitKind.MonitorEnter => "Monitor.Enter (lock)",
        WaitKind.LockEnter => "Lock.Enter",
        WaitKind.MonitorWait => "Monitor.Wait",
        WaitKind.SemaphoreSlim => "SemaphoreSlim.Wait",
        WaitKind.WaitHandle => "WaitHandle.WaitOne",
        WaitKind.ManualResetEventSlim => "ManualResetEventSlim.Wait",
        WaitKind.CountdownEvent => "CountdownEvent.Wait",
        WaitKind.Barrier => "Barrier.SignalAndWait",
        WaitKind.ThreadJoin => "Thread.Join",
        WaitKind.TaskWait => "Task.Wait / .Result (sync over async)",
        WaitKind.CollectionTake => "BlockingCollection.Take",
        WaitKind.CollectionAdd => "BlockingCollection.Add",
        WaitKind.ReaderWriterLock => "ReaderWriterLockSlim",
        WaitKind.Sleep => "Thread.Sleep",
        _ => "running",
    };
}

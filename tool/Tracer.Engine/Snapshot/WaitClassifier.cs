using Tracer.Engine.Symbols;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Tells from a stack what a thread is blocked in. Only the framework frames below the first user frame count: a
/// SemaphoreSlim.Wait is built on Monitor.Wait, so the outermost blocking API the user called is the one named.
/// A stack with no user frame (idle pool workers, the finalizer, timers) is the runtime's own business: None.
/// </summary>
public static class WaitClassifier
{
    // Outermost match wins, so the order here does not matter; prefixes are "Namespace.Type.Method" with generic
    // arguments and arity removed (Task`1[System.Int32] and Task<System.Int32> both read Task).
    private static readonly (string Prefix, WaitKind Kind)[] s_apis =
    [
        ("System.Threading.Monitor.Enter", WaitKind.MonitorEnter),
        ("System.Threading.Monitor.ReliableEnter", WaitKind.MonitorEnter),
        ("System.Threading.Monitor.TryEnter", WaitKind.MonitorEnter),
        ("System.Threading.Lock.Enter", WaitKind.LockEnter),
        ("System.Threading.Lock.TryEnter", WaitKind.LockEnter),
        ("System.Threading.Monitor.Wait", WaitKind.MonitorWait),
        ("System.Threading.Monitor.ObjWait", WaitKind.MonitorWait),
        ("System.Threading.SemaphoreSlim.Wait", WaitKind.SemaphoreSlim),
        ("System.Threading.WaitHandle.Wait", WaitKind.WaitHandle),
        ("System.Threading.WaitHandle.SignalAndWait", WaitKind.WaitHandle),
        ("System.Threading.ManualResetEventSlim.Wait", WaitKind.ManualResetEventSlim),
        ("System.Threading.CountdownEvent.Wait", WaitKind.CountdownEvent),
        ("System.Threading.Barrier.SignalAndWait", WaitKind.Barrier),
        ("System.Threading.Thread.Join", WaitKind.ThreadJoin),
        ("System.Threading.Tasks.Task.Wait", WaitKind.TaskWait),
        ("System.Threading.Tasks.Task.InternalWait", WaitKind.TaskWait),
        ("System.Threading.Tasks.Task.get_Result", WaitKind.TaskWait),
        ("System.Threading.Tasks.Task.GetResultCore", WaitKind.TaskWait),
        ("System.Runtime.CompilerServices.TaskAwaiter.GetResult", WaitKind.TaskWait),
        ("System.Runtime.CompilerServices.TaskAwaiter.HandleNonSuccessAndDebuggerNotification", WaitKind.TaskWait),
        ("System.Collections.Concurrent.BlockingCollection.Take", WaitKind.CollectionTake),
        ("System.Collections.Concurrent.BlockingCollection.TryTake", WaitKind.CollectionTake),
        ("System.Threading.Thread.Sleep", WaitKind.Sleep),
    ];

    /// <summary>The blocking call and the index of its frame (-1 when None).</summary>
    public static (WaitKind Kind, int FrameIndex) Classify(IReadOnlyList<string> frames)
    {
        int firstUser = FirstUserFrame(frames);
        if (firstUser < 0)
        {
            return (WaitKind.None, -1);
        }

        for (int i = firstUser - 1; i >= 0; i--)
        {
            string frame = WithoutGenerics(frames[i]);
            foreach ((string prefix, WaitKind kind) in s_apis)
            {
                if (frame.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return (kind, i);
                }
            }
        }

        return (WaitKind.None, -1);
    }

    /// <summary>"A.B`1[X].C" and "A.B&lt;X&gt;.C" both become "A.B.C".</summary>
    public static string WithoutGenerics(string frame)
    {
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

    /// <summary>How the call reads in a report.</summary>
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
        WaitKind.Sleep => "Thread.Sleep",
        _ => "running",
    };
}

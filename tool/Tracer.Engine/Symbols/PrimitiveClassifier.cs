namespace Tracer.Engine.Symbols;

/// <summary>
/// Names the synchronization primitive a thread blocks in from its resolved frames (innermost first), e.g.
/// "Barrier.SignalAndWait" for a stack that ends in Monitor.Wait under ManualResetEventSlim.Wait under Barrier.
/// The answer is the outermost recognised framework frame below user code: the API the program called.
/// </summary>
public static class PrimitiveClassifier
{
    // Checked in order against a frame with generic arguments removed; the first pattern a frame contains wins.
    private static readonly (string Pattern, string Name)[] s_patterns =
    [
        ("System.Threading.Barrier.SignalAndWait", "Barrier.SignalAndWait"),
        ("System.Collections.Concurrent.BlockingCollection`1.Take", "BlockingCollection.Take"),
        ("System.Collections.Concurrent.BlockingCollection`1.TryTake", "BlockingCollection.TryTake"),
        ("System.Collections.Concurrent.BlockingCollection`1.Add", "BlockingCollection.Add"),
        ("System.Collections.Concurrent.BlockingCollection`1.TryAdd", "BlockingCollection.Add"),
        ("System.Collections.Concurrent.BlockingCollection`1+<GetConsumingEnumerable>", "BlockingCollection.GetConsumingEnumerable"),
        ("System.Threading.CountdownEvent.Wait", "CountdownEvent.Wait"),
        ("System.Threading.SemaphoreSlim.Wait", "SemaphoreSlim.Wait"),
        ("System.Threading.ManualResetEventSlim.Wait", "ManualResetEventSlim.Wait"),
        ("System.Threading.ReaderWriterLockSlim.", "ReaderWriterLockSlim"),
        ("System.Runtime.CompilerServices.TaskAwaiter", "GetAwaiter().GetResult()"),
        ("System.Runtime.CompilerServices.ConfiguredTaskAwaitable", "GetAwaiter().GetResult()"),
        ("System.Threading.Tasks.Task`1.get_Result", "Task.Result"),
        ("System.Threading.Tasks.Task`1.GetResultCore", "Task.Result"),
        ("System.Threading.Tasks.Task.WaitAll", "Task.WaitAll"),
        ("System.Threading.Tasks.Task.WaitAny", "Task.WaitAny"),
        ("System.Threading.Tasks.Task.Wait", "Task.Wait"),
        ("System.Threading.Tasks.Task.InternalWait", "Task.Wait"),
        ("System.Threading.Thread.Join", "Thread.Join"),
        ("System.Threading.WaitHandle.WaitAll", "WaitHandle.WaitAll"),
        ("System.Threading.WaitHandle.WaitAny", "WaitHandle.WaitAny"),
        ("System.Threading.WaitHandle.SignalAndWait", "WaitHandle.SignalAndWait"),
        ("System.Threading.WaitHandle.WaitOne", "WaitHandle.WaitOne"),
        ("System.Threading.Monitor.Wait", "Monitor.Wait"),
        ("System.Threading.Monitor.Enter", "Monitor.Enter (lock)"),
        ("System.Threading.Monitor.ReliableEnter", "Monitor.Enter (lock)"),
        ("System.Threading.Monitor.TryEnter", "Monitor.TryEnter"),
        ("System.Threading.Lock.Enter", "Lock.Enter"),
        ("System.Threading.Lock.TryEnter", "Lock.TryEnter"),
        ("System.Threading.Thread.Sleep", "Thread.Sleep"),
    ];

    /// <summary>The primitive's name, or null when no frame is recognised.</summary>
    public static string? Classify(IReadOnlyList<string> frames)
    {
        // The framework frames between the innermost frame and the first user frame, outermost (nearest the user) first.
        int firstUser = frames.Count;
        for (int i = 0; i < frames.Count; i++)
        {
            if (!StackResolver.IsFrameworkFrame(frames[i]))
            {
                firstUser = i;
                break;
            }
        }

        for (int i = firstUser - 1; i >= 0; i--)
        {
            if (Match(frames[i]) is string name)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Like <see cref="Classify"/>, with a fallback that says what kind of wait it was.</summary>
    public static string Describe(IReadOnlyList<string> frames, string fallback) => Classify(frames) ?? fallback;

    private static string? Match(string frame)
    {
        string plain = StripGenericArguments(frame);
        foreach ((string pattern, string name) in s_patterns)
        {
            if (plain.Contains(pattern, StringComparison.Ordinal))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>"A`1[System.Int32].M" → "A`1.M", so patterns do not depend on the type arguments.</summary>
    private static string StripGenericArguments(string frame)
    {
        if (!frame.Contains('['))
        {
            return frame;
        }

        var text = new System.Text.StringBuilder(frame.Length);
        int depth = 0;
        foreach (char c in frame)
        {
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}

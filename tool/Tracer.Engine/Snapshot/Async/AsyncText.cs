using System.Globalization;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>How async flows and what they await read in a report.</summary>
public static class AsyncText
{
    /// <summary>"NS.Outer+Service.HandleAsync" → "Service.HandleAsync" (the type the user wrote and the method).</summary>
    public static string Method(string method)
    {
        int dot = method.LastIndexOf('.');
        if (dot < 0)
        {
            return method;
        }

        string type = method[..dot];
        int nested = type.LastIndexOf('+');
        int ns = type.LastIndexOf('.');
        return $"{type[(Math.Max(nested, ns) + 1)..]}{method[dot..]}";
    }

    /// <summary>The declaring type of a flow's method (to relate a faulted flow to its siblings).</summary>
    public static string DeclaringType(string method)
    {
        int dot = method.LastIndexOf('.');
        return dot < 0 ? method : method[..dot];
    }

    public static string Awaited(AsyncFlow f, AsyncHeap heap)
    {
        if (heap.Semaphores.FirstOrDefault(s => s.AsyncWaiters.Contains(f.Awaited)) is AsyncSemaphore s)
        {
            return $"SemaphoreSlim.WaitAsync of SemaphoreSlim 0x{s.Address:x} ({Permits(s)})";
        }

        if (heap.CompletionSources.FirstOrDefault(c => c.Task == f.Awaited) is AsyncCompletionSource c)
        {
            return $"the Task of {Generic(c.TypeName)} 0x{c.Address:x}, not completed";
        }

        if (heap.Channels.FirstOrDefault(ch => ch.ReaderWaiters.Contains(f.Awaited)) is AsyncChannel ch)
        {
            return $"a read of {Generic(ch.TypeName)} 0x{ch.Address:x} ({Channel(ch)})";
        }

        if (heap.Flows.FirstOrDefault(other => other.Box == f.Awaited) is AsyncFlow inner)
        {
            return Method(inner.Method);
        }

        return f.AwaitedType is null ? "an unknown object" : $"{Generic(f.AwaitedType)} 0x{f.Awaited:x}";
    }

    public static string Permits(AsyncSemaphore s) => s.MaxCount == int.MaxValue
        ? string.Create(CultureInfo.InvariantCulture, $"{s.CurrentCount} permits free")
        : string.Create(CultureInfo.InvariantCulture, $"{s.CurrentCount} of {s.MaxCount} permits free");

    public static string Channel(AsyncChannel c) =>
        $"{(c.Items < 0 ? "items unknown" : $"{c.Items} items")}, writer {(c.WriterCompleted ? "completed" : "not completed")}";

    /// <summary>"System.Threading.Channels.BoundedChannel&lt;System.Int32&gt;" → "BoundedChannel&lt;Int32&gt;".</summary>
    public static string Generic(string typeName)
    {
        var text = new System.Text.StringBuilder(typeName.Length);
        int segmentStart = 0;
        for (int i = 0; i <= typeName.Length; i++)
        {
            char c = i < typeName.Length ? typeName[i] : '\0';
            if (c is '<' or '>' or ',' or '\0' or '[' or ']')
            {
                string segment = typeName[segmentStart..i].Trim();
                int dot = segment.LastIndexOf('.');
                text.Append(dot >= 0 ? segment[(dot + 1)..] : segment);
                if (c != '\0')
                {
                    text.Append(c == ',' ? ", " : c.ToString());
                }

                segmentStart = i + 1;
            }
        }

        return text.ToString();
    }
}

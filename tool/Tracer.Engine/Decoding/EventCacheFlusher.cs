using System.Reflection;
using Microsoft.Diagnostics.Tracing;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Makes a live EventPipeEventSource dispatch what it has. TraceEvent queues each thread's events and dispatches them
/// in timestamp order only at sequence points (every ~10 MB of trace) or at the end, so a quiet deadlocked process
/// would show nothing until tracing stops. Flushing that cache whenever the decoder has consumed every byte that
/// arrived gives live latency equal to EventPipe's own (~100 ms); order across threads then holds within what has
/// arrived, and the detectors do not depend on order between threads.
/// </summary>
internal sealed class EventCacheFlusher(EventPipeEventSource source)
{
    private static readonly PropertyInfo? s_cacheProperty =
        typeof(EventPipeEventSource).GetProperty("EventCache", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly MethodInfo? s_flush =
        s_cacheProperty?.PropertyType.GetMethod("Flush", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);

    /// <summary>False when this TraceEvent build has no such cache (then events arrive at sequence points only).</summary>
    public static bool Available => s_flush is not null;

    /// <summary>Dispatches every cached event. The cache is created when processing starts, so look it up each time.</summary>
    public void Flush()
    {
        object? cache = s_cacheProperty?.GetValue(source);
        if (cache is not null)
        {
            s_flush!.Invoke(cache, null);
        }
    }
}

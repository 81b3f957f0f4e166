using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>Reads the primitives that complete async waits (.NET 10 field names; see docs/async-hangs.md).</summary>
internal static class AsyncPrimitives
{
    public static AsyncSemaphore ReadSemaphore(ClrObject obj)
    {
        var waiters = new List<ulong>();
        ClrObject node = obj.ReadObjectField("m_asyncHead");
        while (!node.IsNull && node.IsValid && waiters.Count < 100_000)
        {
            waiters.Add(node.Address);
            node = node.ReadObjectField("Next");
        }

        return new AsyncSemaphore(obj.Address, obj.ReadField<int>("m_currentCount"), obj.ReadField<int>("m_maxCount"), obj.ReadField<int>("m_waitCount"), waiters);
    }

    public static AsyncChannel ReadChannel(ClrObject obj, bool bounded)
    {
        var waiters = new List<ulong>();
        foreach (string head in new[] { "_blockedReadersHead", "_waitingReadersHead" })
        {
            if (!obj.TryReadObjectField(head, out ClrObject op))
            {
                continue;
            }

            while (!op.IsNull && op.IsValid && waiters.Count < 100_000 && !waiters.Contains(op.Address))
            {
                waiters.Add(op.Address);
                op = op.ReadObjectField("<Next>k__BackingField");
            }
        }

        int items = bounded && obj.TryReadObjectField("_items", out ClrObject deque) && !deque.IsNull ? deque.ReadField<int>("_size") : -1;
        bool done = obj.TryReadObjectField("_doneWriting", out ClrObject doneWriting) && !doneWriting.IsNull;
        return new AsyncChannel(obj.Address, obj.Type?.Name ?? "Channel", items, done, waiters);
    }

    public static string ExceptionOf(ClrObject task)
    {
        ClrObject holder = task.ReadObjectField("m_contingentProperties") is { IsNull: false } props ? props.ReadObjectField("m_exceptionsHolder") : default;
        ClrObject list = holder.IsNull || !holder.IsValid ? default : holder.ReadObjectField("m_faultExceptions");
        ClrObject items = list.IsNull || !list.IsValid ? default : list.ReadObjectField("_items");
        if (items.IsNull || !items.IsValid || items.AsArray().Length == 0)
        {
            return "an exception";
        }

        ClrObject info = items.AsArray().GetObjectValue(0);
        ClrObject exception = info.IsNull ? default : info.ReadObjectField("_exception");
        if (exception.IsNull || !exception.IsValid)
        {
            return "an exception";
        }

        string? message = exception.ReadStringField("_message");
        return string.IsNullOrEmpty(message) ? exception.Type?.Name ?? "an exception" : $"{exception.Type?.Name}: {message}";
    }
}

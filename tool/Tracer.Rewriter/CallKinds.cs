using Mono.Cecil;

namespace Tracer.Rewriter;

/// <summary>How a call to a framework method is instrumented, by its declaring type and name.</summary>
internal enum CallKind
{
    None,
    /// <summary>A non-thread-safe collection method (checked like a field of the collection).</summary>
    CollectionRead,
    CollectionWrite,
    /// <summary>The same through a collection interface: checked only if the object is such a collection.</summary>
    InterfaceRead,
    InterfaceWrite,
    /// <summary>A thread-safe collection or channel: a hand-off (release before, acquire after).</summary>
    Handoff,
    /// <summary>Interlocked / Volatile: one global atomic clock (release before, acquire after).</summary>
    Atomic,
    /// <summary>GetResult of an awaiter the runtime does not model (ValueTask, custom): ordered after everything.</summary>
    Unmodelled,
}

internal static class CallKinds
{
    private static readonly HashSet<string> s_collections =
    [
        "System.Collections.Generic.List`1", "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.SortedDictionary`2",
        "System.Collections.Generic.SortedList`2", "System.Collections.Generic.SortedSet`1", "System.Collections.Generic.LinkedList`1",
        "System.Collections.Generic.PriorityQueue`2", "System.Collections.ArrayList", "System.Collections.Hashtable",
    ];

    private static readonly HashSet<string> s_interfaces =
    [
        "System.Collections.Generic.ICollection`1", "System.Collections.Generic.IList`1", "System.Collections.Generic.IDictionary`2",
        "System.Collections.Generic.ISet`1", "System.Collections.IList", "System.Collections.IDictionary",
    ];

    private static readonly HashSet<string> s_writers =
    [
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "set_Item", "Push", "Pop", "TryPop", "Enqueue", "Dequeue", "TryDequeue", "EnqueueDequeue", "DequeueEnqueue", "TryAdd",
        "Sort", "Reverse", "AddFirst", "AddLast", "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast", "UnionWith",
        "IntersectWith", "ExceptWith", "SymmetricExceptWith", "TrimExcess", "EnsureCapacity", "set_Capacity",
    ];

    public static CallKind Of(MethodReference called)
    {
        string type = called.DeclaringType.GetElementType().FullName;
        if (type is "System.Threading.Interlocked" or "System.Threading.Volatile")
        {
            return CallKind.Atomic;
        }

        if (called.Name == "GetResult" && TypeNames.StripArity(type).EndsWith("Awaiter", StringComparison.Ordinal))
        {
            return CallKind.Unmodelled; // the modelled awaiters are redirected before this is asked
        }

        if (type is "System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.ValueTask`1" && called.Name == "get_Result")
        {
            return CallKind.Unmodelled;
        }

        if (!called.HasThis || called.Name == ".ctor")
        {
            return CallKind.None;
        }

        bool write = s_writers.Contains(called.Name);
        if (s_collections.Contains(type))
        {
            return write ? CallKind.CollectionWrite : CallKind.CollectionRead;
        }

        if (s_interfaces.Contains(type))
        {
            return write ? CallKind.InterfaceWrite : CallKind.InterfaceRead;
        }

        return type.StartsWith("System.Collections.Concurrent.", StringComparison.Ordinal)
            || type.StartsWith("System.Threading.Channels.Channel", StringComparison.Ordinal)
            ? CallKind.Handoff
            : CallKind.None;
    }

    /// <summary>"List.Add" for reports.</summary>
    public static string Target(MethodReference called) => $"{TypeNames.Short(called.DeclaringType.GetElementType())}.{called.Name}";
}

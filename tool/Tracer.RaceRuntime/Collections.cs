using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Tracer.RaceRuntime;

/// <summary>
/// Thread-safety violations (TSVD's idea): calls on one non-thread-safe collection from two threads, one a writer, not
/// ordered by happens-before. The collection's shadow hangs off the object; the rewriter says which calls write.
/// </summary>
public static class Collections
{
    private static readonly ConditionalWeakTable<object, Shadow> s_shadows = new();
    private static readonly ConcurrentDictionary<Type, bool> s_unsafeTypes = new();

    /// <summary>A call on a receiver whose static type is a known non-thread-safe collection.</summary>
    public static void Call(object? collection, int site, bool write)
    {
        if (collection is null)
        {
            return;
        }

        Shadow shadow = s_shadows.GetValue(collection, static _ => new Shadow("collection"));
        if (write)
        {
            shadow.Write(site);
        }
        else
        {
            shadow.Read(site);
        }
    }

    /// <summary>A call through a collection interface: checked only when the object is a non-thread-safe collection.</summary>
    public static void InterfaceCall(object? collection, int site, bool write)
    {
        if (collection is not null && s_unsafeTypes.GetOrAdd(collection.GetType(), IsUnsafe))
        {
            Call(collection, site, write);
        }
    }

    private static bool IsUnsafe(Type type)
    {
        Type definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition == typeof(List<>) || definition == typeof(Dictionary<,>) || definition == typeof(HashSet<>)
            || definition == typeof(Queue<>) || definition == typeof(Stack<>) || definition == typeof(SortedDictionary<,>)
            || definition == typeof(SortedList<,>) || definition == typeof(SortedSet<>) || definition == typeof(LinkedList<>)
            || definition == typeof(ArrayList) || definition == typeof(Hashtable);
    }
}

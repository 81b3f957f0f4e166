using System.Collections.Concurrent;

namespace Tracer.RaceRuntime;

/// <summary>
/// ConcurrentDictionary's value factories run inside the call, after its hand-off release: the value a factory builds
/// is published again when the factory returns, before the dictionary adds it, so a thread that gets the value (its
/// acquire after the call) sees the factory's writes (<see cref="Handoffs"/>); an update factory acquires before it
/// reads the value it updates.
/// </summary>
public static class FactoryCalls
{
    private const string Dictionary = "System.Collections.Concurrent.ConcurrentDictionary`2";

    [Redirect(Dictionary, "GetOrAdd", Instance = true)]
    public static TValue GetOrAdd<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, TKey key, Func<TKey, TValue> factory)
        where TKey : notnull
    {
        Handoffs.Before(map);
        TValue value = map.GetOrAdd(key, k => Published(map, factory(k)));
        Handoffs.After(map);
        return value;
    }

    [Redirect(Dictionary, "GetOrAdd", Instance = true)]
    public static TValue GetOrAdd<TKey, TValue, TArg>(ConcurrentDictionary<TKey, TValue> map, TKey key, Func<TKey, TArg, TValue> factory, TArg argument)
        where TKey : notnull
    {
        Handoffs.Before(map);
        TValue value = map.GetOrAdd(key, (k, a) => Published(map, factory(k, a)), argument);
        Handoffs.After(map);
        return value;
    }

    [Redirect(Dictionary, "AddOrUpdate", Instance = true)]
    public static TValue AddOrUpdate<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, TKey key, Func<TKey, TValue> add, Func<TKey, TValue, TValue> update)
        where TKey : notnull
    {
        Handoffs.Before(map);
        TValue value = map.AddOrUpdate(key, k => Published(map, add(k)), (k, old) => Published(map, update(k, Seen(map, old))));
        Handoffs.After(map);
        return value;
    }

    [Redirect(Dictionary, "AddOrUpdate", Instance = true)]
    public static TValue AddOrUpdate<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, TKey key, TValue addValue, Func<TKey, TValue, TValue> update)
        where TKey : notnull
    {
        Handoffs.Before(map);
        TValue value = map.AddOrUpdate(key, addValue, (k, old) => Published(map, update(k, Seen(map, old))));
        Handoffs.After(map);
        return value;
    }

    /// <summary>An update factory reads the value another thread's factory made: acquire it before the factory runs.</summary>
    private static TValue Seen<TValue>(object map, TValue old)
    {
        Handoffs.After(map);
        return old;
    }

    private static TValue Published<TValue>(object map, TValue value)
    {
        Handoffs.Before(map);
        return value;
    }
}

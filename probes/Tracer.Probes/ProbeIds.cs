using System.Runtime.CompilerServices;

namespace Tracer.Probes;

/// <summary>
/// Stable, unique per-process identities for probed objects. Hash codes are not unique and addresses move, so ids
/// come from one counter: wrappers take one at construction, arbitrary objects get one on first use.
/// </summary>
public static class ProbeIds
{
    private static readonly ConditionalWeakTable<object, StrongBox<long>> s_ids = new();
    private static readonly ConditionalWeakTable<object, StrongBox<long>>.CreateValueCallback s_create = _ => new StrongBox<long>(Next());
    private static long s_last;

    /// <summary>A fresh id, never 0.</summary>
    public static long Next() => Interlocked.Increment(ref s_last);

    /// <summary>The id of <paramref name="obj"/>, assigned on first call and kept for the object's lifetime.</summary>
    public static long Of(object obj) => s_ids.GetValue(obj, s_create).Value;
}

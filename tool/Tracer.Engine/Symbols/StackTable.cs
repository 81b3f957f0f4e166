using System.Runtime.InteropServices;

namespace Tracer.Engine.Symbols;

/// <summary>
/// Interns call stacks (return addresses, innermost first) so that thousands of identical waits share one copy.
/// Ids are dense and stable for the life of a trace. A lookup of a stack already seen allocates nothing.
/// </summary>
public sealed class StackTable
{
    private readonly List<ulong[]> _stacks;
    // hash -> first id with that hash; further ids with the same hash chain through _next.
    private readonly Dictionary<int, int> _firstByHash = new();
    private readonly List<int> _next = [];
    private readonly bool _readOnly;

    public StackTable() => _stacks = [];

    private StackTable(List<ulong[]> stacks)
    {
        _stacks = stacks;
        _readOnly = true;
    }

    public int Count => _stacks.Count;

    /// <summary>A copy to resolve stacks from on another thread (the interned arrays are never changed, so they are
    /// shared): one array of references. It cannot intern.</summary>
    internal StackTable CopyForReading() => new([.. _stacks]);

    public int Intern(ReadOnlySpan<ulong> addresses)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("a copy of a stack table is read-only");
        }

        if (addresses.IsEmpty)
        {
            return -1;
        }

        int hash = Hash(addresses);
        ref int first = ref CollectionsMarshal.GetValueRefOrAddDefault(_firstByHash, hash, out bool exists);
        if (exists)
        {
            for (int id = first; id >= 0; id = _next[id])
            {
                if (addresses.SequenceEqual(_stacks[id]))
                {
                    return id;
                }
            }
        }

        int newId = _stacks.Count;
        _stacks.Add(addresses.ToArray());
        _next.Add(exists ? first : -1);
        first = newId;
        return newId;
    }

    public ReadOnlySpan<ulong> Get(int id) => id < 0 || id >= _stacks.Count ? ReadOnlySpan<ulong>.Empty : _stacks[id];

    private static int Hash(ReadOnlySpan<ulong> addresses)
    {
        ulong h = 14695981039346656037UL;
        foreach (ulong a in addresses)
        {
            h = (h ^ a) * 1099511628211UL;
        }

        return (int)(h ^ (h >> 32));
    }
}

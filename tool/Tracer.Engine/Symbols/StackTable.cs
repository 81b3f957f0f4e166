namespace Tracer.Engine.Symbols;

/// <summary>
/// Interns call stacks (return addresses, innermost first) so that thousands of identical waits share one copy.
/// Ids are dense and stable for the life of a trace.
/// </summary>
public sealed class StackTable
{
    private readonly List<ulong[]> _stacks = [];
    private readonly Dictionary<StackKey, int> _ids = new();

    public int Count => _stacks.Count;

    public int Intern(ReadOnlySpan<ulong> addresses)
    {
        if (addresses.IsEmpty)
        {
            return -1;
        }

        var probe = new StackKey(addresses.ToArray());
        if (_ids.TryGetValue(probe, out int id))
        {
            return id;
        }

        id = _stacks.Count;
        _stacks.Add(probe.Addresses);
        _ids.Add(probe, id);
        return id;
    }

    public ReadOnlySpan<ulong> Get(int id) => id < 0 || id >= _stacks.Count ? ReadOnlySpan<ulong>.Empty : _stacks[id];

    private readonly struct StackKey(ulong[] addresses) : IEquatable<StackKey>
    {
        public ulong[] Addresses { get; } = addresses;

        public bool Equals(StackKey other) => Addresses.AsSpan().SequenceEqual(other.Addresses);

        public override bool Equals(object? obj) => obj is StackKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (ulong a in Addresses)
            {
                hash.Add(a);
            }

            return hash.ToHashCode();
        }
    }
}

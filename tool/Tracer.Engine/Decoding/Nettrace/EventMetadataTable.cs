namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>What an event's metadata id stands for: only the fields the decoder needs (no parameter layout).</summary>
internal readonly record struct EventMetadata(TraceProvider Provider, int EventId, int Version, string Name);

/// <summary>
/// The metadata records of a trace (MetadataBlocks), by id. Ids are small and dense, so most live in an array; a hostile
/// id only costs a dictionary entry.
/// </summary>
internal sealed class EventMetadataTable
{
    private const int MaxDenseId = 1 << 16;
    private EventMetadata?[] _dense = new EventMetadata?[256];
    private readonly Dictionary<int, EventMetadata> _sparse = new();
    private readonly Dictionary<string, TraceProvider> _providers = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>Reads one MetadataBlock's body.</summary>
    public void ReadBlock(ReadOnlySpan<byte> block)
    {
        var cursor = new SpanCursor(block);
        short headerSize = (short)cursor.U16();
        if (headerSize < 20)
        {
            throw new FormatException($"a metadata block header of {headerSize} bytes (at least 20)");
        }

        bool compressed = (cursor.U16() & 1) != 0;
        cursor.Skip(headerSize - 4);
        EventHeader header = default;
        while (cursor.Remaining > 0)
        {
            header.Read(ref cursor, compressed);
            Add(cursor.Take(header.PayloadSize));
        }
    }

    public bool TryGet(int id, out EventMetadata metadata)
    {
        if ((uint)id < (uint)_dense.Length && _dense[id] is EventMetadata dense)
        {
            metadata = dense;
            return true;
        }

        return _sparse.TryGetValue(id, out metadata);
    }

    private void Add(ReadOnlySpan<byte> payload)
    {
        // MetaDataId i32, ProviderName UTF-16z, EventId i32, EventName UTF-16z, Keywords i64, Version i32, Level i32, then
        // the parameter layout (not needed: the decoder reads payloads by offset).
        var cursor = new SpanCursor(payload);
        int id = cursor.I32();
        string provider = cursor.Utf16z();
        int eventId = (ushort)cursor.I32();
        string name = cursor.Utf16z();
        cursor.I64();
        int version = (byte)cursor.I32();
        cursor.I32();

        if (!_providers.TryGetValue(provider, out TraceProvider kind))
        {
            kind = ProviderKinds.FromName(provider);
            if (_providers.Count < 4096)
            {
                _providers[provider] = kind;
            }
        }

        if (TryGet(id, out EventMetadata old))
        {
            throw new FormatException($"metadata id {id} defined twice ({old.Name}, then {name})");
        }

        var metadata = new EventMetadata(kind, eventId, version, name);
        if ((uint)id < MaxDenseId)
        {
            if (id >= _dense.Length)
            {
                Array.Resize(ref _dense, Math.Min(MaxDenseId, Math.Max(id + 1, _dense.Length * 2)));
            }

            _dense[id] = metadata;
        }
        else
        {
            _sparse[id] = metadata;
        }

        Count++;
    }
}

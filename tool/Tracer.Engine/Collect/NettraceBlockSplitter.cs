using System.Buffers.Binary;
using System.Text;

namespace Tracer.Engine.Collect;

/// <summary>The kinds of top-level objects in a nettrace V5 stream that the flight recorder tells apart.</summary>
internal enum NettraceBlockKind
{
    Metadata,
    Stack,
    Event,
    SequencePoint,
    Other,
}

/// <summary>
/// One whole block as it arrived, WITHOUT its alignment padding: <see cref="Bytes"/>[..PaddingAt] is the object
/// header up to and including the size field, the rest is the payload and the closing tag. Blocks are 4-byte aligned
/// to their position in the stream, so a writer that moves a block recomputes the padding (see <see cref="Write"/>).
/// </summary>
internal sealed record NettraceBlock(NettraceBlockKind Kind, byte[] Bytes, int PaddingAt)
{
    public int Length => Bytes.Length;

    /// <summary>Writes the block at <paramref name="position"/> (the output's length so far); returns the new length.</summary>
    public long Write(Stream output, long position)
    {
        output.Write(Bytes, 0, PaddingAt);
        position += PaddingAt;
        int padding = (int)((4 - (position & 3)) & 3);
        Span<byte> zeros = stackalloc byte[3];
        output.Write(zeros[..padding]);
        output.Write(Bytes, PaddingAt, Bytes.Length - PaddingAt);
        return position + padding + Bytes.Length - PaddingAt;
    }
}

/// <summary>
/// Cuts a nettrace V5 byte stream, fed in chunks of any size, into its header (magic and "Trace" object) and whole
/// blocks (FastSerialization objects: 5 5 1, version, min version, type name, 6, size, padding, payload, 6), up to the
/// end-of-stream marker (1). Anything it does not recognise stops it with <see cref="Problem"/> set.
/// </summary>
internal sealed class NettraceBlockSplitter
{
    /// <summary>EventPipe writes blocks of at most a few MB; anything bigger is not a block it wrote.</summary>
    public const int MaxBlockBytes = 64 << 20;

    private const int TraceObjectPayload = 48;
    private static readonly byte[] s_nettrace = Encoding.ASCII.GetBytes("Nettrace");
    private static readonly byte[] s_serialization = Encoding.ASCII.GetBytes("!FastSerialization.1");
    private byte[] _buffer = new byte[128 * 1024];
    private int _start;
    private int _end;
    private long _position; // stream offset of _buffer[_start]

    /// <summary>The stream's header (magic and the "Trace" object), once it has arrived.</summary>
    public byte[]? Header { get; private set; }

    /// <summary>The "Trace" object's clock: QPC at session start and QPC ticks per second (for SP timestamps).</summary>
    public (long SyncQpc, long QpcFrequency) Clock { get; private set; }

    public bool Ended { get; private set; }

    /// <summary>Why splitting stopped early: not V5, or broken framing. Bytes after that point are ignored.</summary>
    public string? Problem { get; private set; }

    /// <summary>Bytes still waiting for the rest of their block.</summary>
    public int Pending => _end - _start;

    /// <summary>Feeds bytes; calls <paramref name="onBlock"/> for each block completed by them.</summary>
    public void Feed(ReadOnlySpan<byte> data, Action<NettraceBlock> onBlock)
    {
        if (Ended || Problem is not null)
        {
            return;
        }

        Append(data);
        while (!Ended && Problem is null)
        {
            int used = Header is null ? TryReadHeader() : TryReadBlock(onBlock);
            if (used == 0)
            {
                break;
            }

            _start += used;
            _position += used;
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_buffer.Length - _end < data.Length)
        {
            int pending = _end - _start;
            byte[] target = pending + data.Length <= _buffer.Length ? _buffer : new byte[Math.Max(_buffer.Length * 2, pending + data.Length)];
            Buffer.BlockCopy(_buffer, _start, target, 0, pending);
            _buffer = target;
            _start = 0;
            _end = pending;
        }

        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    private int TryReadHeader()
    {
        ReadOnlySpan<byte> s = _buffer.AsSpan(_start, _end - _start);
        int magicEnd = s_nettrace.Length + 4 + s_serialization.Length;
        int traceName = magicEnd + 3 + 12;
        int total = traceName + 5 + 1 + TraceObjectPayload + 1;
        if (s.Length < total)
        {
            return 0;
        }

        if (!s[..s_nettrace.Length].SequenceEqual(s_nettrace)
            || BinaryPrimitives.ReadInt32LittleEndian(s[s_nettrace.Length..]) != s_serialization.Length
            || !s[(s_nettrace.Length + 4)..magicEnd].SequenceEqual(s_serialization)
            || s[magicEnd] != 5 || s[magicEnd + 1] != 5 || s[magicEnd + 2] != 1
            || BinaryPrimitives.ReadInt32LittleEndian(s[(magicEnd + 3)..]) != 4
            || BinaryPrimitives.ReadInt32LittleEndian(s[(magicEnd + 11)..]) != 5
            || !s.Slice(traceName, 5).SequenceEqual("Trace"u8)
            || s[traceName + 5] != 6 || s[total - 1] != 6)
        {
            Problem = "the stream is not in the nettrace V5 format the flight recorder can cut";
            return 0;
        }

        ReadOnlySpan<byte> payload = s.Slice(traceName + 6, TraceObjectPayload);
        Clock = (BinaryPrimitives.ReadInt64LittleEndian(payload[16..]), BinaryPrimitives.ReadInt64LittleEndian(payload[24..]));
        Header = s[..total].ToArray();
        return total;
    }

    private int TryReadBlock(Action<NettraceBlock> onBlock)
    {
        ReadOnlySpan<byte> s = _buffer.AsSpan(_start, _end - _start);
        if (s.Length < 1)
        {
            return 0;
        }

        if (s[0] == 1)
        {
            Ended = true; // end-of-stream marker
            return 1;
        }

        if (s.Length < 15)
        {
            return 0;
        }

        int typeLength = BinaryPrimitives.ReadInt32LittleEndian(s[11..]);
        if (s[0] != 5 || s[1] != 5 || s[2] != 1 || typeLength is < 1 or > 64)
        {
            return Broken();
        }

        int sizeAt = 15 + typeLength + 1;
        if (s.Length < sizeAt + 4)
        {
            return 0;
        }

        if (s[sizeAt - 1] != 6)
        {
            return Broken();
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(s[sizeAt..]);
        int paddingAt = sizeAt + 4;
        int padding = (int)((4 - ((_position + paddingAt) & 3)) & 3);
        if (size is < 0 or > MaxBlockBytes)
        {
            return Broken();
        }

        int total = paddingAt + padding + size + 1;
        if (s.Length < total)
        {
            return 0;
        }

        if (s[total - 1] != 6)
        {
            return Broken();
        }

        var bytes = new byte[total - padding];
        s[..paddingAt].CopyTo(bytes);
        s[(paddingAt + padding)..total].CopyTo(bytes.AsSpan(paddingAt));
        onBlock(new NettraceBlock(KindOf(s.Slice(15, typeLength)), bytes, paddingAt));
        return total;
    }

    private int Broken()
    {
        Problem = $"the block framing is broken at byte {_position:N0}";
        return 0;
    }

    private static NettraceBlockKind KindOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("EventBlock"u8) ? NettraceBlockKind.Event
        : name.SequenceEqual("StackBlock"u8) ? NettraceBlockKind.Stack
        : name.SequenceEqual("MetadataBlock"u8) ? NettraceBlockKind.Metadata
        : name.SequenceEqual("SPBlock"u8) ? NettraceBlockKind.SequencePoint
        : NettraceBlockKind.Other;

    /// <summary>The timestamp (QPC) a sequence-point block carries as its first field.</summary>
    public static long SequencePointTimestamp(NettraceBlock block) =>
        BinaryPrimitives.ReadInt64LittleEndian(block.Bytes.AsSpan(block.PaddingAt));
}

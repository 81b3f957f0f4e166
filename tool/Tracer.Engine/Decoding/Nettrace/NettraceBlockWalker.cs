using System.Text;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// The one parser of nettrace V5 framing (FastSerialization objects: 5 5 1, version, minimum reader version, type name,
/// 6, size, padding to 4 bytes, payload, 6; the stream ends with 1). The reader, the file scan and, through the
/// reader's <see cref="INettraceBlockObserver"/>, the flight recorder all walk blocks with it, so they agree on what a
/// block is and on its limits. It reads the frame only; what is inside a block is its consumer's business.
/// Malformed framing throws <see cref="FormatException"/> naming the byte; a stream that ends inside a frame throws
/// <see cref="EndOfStreamException"/>.
/// </summary>
internal sealed class NettraceBlockWalker
{
    /// <summary>EventPipe writes blocks of at most a few MB; anything bigger is not a block it wrote.</summary>
    public const int MaxBlockBytes = 64 << 20;

    /// <summary>Type names are short ASCII ("MetadataBlock" is the longest the runtime writes); 1..64 bytes.</summary>
    public const int MaxTypeNameBytes = 64;

    internal const byte NullReference = 1;
    internal const byte BeginPrivateObject = 5;
    internal const byte EndObject = 6;
    private const int TraceObjectBytes = 48;
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("Nettrace");
    private static readonly byte[] s_serialization = Encoding.ASCII.GetBytes("!FastSerialization.1");
    private readonly NettraceInput _input;

    public NettraceBlockWalker(Stream stream) => _input = new NettraceInput(stream);

    /// <summary>Bytes consumed so far: after a whole block, where the next one starts.</summary>
    public long Position => _input.Position;

    /// <summary>Whether a stream starting with <paramref name="head"/> (12 bytes or more) is V5 FastSerialization
    /// (V6 and the old .netperf are not).</summary>
    public static bool IsV5(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && head[..8].SequenceEqual(s_magic) && BitConverter.ToInt32(head[8..12]) == s_serialization.Length;

    /// <summary>Reads the magic and the "Trace" object (version 4) that open every V5 stream.</summary>
    public NettraceTraceHeader ReadHeader()
    {
        int magicLength = s_magic.Length + 4 + s_serialization.Length;
        byte[] bytes = new byte[magicLength + 3 + 12 + 5 + 1 + TraceObjectBytes + 1];
        _input.ReadExactly(bytes.AsSpan(0, magicLength));
        if (!IsV5(bytes) || !bytes.AsSpan(12, s_serialization.Length).SequenceEqual(s_serialization))
        {
            throw new FormatException("not a V5 .nettrace (no FastSerialization header)");
        }

        long start = _input.Position;
        ExpectTag(BeginPrivateObject);
        (string type, int version, int minimumVersion) = ReadType(start);
        if (type != "Trace" || version != 4)
        {
            throw new FormatException($"the first object is {type} version {version}, not a nettrace Trace object");
        }

        int fieldsAt = (int)_input.Position;
        _input.ReadExactly(bytes.AsSpan(fieldsAt, TraceObjectBytes));
        ExpectTag(EndObject);
        NettraceBlock.WriteFrame(bytes.AsSpan(magicLength), type, version, minimumVersion);
        bytes[^1] = EndObject;
        var fields = new SpanCursor(bytes.AsSpan(fieldsAt, TraceObjectBytes));
        fields.Skip(16); // sync time as a SYSTEMTIME (not used)
        long syncQpc = fields.I64();
        long frequency = fields.I64();
        int pointerSize = fields.I32();
        int processId = fields.I32();
        return new NettraceTraceHeader(bytes, syncQpc, frequency, pointerSize, processId);
    }

    /// <summary>The next block's frame, or null at the end-of-stream marker. Read or skip its payload, then call <see cref="EndBlock"/>.</summary>
    public NettraceBlockFrame? NextBlock()
    {
        long start = _input.Position;
        int tag = _input.ReadByteOrEnd();
        if (tag == NullReference)
        {
            return null;
        }

        if (tag < 0)
        {
            throw new EndOfStreamException($"the stream ends at byte {start:N0} without its end marker");
        }

        if (tag != BeginPrivateObject)
        {
            throw Broken(start);
        }

        (string type, int version, int minimumVersion) = ReadType(start);
        int size = _input.ReadInt32();
        int padding = (int)((4 - (_input.Position & 3)) & 3);
        _input.Skip(padding);
        if (size is < 0 or > MaxBlockBytes)
        {
            throw new FormatException($"the block at byte {start:N0} declares {size:N0} bytes, more than a trace block holds");
        }

        return new NettraceBlockFrame(type, version, minimumVersion, start, size);
    }

    /// <summary>The payload in a pooled array (of at least <see cref="NettraceBlockFrame.Size"/> bytes; the caller returns it).</summary>
    public byte[] ReadPayload(in NettraceBlockFrame frame) => _input.ReadPooled(frame.Size);

    public void SkipPayload(in NettraceBlockFrame frame) => _input.Skip(frame.Size);

    /// <summary>Checks the tag that closes the block.</summary>
    public void EndBlock(in NettraceBlockFrame frame)
    {
        if (_input.ReadByte() != EndObject)
        {
            throw Broken(frame.Start);
        }
    }

    /// <summary>The type object after an object's BeginPrivateObject: BeginPrivateObject, NullReference, version,
    /// minimum reader version, name (length-prefixed ASCII), EndObject.</summary>
    private (string Type, int Version, int MinimumVersion) ReadType(long start)
    {
        ExpectTag(BeginPrivateObject);
        ExpectTag(NullReference);
        int version = _input.ReadInt32();
        int minimumVersion = _input.ReadInt32();
        int length = _input.ReadInt32();
        if (length is < 1 or > MaxTypeNameBytes)
        {
            throw new FormatException($"the block at byte {start:N0} has a bad type name ({length} bytes)");
        }

        Span<byte> name = stackalloc byte[length];
        _input.ReadExactly(name);
        ExpectTag(EndObject);
        return (Encoding.ASCII.GetString(name), version, minimumVersion);
    }

    private void ExpectTag(byte tag)
    {
        byte read = _input.ReadByte();
        if (read != tag)
        {
            throw new FormatException($"the block framing is broken at byte {_input.Position - 1:N0} (tag {read}, expected {tag})");
        }
    }

    private static FormatException Broken(long start) => new($"the block framing is broken at byte {start:N0}");
}

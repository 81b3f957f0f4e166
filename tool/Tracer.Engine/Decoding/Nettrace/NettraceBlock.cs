using System.Buffers.Binary;
using System.Text;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>The kinds of top-level objects in a nettrace V5 stream.</summary>
internal enum NettraceBlockKind
{
    Metadata,
    Stack,
    Event,
    SequencePoint,
    Other,
}

/// <summary>
/// One whole block, re-encoded from its frame WITHOUT its alignment padding: <see cref="Bytes"/>[..PaddingAt] is the
/// object header up to and including the size field, the rest is the payload and the closing tag. Blocks are 4-byte
/// aligned to their position in the stream, so a writer that moves a block recomputes the padding (see <see cref="Write"/>).
/// </summary>
internal sealed record NettraceBlock(NettraceBlockKind Kind, byte[] Bytes, int PaddingAt)
{
    public int Length => Bytes.Length;

    /// <summary>The payload (between the padding and the closing tag).</summary>
    public ReadOnlySpan<byte> Payload => Bytes.AsSpan(PaddingAt, Bytes.Length - PaddingAt - 1);

    /// <summary>The timestamp (QPC) a sequence-point block carries as its first field.</summary>
    public long SequencePointTimestamp => BinaryPrimitives.ReadInt64LittleEndian(Payload);

    /// <summary>Copies a block the walker framed: the same bytes the runtime wrote, less the padding.</summary>
    public static NettraceBlock From(in NettraceBlockFrame frame, ReadOnlySpan<byte> payload)
    {
        int paddingAt = FrameLength(frame.Type) + 4;
        var bytes = new byte[paddingAt + payload.Length + 1];
        Span<byte> s = bytes;
        WriteFrame(s, frame.Type, frame.Version, frame.MinimumReaderVersion);
        BinaryPrimitives.WriteInt32LittleEndian(s[(paddingAt - 4)..], payload.Length);
        payload.CopyTo(s[paddingAt..]);
        s[^1] = NettraceBlockWalker.EndObject;
        return new NettraceBlock(frame.Kind, bytes, paddingAt);
    }

    /// <summary>Writes an object's opening (5 5 1, versions, type name, 6) as the runtime does; returns its length.</summary>
    public static int WriteFrame(Span<byte> s, string type, int version, int minimumReaderVersion)
    {
        int nameLength = Encoding.ASCII.GetBytes(type, s[15..]);
        s[0] = NettraceBlockWalker.BeginPrivateObject;
        s[1] = NettraceBlockWalker.BeginPrivateObject;
        s[2] = NettraceBlockWalker.NullReference;
        BinaryPrimitives.WriteInt32LittleEndian(s[3..], version);
        BinaryPrimitives.WriteInt32LittleEndian(s[7..], minimumReaderVersion);
        BinaryPrimitives.WriteInt32LittleEndian(s[11..], nameLength);
        s[15 + nameLength] = NettraceBlockWalker.EndObject;
        return 16 + nameLength;
    }

    private static int FrameLength(string type) => 16 + Encoding.ASCII.GetByteCount(type);

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

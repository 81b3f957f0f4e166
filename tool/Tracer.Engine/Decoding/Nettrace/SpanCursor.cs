using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>Forward reads over one block's bytes. Every read is bounds-checked and throws <see cref="FormatException"/>
/// past the end, so a corrupt size can never read outside the block.</summary>
internal ref struct SpanCursor(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>LEB128-style: 7 bits per byte, high bit = more; at most 5 bytes (as TraceEvent).</summary>
    public uint VarU32()
    {
        uint value = 0;
        int shift = 0;
        byte b;
        do
        {
            if (shift == 35)
            {
                throw new FormatException($"a 32-bit varint longer than 5 bytes at block offset {Position}");
            }

            b = U8();
            value |= (uint)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }

    /// <summary>At most 10 bytes (as TraceEvent).</summary>
    public ulong VarU64()
    {
        ulong value = 0;
        int shift = 0;
        byte b;
        do
        {
            if (shift == 70)
            {
                throw new FormatException($"a 64-bit varint longer than 10 bytes at block offset {Position}");
            }

            b = U8();
            value |= (ulong)(b & 0x7f) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }

    /// <summary>A NUL-terminated UTF-16 string; throws when the block ends before the NUL.</summary>
    public string Utf16z()
    {
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(_data[Position..]);
        int end = chars.IndexOf('\0');
        if (end < 0)
        {
            throw new FormatException($"a string at block offset {Position:N0} has no terminating NUL");
        }

        Position += (end + 1) * 2;
        return new string(chars[..end]);
    }

    public ReadOnlySpan<byte> Take(int size)
    {
        if (size < 0 || size > Remaining)
        {
            throw new FormatException($"a field of {size:N0} bytes at block offset {Position:N0} runs past the block's end");
        }

        ReadOnlySpan<byte> slice = _data.Slice(Position, size);
        Position += size;
        return slice;
    }

    public void Skip(int size) => Take(size);
}

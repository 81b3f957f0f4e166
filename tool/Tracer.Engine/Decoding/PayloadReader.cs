using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Bounds-checked little-endian reads over an event payload. Out-of-range reads return 0 / empty, never throw, and
/// set <see cref="Overran"/>: an older runtime sends shorter versions of an event (e.g. ContentionStart v1 has no
/// LockOwnerThreadID), so a missing trailing field reads as 0 and the caller can tell it was missing.
/// </summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Offset { get; set; }

    public readonly int Length => _data.Length;

    /// <summary>Whether a read asked for bytes past the end of the payload (a field the runtime did not send).</summary>
    public bool Overran { get; private set; }

    public byte U8() => Take(1) is { IsEmpty: false } s ? s[0] : (byte)0;

    public ushort U16() => Take(2) is { IsEmpty: false } s ? BinaryPrimitives.ReadUInt16LittleEndian(s) : (ushort)0;

    public uint U32() => Take(4) is { IsEmpty: false } s ? BinaryPrimitives.ReadUInt32LittleEndian(s) : 0u;

    public ulong U64() => Take(8) is { IsEmpty: false } s ? BinaryPrimitives.ReadUInt64LittleEndian(s) : 0ul;

    public double F64() => Take(8) is { IsEmpty: false } s ? BinaryPrimitives.ReadDoubleLittleEndian(s) : 0d;

    /// <summary>A NUL-terminated UTF-16 string, bounded by the payload.</summary>
    public string Utf16z()
    {
        if (Offset < 0 || Offset >= _data.Length)
        {
            Offset = _data.Length;
            Overran = true;
            return string.Empty;
        }

        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(_data[Offset..]);
        int end = chars.IndexOf('\0');
        if (end < 0)
        {
            end = chars.Length; // no terminator: the string was cut, keep what is there
            Offset = _data.Length;
            Overran = true;
        }
        else
        {
            Offset += (end + 1) * 2;
        }

        return new string(chars[..end]);
    }

    private ReadOnlySpan<byte> Take(int size)
    {
        if (Offset < 0 || size > _data.Length - Offset)
        {
            Offset = _data.Length;
            Overran = true;
            return ReadOnlySpan<byte>.Empty;
        }

        ReadOnlySpan<byte> slice = _data.Slice(Offset, size);
        Offset += size;
        return slice;
    }
}

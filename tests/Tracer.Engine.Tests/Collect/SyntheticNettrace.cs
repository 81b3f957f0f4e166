using System.Buffers.Binary;
using System.Text;

namespace Tracer.Engine.Tests.Collect;

/// <summary>Builds nettrace V5 streams block by block (framing only; payloads are markers), padding each block to its position.</summary>
internal sealed class SyntheticNettrace
{
    public const long SyncQpc = 1_000_000;
    public const long QpcFrequency = 1_000_000_000;
    private readonly MemoryStream _bytes = new();

    public SyntheticNettrace()
    {
        Write(Encoding.ASCII.GetBytes("Nettrace"));
        Int32(20);
        Write(Encoding.ASCII.GetBytes("!FastSerialization.1"));
        Write([5, 5, 1]);
        Int32(4);
        Int32(4);
        Int32(5);
        Write("Trace"u8);
        Write([6]);
        var payload = new byte[48];
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(16), SyncQpc);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(24), QpcFrequency);
        Write(payload);
        Write([6]);
    }

    public long Length => _bytes.Length;

    /// <summary>A block whose payload is <paramref name="marker"/> repeated <paramref name="size"/> times.</summary>
    public SyntheticNettrace Block(string type, byte marker, int size = 40)
    {
        Write([5, 5, 1]);
        Int32(2);
        Int32(2);
        Int32(type.Length);
        Write(Encoding.ASCII.GetBytes(type));
        Write([6]);
        Int32(size);
        Write(new byte[(4 - (_bytes.Length & 3)) & 3]);
        Write(Enumerable.Repeat(marker, size).ToArray());
        Write([6]);
        return this;
    }

    /// <summary>A sequence point at <paramref name="ms"/> after the session start, listing no threads.</summary>
    public SyntheticNettrace SequencePoint(double ms)
    {
        Block("SPBlock", 0, 12);
        var payload = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(payload, SyncQpc + (long)(ms * QpcFrequency / 1000));
        _bytes.Position = _bytes.Length - 13;
        Write(payload);
        _bytes.Position = _bytes.Length;
        return this;
    }

    public SyntheticNettrace End()
    {
        Write([1]);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    private void Int32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        Write(b);
    }

    private void Write(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);
}

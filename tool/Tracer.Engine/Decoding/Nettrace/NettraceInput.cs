using System.Buffers;
using System.Buffers.Binary;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// Buffered forward reads from the trace stream, counting the position (block padding is relative to the stream start).
/// A block body is read into a pooled array that grows only as bytes actually arrive, so a hostile size field costs
/// nothing before the data is there. The end of the stream inside a read throws <see cref="EndOfStreamException"/>.
/// </summary>
internal sealed class NettraceInput(Stream stream)
{
    private const int FirstChunk = 1 << 20;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes consumed by the parser.</summary>
    public long Position { get; private set; }

    /// <summary>The next byte, or -1 at the end of the stream.</summary>
    public int ReadByteOrEnd()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        Position++;
        return _buffer[_start++];
    }

    public byte ReadByte() => ReadByteOrEnd() is int b and >= 0 ? (byte)b : throw new EndOfStreamException();

    public int ReadInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    public void ReadExactly(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_start == _end && destination.Length >= _buffer.Length)
            {
                int direct = stream.Read(destination); // large reads skip the copy through the buffer
                if (direct <= 0)
                {
                    throw new EndOfStreamException();
                }

                Position += direct;
                destination = destination[direct..];
                continue;
            }

            if (_start == _end && !Fill())
            {
                throw new EndOfStreamException();
            }

            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            _start += n;
            Position += n;
            destination = destination[n..];
        }
    }

    /// <summary>Moves past <paramref name="count"/> bytes (seeking when the stream can, so a file scan reads only frames).</summary>
    public void Skip(long count)
    {
        long buffered = Math.Min(count, _end - _start);
        _start += (int)buffered;
        Position += buffered;
        count -= buffered;
        if (count == 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current); // past the end is allowed: the next read then finds the end
            Position += count;
            return;
        }

        Span<byte> sink = stackalloc byte[4096];
        while (count > 0)
        {
            int n = (int)Math.Min(count, sink.Length);
            ReadExactly(sink[..n]);
            count -= n;
        }
    }

    /// <summary>Reads <paramref name="size"/> bytes into a pooled array (the caller returns it or hands it on).</summary>
    public byte[] ReadPooled(int size)
    {
        byte[] block = ArrayPool<byte>.Shared.Rent(Math.Max(1, Math.Min(size, FirstChunk)));
        int read = 0;
        try
        {
            while (read < size)
            {
                if (read == block.Length)
                {
                    byte[] bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, (long)block.Length * 2));
                    block.AsSpan(0, read).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(block);
                    block = bigger;
                }

                int n = Math.Min(size, block.Length) - read;
                ReadExactly(block.AsSpan(read, n));
                read += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(block);
            throw;
        }

        return block;
    }

    private bool Fill()
    {
        _start = 0;
        _end = stream.Read(_buffer, 0, _buffer.Length);
        return _end > 0;
    }
}

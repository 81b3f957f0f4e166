using System.Runtime.InteropServices;

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// The stacks of the current sequence-point region (StackBlocks): ids count up from each block's first id, and events
/// may only refer to stacks since the last sequence point, where the table is cleared (the runtime restarts its ids).
/// </summary>
internal sealed class NettraceStacks(int pointerSize)
{
    private const int MaxFrames = 256;
    private readonly Dictionary<int, (int Offset, int Length)> _stacks = new();
    private byte[] _bytes = new byte[4096];
    private int _used;

    public void ReadBlock(ReadOnlySpan<byte> body)
    {
        var cursor = new SpanCursor(body);
        int nextId = cursor.I32();
        cursor.I32(); // count: the sizes below delimit the stacks
        while (cursor.Remaining > 0)
        {
            int size = cursor.I32();
            ReadOnlySpan<byte> ips = cursor.Take(size);
            if (_used + size > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + size));
            }

            ips.CopyTo(_bytes.AsSpan(_used));
            if (!_stacks.TryAdd(nextId, (_used, size)))
            {
                throw new FormatException($"stack id {nextId} defined twice in one region");
            }

            _used += size;
            nextId++;
        }
    }

    /// <summary>A sequence point: stack ids start over.</summary>
    public void Clear()
    {
        _stacks.Clear();
        _used = 0;
        if (_bytes.Length > 1 << 20)
        {
            _bytes = new byte[4096]; // one huge region does not pin its memory for the rest of the trace
        }
    }

    /// <summary>Copies stack <paramref name="id"/>'s addresses (innermost first) into <paramref name="buffer"/>; returns
    /// the frame count, 0 when the id is unknown. Same limits as TraceEvent's 64-bit stack records.</summary>
    public int Read(int id, Span<ulong> buffer)
    {
        if (pointerSize != 8 || !_stacks.TryGetValue(id, out (int Offset, int Length) stack))
        {
            return 0;
        }

        int recordSize = (ushort)(stack.Length + 8); // TraceEvent stores the record size in 16 bits
        if (recordSize < 16)
        {
            return 0;
        }

        int frames = Math.Min((recordSize - 8) / 8, Math.Min(buffer.Length, MaxFrames));
        frames = Math.Min(frames, stack.Length / 8);
        MemoryMarshal.Cast<byte, ulong>(_bytes.AsSpan(stack.Offset, frames * 8)).CopyTo(buffer);
        return frames;
    }
}

using System.Buffers.Binary;
using System.Text;

namespace Tracer.Integration.Tests.Infrastructure;

/// <summary>
/// Counts dropped events in a .nettrace (format V5) independently of TraceEvent: EventPipe numbers each capture
/// thread's events in sequence, also the ones it drops, so a gap between consecutive sequence numbers of a thread (in
/// event blocks, or against a sequence point block) is that many lost events. Reads compressed event headers
/// (documentation: dotnet/diagnostics, nettrace format) only far enough to follow sequence numbers.
/// </summary>
internal static class NettraceSequenceGaps
{
    private const byte NullReference = 1, BeginPrivateObject = 5, EndObject = 6;
    private const byte MetadataIdFlag = 1 << 0, CaptureThreadAndSequence = 1 << 1, ThreadIdFlag = 1 << 2, StackIdFlag = 1 << 3,
        ActivityIdFlag = 1 << 4, RelatedActivityIdFlag = 1 << 5, DataLengthFlag = 1 << 7;

    public static long Count(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var last = new Dictionary<ulong, uint>(); // capture thread → last sequence number seen
        long lost = 0;
        int pos = 8; // "Nettrace"
        pos += 4 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos)); // "!FastSerialization.1"
        while (file[pos] != NullReference)
        {
            Expect(file[pos] == BeginPrivateObject && file[pos + 1] == BeginPrivateObject && file[pos + 2] == NullReference, pos);
            pos += 3 + 8; // version, minimum reader version
            int nameLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos));
            string type = Encoding.ASCII.GetString(file, pos + 4, nameLength);
            pos += 4 + nameLength;
            Expect(file[pos++] == EndObject, pos);
            int size = 48; // the Trace object's fixed fields
            if (type != "Trace")
            {
                size = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos));
                pos = (pos + 4 + 3) & ~3; // blocks are 4-byte aligned
            }

            ReadOnlySpan<byte> block = file.AsSpan(pos, size);
            if (type == "EventBlock")
            {
                lost += EventBlockGaps(block, last);
            }
            else if (type == "SPBlock")
            {
                lost += SequencePointGaps(block, last);
            }

            pos += size;
            Expect(file[pos++] == EndObject, pos);
        }

        return lost;
    }

    private static long EventBlockGaps(ReadOnlySpan<byte> block, Dictionary<ulong, uint> last)
    {
        int headerSize = BinaryPrimitives.ReadUInt16LittleEndian(block);
        bool compressed = (BinaryPrimitives.ReadUInt16LittleEndian(block[2..]) & 1) != 0;
        Expect(compressed, 0); // the runtime always writes compressed headers in V5
        int pos = headerSize;
        uint metadataId = 0, sequence = 0, payloadSize = 0;
        ulong captureThread = 0;
        long lost = 0;
        while (pos < block.Length)
        {
            byte flags = block[pos++];
            if ((flags & MetadataIdFlag) != 0)
            {
                metadataId = (uint)VarUInt(block, ref pos);
            }

            if ((flags & CaptureThreadAndSequence) != 0)
            {
                sequence += (uint)VarUInt(block, ref pos) + 1;
                captureThread = VarUInt(block, ref pos);
                VarUInt(block, ref pos); // processor number
            }
            else if (metadataId != 0)
            {
                sequence++;
            }

            if ((flags & ThreadIdFlag) != 0)
            {
                VarUInt(block, ref pos);
            }

            if ((flags & StackIdFlag) != 0)
            {
                VarUInt(block, ref pos);
            }

            VarUInt(block, ref pos); // timestamp delta
            pos += ((flags & ActivityIdFlag) != 0 ? 16 : 0) + ((flags & RelatedActivityIdFlag) != 0 ? 16 : 0);
            if ((flags & DataLengthFlag) != 0)
            {
                payloadSize = (uint)VarUInt(block, ref pos);
            }

            pos += (int)payloadSize;
            if (metadataId != 0)
            {
                lost += Advance(last, captureThread, sequence);
            }
        }

        return lost;
    }

    private static long SequencePointGaps(ReadOnlySpan<byte> block, Dictionary<ulong, uint> last)
    {
        int threads = BinaryPrimitives.ReadInt32LittleEndian(block[8..]); // after the timestamp
        long lost = 0;
        for (int i = 0; i < threads; i++)
        {
            ReadOnlySpan<byte> entry = block.Slice(12 + i * 12, 12);
            lost += Advance(last, BinaryPrimitives.ReadUInt64LittleEndian(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]), sequencePoint: true);
        }

        return lost;
    }

    /// <summary>Records a thread's sequence number and returns how many numbers were skipped since the last one.</summary>
    private static long Advance(Dictionary<ulong, uint> last, ulong thread, uint sequence, bool sequencePoint = false)
    {
        long skipped = 0;
        if (last.TryGetValue(thread, out uint previous))
        {
            // An event follows its predecessor by 1; a sequence point repeats the last number written.
            skipped = Math.Max(0, (long)sequence - previous - (sequencePoint ? 0 : 1));
        }

        last[thread] = Math.Max(previous, sequence);
        return skipped;
    }

    private static ulong VarUInt(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static void Expect(bool condition, int at)
    {
        if (!condition)
        {
            throw new InvalidDataException($"not the V5 nettrace layout this counter reads, at byte {at}");
        }
    }
}

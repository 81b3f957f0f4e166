using System.Buffers.Binary;
using System.Text;

namespace Tracer.Engine.Tests.Reliability;

/// <summary>
/// Rewrites a real .nettrace (format V5) as a runtime older than .NET 8 would have sent it: every ContentionStart's
/// LockOwnerThreadID (its last 8 bytes) set to 0. Walks the blocks and compressed event headers only far enough to
/// find those payloads; sizes and framing stay as they were.
/// </summary>
internal static class ContentionOwnerEraser
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int ContentionStartId = 81, OwnerOffset = 19, OwnerSize = 8;
    private const byte NullReference = 1, EndObject = 6;
    private const byte MetadataIdFlag = 1 << 0, CaptureThreadAndSequence = 1 << 1, ThreadIdFlag = 1 << 2, StackIdFlag = 1 << 3,
        ActivityIdFlag = 1 << 4, RelatedActivityIdFlag = 1 << 5, DataLengthFlag = 1 << 7;

    /// <summary>Writes <paramref name="target"/> and returns how many owners were erased.</summary>
    public static int Erase(string source, string target)
    {
        byte[] file = File.ReadAllBytes(source);
        var contentionStartIds = new HashSet<uint>();
        int erased = 0;
        int pos = 8; // "Nettrace"
        pos += 4 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos)); // "!FastSerialization.1"
        while (file[pos] != NullReference)
        {
            pos += 3 + 8; // BeginPrivateObject ×2, NullReference; version, minimum reader version
            int nameLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos));
            string type = Encoding.ASCII.GetString(file, pos + 4, nameLength);
            pos += 4 + nameLength + 1; // name, EndObject
            int size = 48; // the Trace object's fixed fields
            if (type != "Trace")
            {
                size = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(pos));
                pos = (pos + 4 + 3) & ~3; // blocks are 4-byte aligned
            }

            Span<byte> block = file.AsSpan(pos, size);
            if (type == "MetadataBlock")
            {
                ForEachEvent(block, (_, payload) =>
                {
                    if (IsContentionStartMetadata(payload, out uint id))
                    {
                        contentionStartIds.Add(id);
                    }
                });
            }
            else if (type == "EventBlock")
            {
                ForEachEvent(block, (metadataId, payload) =>
                {
                    if (contentionStartIds.Contains(metadataId) && payload.Length >= OwnerOffset + OwnerSize)
                    {
                        payload.Slice(OwnerOffset, OwnerSize).Clear();
                        erased++;
                    }
                });
            }

            pos += size;
            if (file[pos++] != EndObject)
            {
                throw new InvalidDataException($"unexpected framing at byte {pos}");
            }
        }

        File.WriteAllBytes(target, file);
        return erased;
    }

    private delegate void EventVisitor(uint metadataId, Span<byte> payload);

    private static void ForEachEvent(Span<byte> block, EventVisitor visit)
    {
        int pos = BinaryPrimitives.ReadUInt16LittleEndian(block); // header size
        if ((BinaryPrimitives.ReadUInt16LittleEndian(block[2..]) & 1) == 0)
        {
            throw new InvalidDataException("uncompressed event headers: not what the runtime writes in V5");
        }

        uint metadataId = 0, payloadSize = 0;
        while (pos < block.Length)
        {
            byte flags = block[pos++];
            if ((flags & MetadataIdFlag) != 0)
            {
                metadataId = (uint)VarUInt(block, ref pos);
            }

            if ((flags & CaptureThreadAndSequence) != 0)
            {
                VarUInt(block, ref pos); // sequence delta
                VarUInt(block, ref pos); // capture thread
                VarUInt(block, ref pos); // processor
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

            visit(metadataId, block.Slice(pos, (int)payloadSize));
            pos += (int)payloadSize;
        }
    }

    /// <summary>A metadata event's payload: u32 id, provider (UTF-16z), u32 event id, name (UTF-16z), keywords, version, level, fields.</summary>
    private static bool IsContentionStartMetadata(ReadOnlySpan<byte> payload, out uint id)
    {
        id = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        ReadOnlySpan<char> chars = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(payload[4..]);
        int end = chars.IndexOf('\0');
        if (end < 0 || !chars[..end].SequenceEqual(RuntimeProvider))
        {
            return false;
        }

        int eventIdAt = 4 + (end + 1) * 2;
        return BinaryPrimitives.ReadInt32LittleEndian(payload[eventIdAt..]) == ContentionStartId;
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
}

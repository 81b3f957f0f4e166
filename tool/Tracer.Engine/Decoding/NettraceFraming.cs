using System.Buffers.Binary;
using System.Text;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Checks the block framing of a .nettrace file (format V5, FastSerialization objects) before it is read. This scan
/// finds the first block whose declared size is impossible (negative, larger than what is left of the file, or over a
/// sane cap) so that reading stops cleanly there, with a note saying where. (Our reader bounds sizes by itself too;
/// TraceEvent, used for other formats, allocates each block's declared size up front.) V6 blocks have 24-bit sizes.
/// </summary>
internal static class NettraceFraming
{
    /// <summary>EventPipe writes blocks of at most a few MB; anything bigger is not a block it wrote.</summary>
    public const int MaxBlockBytes = 64 << 20;

    private const byte NullReference = 1;
    private const byte BeginPrivateObject = 5;
    private const byte EndObject = 6;
    private static readonly byte[] s_serializationMagic = Encoding.ASCII.GetBytes("!FastSerialization.1");

    /// <summary>
    /// The number of leading bytes whose framing is sound (the whole length when all is well), and, when it is not,
    /// a sentence saying what is wrong where.
    /// </summary>
    public static (long SafeLength, string? Problem) Scan(Stream file)
    {
        FramingScan scan = ScanBlocks(file);
        return (scan.Problem is null ? file.Length : scan.LastCompleteBlockEnd, scan.Problem);
    }

    /// <summary>
    /// Makes a trace cut short by a dying target readable to the end of its last complete block: truncates the partial
    /// block and writes the end-of-stream marker. Returns the new length, or null when the file already ends cleanly
    /// or is not V5 framing.
    /// </summary>
    public static long? FinalizeCutTrace(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        FramingScan scan = ScanBlocks(file);
        if (scan.EndsCleanly || !scan.IsV5 || scan.LastCompleteBlockEnd <= 0)
        {
            return null;
        }

        file.SetLength(scan.LastCompleteBlockEnd);
        file.Position = scan.LastCompleteBlockEnd;
        file.WriteByte(NullReference);
        return file.Length;
    }

    private readonly record struct FramingScan(bool IsV5, bool EndsCleanly, long LastCompleteBlockEnd, string? Problem);

    private static FramingScan ScanBlocks(Stream file)
    {
        long lastEnd = 0;
        long length = file.Length;
        var reader = new BinaryReader(file, Encoding.ASCII, leaveOpen: true);
        try
        {
            file.Position = 8; // "Nettrace", checked by the caller
            int magicLength = reader.ReadInt32();
            if (magicLength != s_serializationMagic.Length || !reader.ReadBytes(magicLength).AsSpan().SequenceEqual(s_serializationMagic))
            {
                return new FramingScan(false, true, length, null); // V6+ (bounded 24-bit sizes) or unknown: TraceEvent decides
            }

            lastEnd = file.Position;

            while (file.Position < length)
            {
                long blockStart = file.Position;
                byte tag = reader.ReadByte();
                if (tag == NullReference)
                {
                    return new FramingScan(true, true, blockStart, null); // end of stream marker
                }

                if (tag != BeginPrivateObject || reader.ReadByte() != BeginPrivateObject || reader.ReadByte() != NullReference)
                {
                    return Broken(lastEnd, $"the block framing is broken at byte {blockStart:N0}");
                }

                reader.ReadInt32(); // version
                reader.ReadInt32(); // minimum reader version
                int typeLength = reader.ReadInt32();
                if (typeLength is < 0 or > 64)
                {
                    return Broken(lastEnd, $"the block at byte {blockStart:N0} has a bad type name");
                }

                string type = Encoding.ASCII.GetString(reader.ReadBytes(typeLength));
                if (reader.ReadByte() != EndObject)
                {
                    return Broken(lastEnd, $"the block framing is broken at byte {blockStart:N0}");
                }

                long size = type == "Trace" ? 48 : reader.ReadInt32();
                if (type != "Trace")
                {
                    file.Position += (4 - (file.Position & 3)) & 3; // blocks are 4-byte aligned
                }

                if (size < 0 || size > MaxBlockBytes)
                {
                    return Broken(lastEnd, $"the block at byte {blockStart:N0} declares {size:N0} bytes, more than a trace block holds");
                }

                if (file.Position + size >= length)
                {
                    return new FramingScan(true, false, lastEnd, null); // cut inside its last block: TraceEvent reports it
                }

                file.Position += size;
                if (reader.ReadByte() != EndObject)
                {
                    return Broken(lastEnd, $"the block framing is broken at byte {blockStart:N0}");
                }

                lastEnd = file.Position;
            }

            return new FramingScan(true, false, lastEnd, null);
        }
        catch (EndOfStreamException)
        {
            return new FramingScan(true, false, lastEnd, null); // cut inside a block header
        }
        finally
        {
            file.Position = 0;
        }
    }

    private static FramingScan Broken(long lastEnd, string problem) => new(true, false, lastEnd, problem);
}

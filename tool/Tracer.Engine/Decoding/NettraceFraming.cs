using Tracer.Engine.Decoding.Nettrace;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Checks the block framing of a .nettrace file (format V5) before it is read, with the same walker and limits as the
/// reader (<see cref="NettraceBlockWalker"/>), seeking over payloads: it finds the first block whose frame is broken
/// so that reading stops cleanly there, with a note saying where, and the end of the last whole block (where a cut
/// trace is finalized). Streams that are not V5 are left to TraceEvent; V6 blocks have 24-bit sizes.
/// </summary>
internal static class NettraceFraming
{
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
        file.WriteByte(NettraceBlockWalker.NullReference);
        return file.Length;
    }

    private readonly record struct FramingScan(bool IsV5, bool EndsCleanly, long LastCompleteBlockEnd, string? Problem);

    private static FramingScan ScanBlocks(Stream file)
    {
        long lastEnd = 0;
        try
        {
            Span<byte> head = stackalloc byte[12];
            file.Position = 0;
            if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !NettraceBlockWalker.IsV5(head))
            {
                return new FramingScan(false, true, file.Length, null); // V6+ (bounded 24-bit sizes) or unknown: TraceEvent decides
            }

            file.Position = 0;
            var walker = new NettraceBlockWalker(file);
            walker.ReadHeader();
            lastEnd = walker.Position;
            while (walker.NextBlock() is NettraceBlockFrame frame)
            {
                walker.SkipPayload(frame);
                walker.EndBlock(frame);
                lastEnd = walker.Position;
            }

            return new FramingScan(true, true, lastEnd, null); // the end-of-stream marker follows
        }
        catch (EndOfStreamException)
        {
            return new FramingScan(true, false, lastEnd, null); // cut inside a block: the reader reports it
        }
        catch (FormatException ex)
        {
            return Broken(lastEnd, ex.Message);
        }
        finally
        {
            file.Position = 0;
        }
    }

    private static FramingScan Broken(long lastEnd, string problem) => new(true, false, lastEnd, problem);
}

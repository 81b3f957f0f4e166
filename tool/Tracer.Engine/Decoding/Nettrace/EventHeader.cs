namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// An event blob's header in a V4/V5 EventBlock or MetadataBlock. With header compression each field defaults to the
/// previous event's value in the same block, so one instance is carried from event to event (zeroed per block).
/// </summary>
internal struct EventHeader
{
    private const int UncompressedSize = 80; // EventSize .. PayloadSize, packed

    public int MetadataId;
    public int SequenceNumber;
    public long CaptureThreadId;
    public int ProcessorNumber;
    public long ThreadId;
    public int StackId;
    public long TimeStamp;
    public int PayloadSize;
    /// <summary>No later event in the stream has an earlier timestamp: what is queued before it can be dispatched.</summary>
    public bool IsSorted;

    /// <summary>Reads the next header; the cursor is left at the payload.</summary>
    public void Read(ref SpanCursor cursor, bool compressed)
    {
        if (!compressed)
        {
            ReadUncompressed(ref cursor);
            return;
        }

        byte flags = cursor.U8();
        if ((flags & 1) != 0)
        {
            MetadataId = (int)cursor.VarU32();
        }

        if ((flags & 2) != 0)
        {
            SequenceNumber += (int)cursor.VarU32() + 1;
            CaptureThreadId = (long)cursor.VarU64();
            ProcessorNumber = (int)cursor.VarU32();
        }
        else if (MetadataId != 0)
        {
            SequenceNumber++;
        }

        if ((flags & 4) != 0)
        {
            ThreadId = (long)cursor.VarU64();
        }

        if ((flags & 8) != 0)
        {
            StackId = (int)cursor.VarU32();
        }

        TimeStamp += (long)cursor.VarU64();
        if ((flags & 16) != 0)
        {
            cursor.Skip(16); // ActivityId
        }

        if ((flags & 32) != 0)
        {
            cursor.Skip(16); // RelatedActivityId
        }

        IsSorted = (flags & 64) != 0;
        if ((flags & 128) != 0)
        {
            PayloadSize = (int)cursor.VarU32();
        }
    }

    private void ReadUncompressed(ref SpanCursor cursor)
    {
        ReadOnlySpan<byte> start = cursor.Take(UncompressedSize);
        var fields = new SpanCursor(start);
        fields.I32(); // EventSize
        int metadataId = fields.I32();
        MetadataId = metadataId & 0x7FFF_FFFF;
        IsSorted = (metadataId & unchecked((int)0x8000_0000)) == 0; // as TraceEvent reads it: a clear high bit means sorted
        SequenceNumber = fields.I32();
        ThreadId = fields.I64();
        CaptureThreadId = fields.I64();
        ProcessorNumber = fields.I32();
        StackId = fields.I32();
        TimeStamp = fields.I64();
        fields.Skip(32); // ActivityId, RelatedActivityId
        PayloadSize = fields.I32();
    }
}

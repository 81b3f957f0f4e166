using Tracer.Engine.Decoding.Nettrace;

namespace Tracer.Engine.Tests.Decoding;

/// <summary>Varints and compressed event headers: the edge cases a writer (or a corrupt file) can produce.</summary>
public sealed class EventHeaderTests
{
    [Theory]
    [InlineData(new byte[] { 0x00 }, 0u)]
    [InlineData(new byte[] { 0x7f }, 127u)]
    [InlineData(new byte[] { 0xac, 0x02 }, 300u)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f }, uint.MaxValue)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x00 }, 0u)] // padded: still at most 5 bytes
    public void VarU32_reads_LEB128(byte[] bytes, uint expected)
    {
        var cursor = new SpanCursor(bytes);
        Assert.Equal(expected, cursor.VarU32());
        Assert.Equal(0, cursor.Remaining);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })] // six bytes
    [InlineData(new byte[] { 0x80, 0x80 })] // the block ends inside the varint
    [InlineData(new byte[] { })]
    public void VarU32_rejects_overlong_or_cut_values(byte[] bytes) =>
        Assert.Throws<FormatException>(() => new SpanCursor(bytes).VarU32());

    [Fact]
    public void VarU64_reads_ten_bytes_and_rejects_eleven()
    {
        byte[] max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        Assert.Equal(ulong.MaxValue, new SpanCursor(max).VarU64());
        byte[] overlong = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        Assert.Throws<FormatException>(() => new SpanCursor(overlong).VarU64());
    }

    [Fact]
    public void Compressed_headers_carry_fields_over_and_add_deltas()
    {
        var bytes = new MemoryStream();
        var w = new BinaryWriter(bytes);
        // First: every field present. Metadata 7, sequence +4 (delta 3), capture thread 300, processor 1, thread 301,
        // stack 2, time 1000, sorted, payload 2 bytes.
        w.Write((byte)(1 | 2 | 4 | 8 | 64 | 128));
        foreach (ulong v in new ulong[] { 7, 3, 300, 1, 301, 2, 1000, 2 })
        {
            NettraceBuilder.VarUInt(w, v);
        }

        w.Write((short)0x1234);
        // Second: nothing but the timestamp delta (+5): same metadata, sequence + 1, same thread, stack, size; unsorted.
        w.Write((byte)0);
        NettraceBuilder.VarUInt(w, 5);
        w.Write((short)0x5678);
        // Third: an activity id and a related activity id to skip.
        w.Write((byte)(16 | 32));
        NettraceBuilder.VarUInt(w, 0);
        w.Write(new byte[32]);
        w.Write((short)0);

        var cursor = new SpanCursor(bytes.ToArray());
        EventHeader header = default;
        header.Read(ref cursor, compressed: true);
        Assert.Equal((7, 4, 300L, 1, 301L, 2, 1000L, 2, true), (header.MetadataId, header.SequenceNumber, header.CaptureThreadId, header.ProcessorNumber, header.ThreadId, header.StackId, header.TimeStamp, header.PayloadSize, header.IsSorted));
        cursor.Skip(header.PayloadSize);
        header.Read(ref cursor, compressed: true);
        Assert.Equal((7, 5, 300L, 301L, 2, 1005L, 2, false), (header.MetadataId, header.SequenceNumber, header.CaptureThreadId, header.ThreadId, header.StackId, header.TimeStamp, header.PayloadSize, header.IsSorted));
        cursor.Skip(header.PayloadSize);
        header.Read(ref cursor, compressed: true);
        Assert.Equal((6, 1005L, 2), (header.SequenceNumber, header.TimeStamp, cursor.Remaining));
    }

    [Fact]
    public void Metadata_events_do_not_advance_the_sequence_number()
    {
        byte[] bytes = [0x80, 0x00, 0x00, 0x00, 0x00];
        var cursor = new SpanCursor(bytes);
        EventHeader header = default;
        header.Read(ref cursor, compressed: true);
        header.Read(ref cursor, compressed: true);
        Assert.Equal((0, 0), (header.MetadataId, header.SequenceNumber));
    }

    [Fact]
    public void Uncompressed_header_reads_the_sorted_bit_as_TraceEvent_does()
    {
        var bytes = new MemoryStream();
        var w = new BinaryWriter(bytes);
        w.Write(0); // event size
        w.Write(5 | int.MinValue); // metadata id 5, high bit set: TraceEvent takes that as "not sorted"
        w.Write(9); // sequence
        w.Write(11L); // thread
        w.Write(12L); // capture thread
        w.Write(0); // processor
        w.Write(3); // stack
        w.Write(777L); // timestamp
        w.Write(new byte[32]);
        w.Write(0); // payload size
        var cursor = new SpanCursor(bytes.ToArray());
        EventHeader header = default;
        header.Read(ref cursor, compressed: false);
        Assert.Equal((5, 9, 11L, 12L, 3, 777L, false), (header.MetadataId, header.SequenceNumber, header.ThreadId, header.CaptureThreadId, header.StackId, header.TimeStamp, header.IsSorted));
    }

    [Fact]
    public void A_payload_size_past_the_block_end_is_a_format_error()
    {
        byte[] bytes = [0x80, 0x00, 0xff, 0x0f, 0x01];
        var cursor = new SpanCursor(bytes);
        EventHeader header = default;
        header.Read(ref cursor, compressed: true);
        try
        {
            cursor.Skip(header.PayloadSize);
            Assert.Fail("read past the block");
        }
        catch (FormatException)
        {
        }
    }
}

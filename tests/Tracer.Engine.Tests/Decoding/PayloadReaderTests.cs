using System.Buffers.Binary;
using System.Text;
using Tracer.Engine.Decoding;

namespace Tracer.Engine.Tests.Decoding;

/// <summary>
/// Payloads from an older or different runtime can be shorter than the layout the decoder reads (ContentionStart v1
/// has no LockOwnerThreadID; a cut event has fewer bytes still): missing fields read as 0 / empty, never throw, and
/// the reader says a field was missing.
/// </summary>
public sealed class PayloadReaderTests
{
    private const ulong LockId = 0x1122334455667788, ObjectId = 0xA0B0C0D0E0F00010;
    private const int Owner = 4242;

    [Fact]
    public void ContentionStart_v2_reads_the_owner_and_nothing_is_missing()
    {
        var reader = new PayloadReader(ContentionStart(withOwner: true));
        (ulong lockId, ulong objectId, int owner) = ReadContentionStart(ref reader);

        Assert.Equal((LockId, ObjectId, Owner), (lockId, objectId, owner));
        Assert.False(reader.Overran);
    }

    [Fact]
    public void ContentionStart_v1_without_the_owner_field_reads_owner_0_and_says_a_field_was_missing()
    {
        var reader = new PayloadReader(ContentionStart(withOwner: false));
        (ulong lockId, ulong objectId, int owner) = ReadContentionStart(ref reader);

        Assert.Equal((LockId, ObjectId, 0), (lockId, objectId, owner)); // owner 0: the decoder's "no lock owners" note
        Assert.True(reader.Overran);
    }

    [Fact]
    public void A_field_cut_in_the_middle_reads_0_and_so_does_everything_after_it()
    {
        byte[] cut = ContentionStart(withOwner: true)[..7]; // flags, clr, half of LockID
        var reader = new PayloadReader(cut);
        Assert.Equal(0, reader.U8());
        Assert.Equal(9, reader.U16());
        Assert.False(reader.Overran);

        Assert.Equal(0ul, reader.U64());
        Assert.True(reader.Overran);
        Assert.Equal(0ul, reader.U64());
        Assert.Equal(0u, reader.U32());
        Assert.Equal(0d, reader.F64());
        Assert.Equal(string.Empty, reader.Utf16z());
        Assert.Equal(cut.Length, reader.Offset);
    }

    [Fact]
    public void An_unterminated_string_keeps_what_is_there_and_says_it_was_cut()
    {
        byte[] payload = Encoding.Unicode.GetBytes("System.Threading.Lo"); // no NUL: the event was cut
        var reader = new PayloadReader(payload);

        Assert.Equal("System.Threading.Lo", reader.Utf16z());
        Assert.True(reader.Overran);
        Assert.Equal(string.Empty, reader.Utf16z());
    }

    [Fact]
    public void A_terminated_string_is_not_a_missing_field()
    {
        var reader = new PayloadReader(Encoding.Unicode.GetBytes("Monitor\0Enter\0"));
        Assert.Equal("Monitor", reader.Utf16z());
        Assert.Equal("Enter", reader.Utf16z());
        Assert.False(reader.Overran);
    }

    [Fact]
    public void An_empty_payload_and_an_offset_outside_the_payload_read_as_missing_not_as_an_exception()
    {
        var empty = new PayloadReader([]);
        Assert.Equal(0ul, empty.U64());
        Assert.True(empty.Overran);

        var outside = new PayloadReader(ContentionStart(withOwner: true)) { Offset = -3 };
        Assert.Equal(0u, outside.U32());
        outside.Offset = -1;
        Assert.Equal(string.Empty, outside.Utf16z());
        outside.Offset = int.MaxValue;
        Assert.Equal(0ul, outside.U64());
        Assert.True(outside.Overran);
    }

    [Fact]
    public void Every_prefix_of_every_decoded_layout_reads_without_throwing()
    {
        // MethodLoadVerbose: MethodID, ModuleID, Start u64, Size u32, Token u32, Flags u32, then three UTF-16 strings.
        byte[] method = [.. new byte[36], .. Encoding.Unicode.GetBytes("Ns.Type\0Name\0Sig\0")];
        foreach (byte[] full in new[] { ContentionStart(withOwner: true), method })
        {
            for (int length = 0; length <= full.Length; length++)
            {
                var reader = new PayloadReader(full.AsSpan(0, length));
                ReadContentionStart(ref reader);
                reader.Offset = 0;
                reader.U64();
                reader.U64();
                reader.U64();
                reader.U32();
                reader.U32();
                reader.U32();
                reader.Utf16z();
                reader.Utf16z();
                reader.Utf16z();
                Assert.InRange(reader.Offset, 0, length);
            }
        }
    }

    /// <summary>The .NET 8+ ContentionStart layout the decoder reads (see EventPipeDecoder).</summary>
    private static (ulong LockId, ulong ObjectId, int Owner) ReadContentionStart(ref PayloadReader reader)
    {
        reader.U8();
        reader.U16();
        ulong lockId = reader.U64();
        ulong objectId = reader.U64();
        int owner = (int)reader.U64();
        return (lockId, objectId, owner);
    }

    /// <summary>ContentionStart: flags u8, ClrInstanceID u16, LockID u64, AssociatedObjectID u64, then (v2) LockOwnerThreadID u64.</summary>
    private static byte[] ContentionStart(bool withOwner)
    {
        byte[] payload = new byte[withOwner ? 27 : 19];
        payload[0] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(1), 9);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(3), LockId);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(11), ObjectId);
        if (withOwner)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(19), Owner);
        }

        return payload;
    }
}

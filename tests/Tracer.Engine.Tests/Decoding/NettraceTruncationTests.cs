using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;

namespace Tracer.Engine.Tests.Decoding;

/// <summary>A cut or hostile stream: what was read is kept, sizes are never trusted, garbage is one clear error.</summary>
public sealed class NettraceTruncationTests
{
    [Fact]
    public void A_stream_cut_inside_a_block_keeps_every_event_before_it_even_those_waiting_to_be_sorted()
    {
        byte[] whole = Trace(blocks: 3);
        int cut = whole.Length - 20; // inside the last event block
        TraceAnalyzer analyzer = Decode(whole[..cut]);

        Assert.True(analyzer.Model.Truncated);
        Assert.InRange(analyzer.Model.TruncatedAtByte, 1, cut);
        Assert.Contains(analyzer.Model.Notes, n => n.Contains($"byte {analyzer.Model.TruncatedAtByte:N0}", StringComparison.Ordinal));
        // Two whole blocks of 4 events each; in each, three events wait behind the block's one sorted event.
        Assert.Equal(8, analyzer.Model.TotalEvents);
    }

    [Fact]
    public void A_huge_declared_block_size_allocates_only_what_arrives()
    {
        byte[] whole = Trace(blocks: 1);
        byte[] bytes = [.. whole[..^1], .. BlockClaiming(60 << 20)]; // no end marker: the claimed block is last
        long before = GC.GetAllocatedBytesForCurrentThread();
        TraceAnalyzer analyzer = Decode(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(analyzer.Model.Truncated);
        Assert.Equal(4, analyzer.Model.TotalEvents);
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes for a block that is not there");
    }

    [Fact]
    public void A_block_larger_than_any_EventPipe_writes_is_refused_before_reading()
    {
        byte[] whole = Trace(blocks: 1);
        TraceAnalyzer analyzer = Decode([.. whole[..^1], .. BlockClaiming(int.MaxValue)]);
        Assert.True(analyzer.Model.Truncated);
        Assert.Contains(analyzer.Model.Notes, n => n.Contains("more than a trace block holds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(10)] // inside the magic
    [InlineData(40)] // inside the trace object
    public void A_stream_cut_before_any_event_is_not_a_trace(int length)
    {
        byte[] whole = Trace(blocks: 1);
        var ex = Assert.Throws<TraceFormatException>(() => Decode(whole[..length]));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Garbage_after_the_header_is_one_clear_error()
    {
        byte[] whole = Trace(blocks: 0);
        byte[] garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var ex = Assert.Throws<TraceFormatException>(() => Decode([.. whole[..^1], .. garbage]));
        Assert.DoesNotContain('\n', ex.Message);
    }

    private static TraceAnalyzer Decode(byte[] bytes)
    {
        var analyzer = new TraceAnalyzer(detectors: []);
        using var decoder = new EventPipeDecoder(new MemoryStream(bytes), analyzer);
        decoder.Process();
        return analyzer;
    }

    /// <summary>Metadata, then <paramref name="blocks"/> event blocks of 4 events (only the first sorted), then the end marker.</summary>
    private static byte[] Trace(int blocks)
    {
        NettraceBuilder builder = new NettraceBuilder().Metadata((1, "Microsoft-Windows-DotNETRuntime", 61, "ThreadPoolEnqueue"));
        int sequence = 0;
        for (int b = 0; b < blocks; b++)
        {
            builder.Events(Enumerable.Range(0, 4).Select(i =>
                new NettraceBuilder.Event(1, ++sequence, 7, 7, NettraceBuilder.SyncQpc + (sequence * 1000), BitConverter.GetBytes((ulong)sequence), Sorted: i == 0)));
        }

        return builder.Finish();
    }

    /// <summary>A block header (EventBlock, version 2) declaring <paramref name="size"/> bytes, followed by a few bytes only.</summary>
    private static byte[] BlockClaiming(int size)
    {
        var bytes = new MemoryStream();
        var w = new BinaryWriter(bytes);
        w.Write([5, 5, 1]);
        w.Write(2);
        w.Write(2);
        w.Write("EventBlock".Length);
        w.Write("EventBlock"u8);
        w.Write((byte)6);
        w.Write(size);
        w.Write(new byte[64]);
        return bytes.ToArray();
    }
}

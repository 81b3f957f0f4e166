using Tracer.Engine.Collect;
using Tracer.Engine.Analysis;
using Tracer.Engine.Decoding;
using Tracer.Engine.Decoding.Nettrace;
using Xunit;

namespace Tracer.Engine.Tests.Collect;

public class FlightRecorderWindowTests
{
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Drops_whole_intervals_older_than_the_window_and_keeps_their_metadata()
    {
        var trace = new SyntheticNettrace();
        var feed = new Feeder(trace);
        trace.Block("MetadataBlock", 0x11).Block("StackBlock", 0x21).Block("EventBlock", 0x31);
        feed.Until(0 * s_second);
        trace.SequencePoint(1000).Block("MetadataBlock", 0x12).Block("StackBlock", 0x22).Block("EventBlock", 0x32);
        feed.Until(1 * s_second);
        trace.SequencePoint(2000).Block("EventBlock", 0x33);
        feed.Until(2 * s_second);
        trace.SequencePoint(3000).Block("MetadataBlock", 0x14).Block("EventBlock", 0x34);
        feed.Until(3.5 * s_second);

        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = 1.2 * s_second });
        feed.Into(window);
        (List<string> blocks, FlightRecorderStats stats) = Save(window);

        // At 3.5 s the window starts at 2.3 s: the interval that ended at 2 s goes, the one that ended at 3 s stays.
        Assert.Equal(["M11", "M12", "SP2000", "E33", "SP3000", "M14", "E34"], blocks);
        Assert.Equal(2, stats.IntervalsDropped);
        Assert.Equal(0, stats.IntervalsDroppedForCap);
        Assert.Equal(2000, stats.KeptFromMs!.Value, 3);
        Assert.InRange(stats.ReceivedBytes, trace.Length - 3 * 12, trace.Length); // every byte but the padding
    }

    [Fact]
    public void Nothing_is_dropped_after_freeze()
    {
        var trace = new SyntheticNettrace();
        trace.Block("EventBlock", 0x31).SequencePoint(1000).Block("EventBlock", 0x32);
        int frozenAt = (int)trace.Length;
        trace.SequencePoint(9000).Block("EventBlock", 0x39); // the rundown, long after the window
        byte[] bytes = trace.ToArray();

        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = s_second / 2 });
        Walk(bytes, window, end => end <= frozenAt ? s_second : 10 * s_second, onBlock: end =>
        {
            if (end == frozenAt)
            {
                window.Freeze();
            }
        });
        (List<string> blocks, FlightRecorderStats stats) = Save(window);

        Assert.Equal(0, stats.IntervalsDropped);
        Assert.Equal(["E31", "SP1000", "E32", "SP9000", "E39"], blocks);
    }

    [Fact]
    public void The_byte_cap_bounds_memory_whatever_the_window()
    {
        var trace = new SyntheticNettrace();
        var feed = new Feeder(trace);
        for (int i = 0; i < 40; i++)
        {
            trace.SequencePoint(i * 100).Block("MetadataBlock", (byte)i, 8).Block("EventBlock", (byte)i, 1000);
            feed.Until(TimeSpan.FromMilliseconds(i * 100));
        }

        const long cap = 5000;
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = TimeSpan.FromHours(1), MaxBytes = cap });
        long maxRetained = 0;
        feed.Into(window, onChunk: () => maxRetained = Math.Max(maxRetained, window.RetainedBytes));
        (List<string> blocks, FlightRecorderStats stats) = Save(window);

        Assert.Null(stats.Problem);
        Assert.InRange(maxRetained, 1, cap);
        Assert.True(stats.IntervalsDroppedForCap > 0);
        Assert.Equal(stats.IntervalsDropped, stats.IntervalsDroppedForCap);
        Assert.Equal(40, blocks.Count(b => b.StartsWith('M'))); // every metadata block survives
        Assert.Equal($"E{39:x2}", blocks[^1]);
        Assert.Equal(40 - stats.IntervalsDropped, blocks.Count(b => b.StartsWith("SP", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_interval_larger_than_the_cap_loses_its_events_but_not_its_metadata()
    {
        var trace = new SyntheticNettrace();
        var feed = new Feeder(trace);
        trace.SequencePoint(0);
        for (int i = 0; i < 10; i++)
        {
            trace.Block("MetadataBlock", (byte)(0x10 + i), 8).Block("EventBlock", (byte)(0x30 + i), 1000);
        }

        trace.SequencePoint(100).Block("EventBlock", 0x50);
        feed.Until(s_second);
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = TimeSpan.FromHours(1), MaxBytes = 3000 });
        feed.Into(window);
        (List<string> blocks, FlightRecorderStats stats) = Save(window);

        Assert.True(stats.SkippedBytes >= 7000);
        Assert.Equal(10, blocks.Count(b => b.StartsWith('M')));
        Assert.Contains("E50", blocks);
    }

    [Fact]
    public void A_real_trace_that_fits_is_saved_byte_for_byte()
    {
        // Through the live path: the reader frames each block once and hands it to the window while it analyses.
        byte[] original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "dining-deadlock.nettrace"));
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = TimeSpan.FromMinutes(1) });
        var analyzer = new TraceAnalyzer();
        using (var decoder = new EventPipeDecoder(new MemoryStream(original), analyzer, null, new FlightRecorderFeed(window, () => TimeSpan.Zero)))
        {
            decoder.Process();
        }

        using var saved = new MemoryStream();
        FlightRecorderStats stats = window.WriteTo(saved);

        Assert.Null(stats.Problem);
        Assert.True(analyzer.Model.TotalEvents > 1000);
        Assert.Equal(original, saved.ToArray());
    }

    [Fact]
    public void A_stream_that_is_not_nettrace_V5_is_reported_not_saved()
    {
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = s_second });
        Assert.Throws<FormatException>(() => Walk(new byte[200], window, _ => TimeSpan.Zero));
        using var saved = new MemoryStream();
        FlightRecorderStats stats = window.WriteTo(saved);

        Assert.NotNull(stats.Problem);
        Assert.Equal(0, saved.Length);
    }

    [Fact]
    public void Broken_framing_keeps_the_whole_blocks_before_it_and_says_so()
    {
        var trace = new SyntheticNettrace();
        trace.Block("EventBlock", 0x31).SequencePoint(1000).Block("EventBlock", 0x32);
        byte[] good = trace.ToArray();
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = s_second });
        byte[] broken = [.. good, 5, 5, 1, 2, 0, 0, 0, 2, 0, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, 9, 9, .. good.AsSpan(100)];
        FormatException error = Assert.Throws<FormatException>(() => Walk(broken, window, _ => TimeSpan.Zero)); // nothing after the break is taken
        Assert.Contains("bad type name", error.Message, StringComparison.Ordinal);
        window.NoteCut(error.Message);

        using var saved = new MemoryStream();
        FlightRecorderStats stats = window.WriteTo(saved);

        Assert.Contains("bad type name", stats.Problem, StringComparison.Ordinal);
        Assert.Equal(good.Length + 1, saved.Length); // the good blocks and an end marker
        Assert.Equal(good, saved.ToArray()[..good.Length]);
    }

    /// <summary>Saves the window, checks the output is a clean V5 trace, and names its blocks (M/S/E + marker byte, SP + ms).</summary>
    private static (List<string> Blocks, FlightRecorderStats Stats) Save(FlightRecorderWindow window)
    {
        using var saved = new MemoryStream();
        FlightRecorderStats stats = window.WriteTo(saved);
        Assert.Equal(saved.Length, stats.SavedBytes);
        saved.Position = 0;
        (long safe, string? problem) = NettraceFraming.Scan(saved);
        Assert.Null(problem);
        Assert.Equal(saved.Length, safe);

        var names = new List<string>();
        saved.Position = 0;
        var walker = new NettraceBlockWalker(saved);
        walker.ReadHeader();
        while (walker.NextBlock() is NettraceBlockFrame frame)
        {
            byte[] payload = walker.ReadPayload(frame);
            walker.EndBlock(frame);
            NettraceBlock b = NettraceBlock.From(frame, payload.AsSpan(0, frame.Size));
            names.Add(b.Kind switch
            {
                NettraceBlockKind.SequencePoint => $"SP{(b.SequencePointTimestamp - SyntheticNettrace.SyncQpc) * 1000 / SyntheticNettrace.QpcFrequency}",
                NettraceBlockKind.Metadata => $"M{b.Payload[0]:x2}",
                NettraceBlockKind.Stack => $"S{b.Payload[0]:x2}",
                _ => $"E{b.Payload[0]:x2}",
            });
        }

        Assert.Equal(saved.Length, walker.Position);
        return (names, stats);
    }

    /// <summary>
    /// Walks a trace as the reader does and gives each block to the window, stamped with <paramref name="arrivalAt"/>
    /// of the block's end offset; <paramref name="onBlock"/> gets that offset after each block.
    /// </summary>
    private static void Walk(byte[] bytes, FlightRecorderWindow window, Func<long, TimeSpan> arrivalAt, Action<long>? onBlock = null)
    {
        var walker = new NettraceBlockWalker(new MemoryStream(bytes));
        window.SetHeader(walker.ReadHeader());
        while (walker.Position < bytes.Length && walker.NextBlock() is NettraceBlockFrame frame) // synthetic streams stop without an end marker
        {
            byte[] payload = walker.ReadPayload(frame);
            walker.EndBlock(frame);
            window.Add(NettraceBlock.From(frame, payload.AsSpan(0, frame.Size)), arrivalAt(walker.Position));
            onBlock?.Invoke(walker.Position);
        }
    }

    /// <summary>Marks where each arrival time starts: the blocks that end at or before a mark arrived at its time.</summary>
    private sealed class Feeder(SyntheticNettrace trace)
    {
        private readonly List<(long End, TimeSpan Arrival)> _parts = [];

        public void Until(TimeSpan arrival) => _parts.Add((trace.Length, arrival));

        public void Into(FlightRecorderWindow window, Action? onChunk = null) =>
            Walk(trace.ToArray(), window, end => _parts.First(p => end <= p.End).Arrival, _ => onChunk?.Invoke());
    }
}

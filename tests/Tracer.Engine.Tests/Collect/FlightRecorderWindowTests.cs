using Tracer.Engine.Collect;
using Tracer.Engine.Decoding;
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
        Assert.Equal(trace.Length, stats.ReceivedBytes);
    }

    [Fact]
    public void A_lagging_analysis_keeps_what_it_has_not_reached()
    {
        var trace = new SyntheticNettrace();
        var feed = new Feeder(trace);
        trace.Block("EventBlock", 0x31);
        feed.Until(0 * s_second);
        for (int i = 1; i <= 5; i++)
        {
            trace.SequencePoint(i * 1000).Block("EventBlock", (byte)(0x31 + i));
            feed.Until(i * s_second);
        }

        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = s_second });
        feed.Into(window, analysedUpTo: _ => TimeSpan.FromSeconds(1.5)); // the decoder is still at 1.5 s
        (List<string> blocks, FlightRecorderStats stats) = Save(window);

        Assert.Equal(0, stats.IntervalsDropped);
        Assert.Equal(11, blocks.Count);
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
        window.Append(bytes.AsSpan(0, frozenAt), s_second, s_second);
        window.Freeze();
        window.Append(bytes.AsSpan(frozenAt), 10 * s_second, 10 * s_second);
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
        byte[] original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "dining-deadlock.nettrace"));
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = TimeSpan.FromMinutes(1) });
        for (int at = 0; at < original.Length; at += 4093)
        {
            window.Append(original.AsSpan(at, Math.Min(4093, original.Length - at)), TimeSpan.Zero, TimeSpan.Zero);
        }

        using var saved = new MemoryStream();
        FlightRecorderStats stats = window.WriteTo(saved);

        Assert.Null(stats.Problem);
        Assert.Equal(original, saved.ToArray());
    }

    [Fact]
    public void A_stream_that_is_not_nettrace_V5_is_reported_not_saved()
    {
        var window = new FlightRecorderWindow(new FlightRecorderOptions { Window = s_second });
        window.Append(new byte[200], TimeSpan.Zero, TimeSpan.Zero);
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
        window.Append(good, TimeSpan.Zero, TimeSpan.Zero);
        window.Append(new byte[] { 5, 5, 1, 2, 0, 0, 0, 2, 0, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, 9, 9 }, TimeSpan.Zero, TimeSpan.Zero);
        window.Append(good.AsSpan(100), TimeSpan.Zero, TimeSpan.Zero); // nothing after the break is taken

        using var saved = new MemoryStream();
        FlightRecorderStats stats = window.WriteTo(saved);

        Assert.Contains("framing is broken", stats.Problem, StringComparison.Ordinal);
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
        var splitter = new NettraceBlockSplitter();
        splitter.Feed(saved.ToArray(), b => names.Add(b.Kind switch
        {
            NettraceBlockKind.SequencePoint => $"SP{(NettraceBlockSplitter.SequencePointTimestamp(b) - SyntheticNettrace.SyncQpc) * 1000 / SyntheticNettrace.QpcFrequency}",
            NettraceBlockKind.Metadata => $"M{b.Bytes[b.PaddingAt]:x2}",
            NettraceBlockKind.Stack => $"S{b.Bytes[b.PaddingAt]:x2}",
            _ => $"E{b.Bytes[b.PaddingAt]:x2}",
        }));
        Assert.True(splitter.Ended);
        Assert.Null(splitter.Problem);
        return (names, stats);
    }

    /// <summary>Feeds a synthetic trace in small odd chunks, each part stamped with the arrival time given to Until.</summary>
    private sealed class Feeder(SyntheticNettrace trace)
    {
        private readonly List<(long End, TimeSpan Arrival)> _parts = [];

        public void Until(TimeSpan arrival) => _parts.Add((trace.Length, arrival));

        public void Into(FlightRecorderWindow window, Func<TimeSpan, TimeSpan>? analysedUpTo = null, Action? onChunk = null)
        {
            byte[] bytes = trace.ToArray();
            long at = 0;
            foreach ((long end, TimeSpan arrival) in _parts)
            {
                while (at < end)
                {
                    int n = (int)Math.Min(37, end - at);
                    window.Append(bytes.AsSpan((int)at, n), arrival, analysedUpTo?.Invoke(arrival) ?? arrival);
                    at += n;
                    onChunk?.Invoke();
                }
            }
        }
    }
}

namespace Tracer.Engine.Tests.Decoding;

/// <summary>
/// Random synthetic V5 streams (interleaved threads, random sorted flags, equal timestamps across threads, sequence gaps,
/// stacks, sequence points, timestamps before the sync time, waits folded into contentions) decode identically with our
/// reader and with TraceEvent.
/// </summary>
public sealed class SyntheticTraceEquivalenceTests
{
    private const int Enqueue = 1, WaitStart = 2, WaitStop = 3, Foreign = 4, LockStart = 5, LockStop = 6;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Random_stream_decodes_the_same_as_with_TraceEvent(int seed)
    {
        string path = Path.Combine(Path.GetTempPath(), $"tracer-synthetic-{seed}-{Guid.NewGuid():N}.nettrace");
        File.WriteAllBytes(path, RandomTrace(new Random(seed)));
        try
        {
            DecoderEquivalence.AssertSame(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Events_written_thread_by_thread_come_out_in_time_order_with_lost_events_counted()
    {
        byte[] trace = Builder()
            .Events([
                Ev(Enqueue, 1, 101, 3000, sorted: true, serial: 1),
                Ev(Enqueue, 2, 101, 5000, serial: 2),
                Ev(Enqueue, 1, 102, 4000, sorted: true, serial: 3),
                Ev(Enqueue, 4, 102, 6000, serial: 4), // sequence 2 and 3 of thread 102 were dropped
            ])
            .SequencePoint(NettraceBuilder.SyncQpc + 7000, (101, 2), (102, 6)) // and 5, 6 too
            .Finish();
        string path = Path.Combine(Path.GetTempPath(), $"tracer-synthetic-{Guid.NewGuid():N}.nettrace");
        File.WriteAllBytes(path, trace);
        try
        {
            DecoderEquivalence.Outcome ours = DecoderEquivalence.Decode(path, traceEvent: false);
            Assert.Equal(4, ours.LostEvents);
            Assert.Equal([1ul, 3ul, 2ul, 4ul], ours.Records.Select(r => ulong.Parse(r.Split("ObjectId = ")[1].Split(',')[0])));
            Assert.Contains("TimeMs = 0.003,", ours.Records[0], StringComparison.Ordinal); // 3000 ticks at 1 GHz
            DecoderEquivalence.AssertSame(path, minRecords: 4, withStacks: false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static NettraceBuilder Builder() => new NettraceBuilder().Metadata(
        (Enqueue, "Microsoft-Windows-DotNETRuntime", 61, "ThreadPoolEnqueue"),
        (WaitStart, "Microsoft-Windows-DotNETRuntime", 301, "WaitHandleWaitStart"),
        (WaitStop, "Microsoft-Windows-DotNETRuntime", 302, "WaitHandleWaitStop"),
        (Foreign, "Some-Other-Provider", 7, "Other"),
        (LockStart, "Microsoft-Windows-DotNETRuntime", 81, "ContentionStart"),
        (LockStop, "Microsoft-Windows-DotNETRuntime", 91, "ContentionStop"));

    private static NettraceBuilder.Event Ev(int metadata, int sequence, long thread, long ticks, bool sorted = false, ulong serial = 0, int stack = 0) =>
        new(metadata, sequence, thread, thread, NettraceBuilder.SyncQpc + ticks, Payload(metadata, serial), sorted, stack);

    private static byte[] Payload(int metadata, ulong serial) => metadata switch
    {
        Enqueue => BitConverter.GetBytes(serial),
        WaitStart => [0, .. BitConverter.GetBytes(serial), 0, 0],
        WaitStop => [0, 0],
        LockStart => [0, 0, 0, .. BitConverter.GetBytes(0x10 + (serial % 3)), .. BitConverter.GetBytes(serial), .. BitConverter.GetBytes(101UL)],
        LockStop => [0, 0, 0, .. BitConverter.GetBytes(1000.0)],
        _ => BitConverter.GetBytes(serial * 31),
    };

    private static byte[] RandomTrace(Random random)
    {
        NettraceBuilder builder = Builder();
        long[] clocks = [0, 0, 0, 0];
        int[] sequences = [0, 0, 0, 0];
        ulong serial = 0;
        for (int region = 0; region < 3; region++)
        {
            builder.Stacks(1, [0x1000, 0x2000], [0x3000], [0x4000, 0x5000, 0x6000]);
            for (int block = 0; block < 4; block++)
            {
                var events = new List<NettraceBuilder.Event>();
                for (int batch = random.Next(1, 6); batch > 0; batch--)
                {
                    int t = random.Next(clocks.Length);
                    for (int i = 0, count = random.Next(1, 12); i < count; i++)
                    {
                        // A coarse clock: equal timestamps across threads happen; a thread's own events always advance (as
                        // EventPipe's monotonic clock read per event does).
                        clocks[t] += random.Next(1, 3) * 1000;
                        sequences[t] += random.Next(20) == 0 ? 3 : 1; // now and then a gap: dropped events
                        // Waits inside a contention are folded: our reader does it while parsing, TraceEvent's path on dispatch.
                        int metadata = random.Next(14) switch { < 4 => Enqueue, < 7 => WaitStart, < 10 => WaitStop, 10 => Foreign, 11 => LockStart, _ => LockStop };
                        long ticks = region == 0 && block == 0 && i == 0 ? -500 : clocks[t]; // before the sync time: clamped
                        // A thread's batch starts with a sorted event (as the runtime writes), plus random extra ones.
                        events.Add(Ev(metadata, sequences[t], 100 + t, ticks, sorted: i == 0 || random.Next(8) == 0, ++serial, random.Next(5)));
                    }
                }

                builder.Events(events);
            }

            for (int t = 0; t < sequences.Length; t++)
            {
                sequences[t] += random.Next(2); // events dropped since the thread's last one that was written
            }

            builder.SequencePoint(NettraceBuilder.SyncQpc + clocks.Max() + 1, [.. Enumerable.Range(0, clocks.Length).Select(t => (100L + t, sequences[t]))]);
        }

        return builder.Finish();
    }
}

using System.Text;

namespace Tracer.Engine.Tests.Decoding;

/// <summary>
/// Writes synthetic .nettrace V5 streams (FastSerialization objects, compressed event headers) for reader tests: what
/// the runtime writes, with full control of timestamps, threads, sorted flags, sequence numbers and stacks.
/// </summary>
internal sealed class NettraceBuilder
{
    public const long SyncQpc = 1_000_000;
    public const long Frequency = 1_000_000_000;
    public const int ProcessId = 4242;

    private readonly MemoryStream _out = new();
    private readonly BinaryWriter _w;

    public NettraceBuilder()
    {
        _w = new BinaryWriter(_out, Encoding.ASCII, leaveOpen: true);
        _w.Write("Nettrace"u8);
        _w.Write(20);
        _w.Write("!FastSerialization.1"u8);
        TypeHeader("Trace", 4);
        foreach (short field in new short[] { 2026, 11, 5, 27, 0, 0, 0, 0 })
        {
            _w.Write(field);
        }

        _w.Write(SyncQpc);
        _w.Write(Frequency);
        _w.Write(8); // pointer size
        _w.Write(ProcessId);
        _w.Write(2); // processors
        _w.Write(1000); // sampling rate
        _w.Write((byte)6);
    }

    /// <summary>One event to write: fields as the reader should see them.</summary>
    public readonly record struct Event(int MetadataId, int Sequence, long CaptureThread, long Thread, long TimeStamp, byte[] Payload, bool Sorted = false, int StackId = 0);

    public NettraceBuilder Metadata(params (int Id, string Provider, int EventId, string Name)[] records)
    {
        var body = new MemoryStream();
        var w = new BinaryWriter(body);
        BlockHeader(w);
        foreach ((int id, string provider, int eventId, string name) in records)
        {
            var payload = new MemoryStream();
            var p = new BinaryWriter(payload);
            p.Write(id);
            p.Write(Encoding.Unicode.GetBytes(provider + "\0"));
            p.Write(eventId);
            p.Write(Encoding.Unicode.GetBytes(name + "\0"));
            p.Write(0L); // keywords
            p.Write(1); // version
            p.Write(4); // level
            w.Write((byte)0x80); // payload size follows; every other field stays as before (zero)
            VarUInt(w, 0); // timestamp delta
            VarUInt(w, (ulong)payload.Length);
            w.Write(payload.ToArray());
        }

        return Block("MetadataBlock", body.ToArray());
    }

    /// <summary>An EventBlock with every header field written explicitly (deltas from the previous event).</summary>
    public NettraceBuilder Events(IEnumerable<Event> events)
    {
        var body = new MemoryStream();
        var w = new BinaryWriter(body);
        BlockHeader(w);
        int sequence = 0;
        long time = 0;
        foreach (Event e in events)
        {
            byte flags = 1 | 2 | 4 | 8 | 128;
            if (e.Sorted)
            {
                flags |= 64;
            }

            w.Write(flags);
            VarUInt(w, (ulong)e.MetadataId);
            VarUInt(w, unchecked((uint)(e.Sequence - sequence - 1)));
            VarUInt(w, (ulong)e.CaptureThread);
            VarUInt(w, 0); // processor
            VarUInt(w, (ulong)e.Thread);
            VarUInt(w, (ulong)e.StackId);
            VarUInt(w, unchecked((ulong)(e.TimeStamp - time)));
            VarUInt(w, (ulong)e.Payload.Length);
            w.Write(e.Payload);
            sequence = e.Sequence;
            time = e.TimeStamp;
        }

        return Block("EventBlock", body.ToArray());
    }

    public NettraceBuilder Stacks(int firstId, params ulong[][] stacks)
    {
        var body = new MemoryStream();
        var w = new BinaryWriter(body);
        w.Write(firstId);
        w.Write(stacks.Length);
        foreach (ulong[] stack in stacks)
        {
            w.Write(stack.Length * 8);
            foreach (ulong ip in stack)
            {
                w.Write(ip);
            }
        }

        return Block("StackBlock", body.ToArray());
    }

    public NettraceBuilder SequencePoint(long timeStamp, params (long Thread, int Sequence)[] threads)
    {
        var body = new MemoryStream();
        var w = new BinaryWriter(body);
        w.Write(timeStamp);
        w.Write(threads.Length);
        foreach ((long thread, int sequence) in threads)
        {
            w.Write(thread);
            w.Write(sequence);
        }

        return Block("SPBlock", body.ToArray());
    }

    /// <summary>The stream so far plus the end-of-stream marker.</summary>
    public byte[] Finish()
    {
        _w.Write((byte)1);
        _w.Flush();
        return _out.ToArray();
    }

    public static void VarUInt(BinaryWriter w, ulong value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            w.Write(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }

    private NettraceBuilder Block(string type, byte[] body)
    {
        TypeHeader(type, 2);
        _w.Write(body.Length);
        _w.Flush();
        while (_out.Position % 4 != 0)
        {
            _w.Write((byte)0);
        }

        _w.Write(body);
        _w.Write((byte)6);
        return this;
    }

    private static void BlockHeader(BinaryWriter w)
    {
        w.Write((short)20); // header size
        w.Write((short)1); // flags: compressed headers
        w.Write(0L); // min timestamp (not used by readers)
        w.Write(0L); // max timestamp
    }

    private void TypeHeader(string type, int version)
    {
        _w.Write((byte)5);
        _w.Write((byte)5);
        _w.Write((byte)1);
        _w.Write(version);
        _w.Write(version);
        _w.Write(type.Length);
        _w.Write(Encoding.ASCII.GetBytes(type));
        _w.Write((byte)6);
    }
}

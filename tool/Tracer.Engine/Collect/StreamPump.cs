using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracer.Engine.Collect;

/// <summary>
/// Copies a live session's stream to the trace file on its own thread (flushed per chunk, so the file holds
/// everything received even if decoding lags or the tool is interrupted) and hands the same bytes to the decoder
/// through a bounded queue. The decoder's side calls <see cref="Starved"/> just before it would block: that is
/// when it has seen everything that arrived. With the flight recorder there is no file here (<paramref name="file"/> is
/// null): the reader hands each block to the window, stamped with <see cref="DecoderReached"/>, the arrival time of
/// the chunk the decoder is reading.
/// </summary>
internal sealed class StreamPump : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream _source;
    private readonly Stream? _file;
    private readonly Lock _fileGate = new();
    private bool _fileDetached;
    private readonly BlockingCollection<Chunk> _chunks = new(boundedCapacity: 1024); // at most 64 MiB in flight
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _written;
    private long _decoderReachedTicks; // arrival time (in _clock ticks) of the chunk the decoder is reading

    public StreamPump(Stream source, Stream? file)
    {
        _source = source;
        _file = file;
        Reader = new PumpedStream(this);
        _thread = new Thread(Pump) { IsBackground = true, Name = "tracer-pump" };
    }

    /// <summary>Called on the decoder thread when it has consumed all bytes received so far.</summary>
    public Action? Starved { get; set; }

    public Stream Reader { get; }

    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>When the bytes the decoder is reading now arrived (since the pump was made).</summary>
    public TimeSpan DecoderReached => TimeSpan.FromTicks(Interlocked.Read(ref _decoderReachedTicks));

    /// <summary>Set when reading the session failed (not a clean end of stream).</summary>
    public Exception? Error { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>
    /// From now on the pump writes nothing more to the file (a chunk being written is finished first), so the caller
    /// may close and finalize it even while the pump is still blocked reading a stream that will not end.
    /// </summary>
    public void DetachFile()
    {
        lock (_fileGate)
        {
            _fileDetached = true;
        }
    }

    public void Dispose() => _chunks.Dispose();

    private void Pump()
    {
        byte[] buffer = new byte[ChunkSize];
        try
        {
            while (true)
            {
                int read = _source.Read(buffer, 0, buffer.Length);
                if (read <= 0)
                {
                    break;
                }

                TimeSpan arrival = _clock.Elapsed;
                lock (_fileGate)
                {
                    if (_file is not null && !_fileDetached)
                    {
                        _file.Write(buffer, 0, read);
                        _file.Flush();
                    }
                }

                Interlocked.Add(ref _written, read);
                _chunks.Add(new Chunk(buffer.AsSpan(0, read).ToArray(), arrival.Ticks));
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            Error = ex; // the session was closed under us or the target died: what was written stays
        }
        finally
        {
            _chunks.CompleteAdding();
        }
    }

    private readonly record struct Chunk(byte[] Bytes, long ArrivalTicks);

    private sealed class PumpedStream(StreamPump pump) : Stream
    {
        private byte[] _current = [];
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset == _current.Length && !NextChunk())
            {
                return 0;
            }

            int n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        private bool NextChunk()
        {
            if (!pump._chunks.TryTake(out Chunk chunk))
            {
                if (pump._chunks.IsCompleted)
                {
                    return false;
                }

                pump.Starved?.Invoke();
                try
                {
                    chunk = pump._chunks.Take();
                }
                catch (InvalidOperationException)
                {
                    return false; // completed while waiting
                }
            }

            _current = chunk.Bytes;
            _offset = 0;
            Interlocked.Exchange(ref pump._decoderReachedTicks, chunk.ArrivalTicks);
            return true;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>A FIFO ring of <see cref="EventMarker"/>s read in place (Queue&lt;T&gt; copies each 48-byte marker on Peek and
/// Dequeue, on the reader's hottest path).</summary>
internal sealed class MarkerQueue
{
    private EventMarker[] _items = [];
    private int _head;

    public int Count { get; private set; }

    public long FrontTimeStamp => _items[_head].TimeStamp;

    public ref readonly EventMarker Front => ref _items[_head];

    public void Enqueue(in EventMarker marker)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        int tail = _head + Count;
        if (tail >= _items.Length)
        {
            tail -= _items.Length;
        }

        _items[tail] = marker;
        Count++;
    }

    /// <summary>Drops the front marker (after it was dispatched from <see cref="Front"/>).</summary>
    public void DropFront()
    {
        _items[_head] = default; // let its block go
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        Count--;
    }

    /// <summary>Empties the queue and gives its memory back.</summary>
    public void Reset()
    {
        _items = [];
        _head = 0;
        Count = 0;
    }

    private void Grow()
    {
        var bigger = new EventMarker[Math.Max(16, _items.Length * 2)];
        for (int i = 0; i < Count; i++)
        {
            int from = _head + i;
            bigger[i] = _items[from >= _items.Length ? from - _items.Length : from];
        }

        _items = bigger;
        _head = 0;
    }
}

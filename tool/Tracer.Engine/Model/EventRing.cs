using Tracer.Engine.Events;

namespace Tracer.Engine.Model;

/// <summary>The last <see cref="Capacity"/> decoded records, oldest overwritten first (bounded memory in live mode).</summary>
public sealed class EventRing(int capacity)
{
    private readonly TraceRecord[] _items = new TraceRecord[capacity];
    private int _next;

    public int Capacity => _items.Length;
    public int Count { get; private set; }
    /// <summary>Records ever added (so a reader can tell whether anything changed).</summary>
    public long Added { get; private set; }

    public void Add(in TraceRecord record)
    {
        _items[_next] = record;
        if (++_next == _items.Length)
        {
            _next = 0;
        }

        if (Count < _items.Length)
        {
            Count++;
        }

        Added++;
    }

    /// <summary>The kept records, oldest first.</summary>
    public TraceRecord[] ToArray()
    {
        var copy = new TraceRecord[Count];
        int start = (_next - Count + _items.Length) % _items.Length;
        int first = Math.Min(Count, _items.Length - start);
        Array.Copy(_items, start, copy, 0, first);
        Array.Copy(_items, 0, copy, first, Count - first);
        return copy;
    }
}

using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Puts records back into timestamp order (stable for equal times). Records arrive almost sorted (per-thread order is
/// kept; threads are only slightly interleaved out of order), so an append is the common case and an insert moves
/// only the few newer records after it.
/// </summary>
internal sealed class ReorderBuffer
{
    private readonly List<TraceRecord> _items = [];
    private int _head;

    public int Count => _items.Count - _head;

    public void Add(in TraceRecord record)
    {
        int end = _items.Count;
        if (end == _head || _items[end - 1].TimeMs <= record.TimeMs)
        {
            _items.Add(record);
            return;
        }

        // Upper bound: after every record with the same or an earlier time.
        int low = _head, high = end;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (_items[mid].TimeMs <= record.TimeMs)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        _items.Insert(low, record);
    }

    /// <summary>Takes the oldest record if its time is at most <paramref name="upToMs"/>.</summary>
    public bool TryTake(double upToMs, out TraceRecord record)
    {
        if (_head == _items.Count || _items[_head].TimeMs > upToMs)
        {
            record = default;
            return false;
        }

        record = _items[_head++];
        if (_head == _items.Count)
        {
            _items.Clear();
            _head = 0;
        }
        else if (_head > 4096 && _head > _items.Count / 2)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }

        return true;
    }
}

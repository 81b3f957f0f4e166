namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// A binary min-heap of (timestamp, value). Ties are broken by heap position, exactly as TraceEvent's EventCache heap
/// (same build, sift-down, replace-root and remove-root steps), so events with equal timestamps on different threads
/// come out in the same order as with TraceEvent.
/// </summary>
internal sealed class TimestampHeap<T>
{
    private (long Key, T Value)[] _entries = new (long, T)[16];

    public int Count { get; private set; }

    public T PeekValue => _entries[0].Value;

    public void Clear()
    {
        Array.Clear(_entries, 0, Count);
        Count = 0;
    }

    public void Add(long key, T value)
    {
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        _entries[Count++] = (key, value);
    }

    /// <summary>Establishes the heap order after the <see cref="Add"/>s.</summary>
    public void Build()
    {
        for (int i = (Count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    public void ReplaceRoot(long key, T value)
    {
        _entries[0] = (key, value);
        SiftDown(0);
    }

    public void RemoveRoot()
    {
        int last = Count - 1;
        if (last == 0)
        {
            _entries[0] = default;
            Count = 0;
            return;
        }

        _entries[0] = _entries[last];
        _entries[last] = default;
        Count = last;
        SiftDown(0);
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int smallest = i;
            int left = (2 * i) + 1;
            int right = left + 1;
            if (left < Count && _entries[left].Key < _entries[smallest].Key)
            {
                smallest = left;
            }

            if (right < Count && _entries[right].Key < _entries[smallest].Key)
            {
                smallest = right;
            }

            if (smallest == i)
            {
                return;
            }

            (_entries[i], _entries[smallest]) = (_entries[smallest], _entries[i]);
            i = smallest;
        }
    }
}

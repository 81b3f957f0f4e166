namespace Tracer.Engine.Model;

/// <summary>
/// A per-thread value, keyed by OS thread id, for the detectors' per-record lookups (every contention sets and removes
/// one in several detectors): the usual small ids find their slot through an array, not a hash; other ids hash. Slots
/// are never freed, so memory is bounded by the threads seen. Enumerates in the order threads were first seen (the
/// order of the records), so a result that depends on it is still the same for the same records.
/// </summary>
internal sealed class ThreadMap<T>
    where T : struct
{
    private const int DirectLimit = 1 << 18;

    private int[] _slotById = new int[256]; // slot + 1; 0 = no slot yet
    private readonly Dictionary<int, int> _slotOfOther = new();
    private T[] _values = new T[8];
    private bool[] _present = new bool[8];
    private int[] _idOfSlot = new int[8];
    private int _slots;

    public int Count { get; private set; }

    public T this[int threadId]
    {
        get => TryGetValue(threadId, out T value) ? value : throw new KeyNotFoundException($"thread {threadId}");
        set
        {
            int slot = Slot(threadId, add: true);
            _values[slot] = value;
            if (!_present[slot])
            {
                _present[slot] = true;
                Count++;
            }
        }
    }

    public bool ContainsKey(int threadId)
    {
        int slot = Slot(threadId, add: false);
        return slot >= 0 && _present[slot];
    }

    public bool TryGetValue(int threadId, out T value)
    {
        int slot = Slot(threadId, add: false);
        if (slot >= 0 && _present[slot])
        {
            value = _values[slot];
            return true;
        }

        value = default;
        return false;
    }

    public bool Remove(int threadId) => Remove(threadId, out _);

    public bool Remove(int threadId, out T value)
    {
        int slot = Slot(threadId, add: false);
        if (slot >= 0 && _present[slot])
        {
            value = _values[slot];
            _present[slot] = false;
            _values[slot] = default;
            Count--;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The threads that have a value, with it, in the order the threads were first seen. Do not change the map
    /// while enumerating.</summary>
    public IEnumerable<KeyValuePair<int, T>> Entries()
    {
        for (int slot = 0; slot < _slots; slot++)
        {
            if (_present[slot])
            {
                yield return new KeyValuePair<int, T>(_idOfSlot[slot], _values[slot]);
            }
        }
    }

    /// <summary>The thread's slot, or -1 when it has none and <paramref name="add"/> is false.</summary>
    private int Slot(int threadId, bool add)
    {
        if ((uint)threadId < (uint)_slotById.Length && _slotById[threadId] != 0)
        {
            return _slotById[threadId] - 1;
        }

        if ((uint)threadId >= DirectLimit && _slotOfOther.TryGetValue(threadId, out int other))
        {
            return other;
        }

        if (!add)
        {
            return -1;
        }

        int slot = NewSlot();
        _idOfSlot[slot] = threadId;
        if ((uint)threadId < DirectLimit)
        {
            if (threadId >= _slotById.Length)
            {
                Array.Resize(ref _slotById, Math.Min(DirectLimit, Math.Max(threadId + 1, _slotById.Length * 2)));
            }

            _slotById[threadId] = slot + 1;
        }
        else
        {
            _slotOfOther.Add(threadId, slot);
        }

        return slot;
    }

    private int NewSlot()
    {
        if (_slots == _values.Length)
        {
            Array.Resize(ref _values, _slots * 2);
            Array.Resize(ref _present, _slots * 2);
            Array.Resize(ref _idOfSlot, _slots * 2);
        }

        return _slots++;
    }
}

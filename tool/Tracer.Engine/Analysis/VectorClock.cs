namespace Tracer.Engine.Analysis;

/// <summary>A vector clock over dense thread indices (missing entries are 0). Grows on demand.</summary>
internal sealed class VectorClock
{
    private int[] _clocks = new int[4];
    private int _length; // entries in use: joins copy only these, so two clocks never inflate each other

    public int this[int thread]
    {
        get => thread < _length ? _clocks[thread] : 0;
        set
        {
            EnsureLength(thread + 1);
            _clocks[thread] = value;
        }
    }

    /// <summary>this := this ⊔ other (pointwise max).</summary>
    public void Join(VectorClock other)
    {
        EnsureLength(other._length);
        int[] mine = _clocks;
        int[] theirs = other._clocks;
        for (int i = 0; i < other._length; i++)
        {
            if (theirs[i] > mine[i])
            {
                mine[i] = theirs[i];
            }
        }
    }

    private void EnsureLength(int length)
    {
        if (length > _clocks.Length)
        {
            Array.Resize(ref _clocks, Math.Max(length, _clocks.Length * 2));
        }

        _length = Math.Max(_length, length);
    }
}

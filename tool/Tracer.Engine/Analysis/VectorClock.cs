namespace Tracer.Engine.Analysis;

/// <summary>A vector clock over dense thread indices (missing entries are 0). Grows on demand.</summary>
internal sealed class VectorClock
{
    private int[] _clocks;

    public VectorClock(int capacity = 4) => _clocks = new int[Math.Max(capacity, 1)];

    public int this[int thread]
    {
        get => thread < _clocks.Length ? _clocks[thread] : 0;
        set
        {
            Grow(thread + 1);
            _clocks[thread] = value;
        }
    }

    /// <summary>this := this ⊔ other (pointwise max).</summary>
    public void Join(VectorClock other)
    {
        Grow(other._clocks.Length);
        int[] mine = _clocks;
        int[] theirs = other._clocks;
        for (int i = 0; i < theirs.Length; i++)
        {
            if (theirs[i] > mine[i])
            {
                mine[i] = theirs[i];
            }
        }
    }

    private void Grow(int length)
    {
        if (length > _clocks.Length)
        {
            Array.Resize(ref _clocks, Math.Max(length, _clocks.Length * 2));
        }
    }
}

namespace Tracer.RaceRuntime;

/// <summary>A published vector clock (on a lock, event, task...). Callers hold the owner's gate while joining.</summary>
public sealed class VectorClock
{
    private int[] _clock = new int[16];

    public void Join(int[] other)
    {
        if (other.Length > _clock.Length)
        {
            Array.Resize(ref _clock, other.Length);
        }

        for (int i = 0; i < other.Length; i++)
        {
            if (other[i] > _clock[i])
            {
                _clock[i] = other[i];
            }
        }
    }

    public void Join(VectorClock other) => Join(other._clock);

    /// <summary>Joins this clock into a thread's clock array (growing it).</summary>
    public void JoinInto(ref int[] target)
    {
        int[] mine = _clock;
        if (mine.Length > target.Length)
        {
            Array.Resize(ref target, mine.Length);
        }

        for (int i = 0; i < mine.Length; i++)
        {
            if (mine[i] > target[i])
            {
                target[i] = mine[i];
            }
        }
    }
}

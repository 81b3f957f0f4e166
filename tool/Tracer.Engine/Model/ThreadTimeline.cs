namespace Tracer.Engine.Model;

/// <summary>
/// A thread's states over time as a compact list of change points (struct array, no object per interval).
/// The state of point i lasts until point i+1, the last one until the thread's last sighting or the trace end.
/// </summary>
public sealed class ThreadTimeline
{
    /// <summary>Change points kept per thread. A long live session keeps the newest ones, so memory stays bounded.</summary>
    public const int MaxPoints = 65_536;

    private StatePoint[] _points = new StatePoint[8];

    public int Count { get; private set; }

    /// <summary>Bumped each time the oldest points are dropped: a reader copying incrementally must start over.</summary>
    public int Generation { get; private set; }

    /// <summary>Points before this time were dropped to bound memory (NaN when nothing was).</summary>
    public double DroppedBeforeMs { get; private set; } = double.NaN;

    public ReadOnlySpan<StatePoint> Points => _points.AsSpan(0, Count);

    public ThreadState Current => Count == 0 ? ThreadState.Running : _points[Count - 1].State;

    public void Set(double timeMs, ThreadState state, ulong subject = 0)
    {
        if (Count > 0 && _points[Count - 1].State == state && _points[Count - 1].Subject == subject)
        {
            return;
        }

        if (Count == MaxPoints)
        {
            // Keep the newest half; the state in force at the cut stays as the first point.
            int drop = Count / 2;
            Array.Copy(_points, drop, _points, 0, Count - drop);
            Count -= drop;
            DroppedBeforeMs = _points[0].TimeMs;
            Generation++;
        }
        else if (Count == _points.Length)
        {
            Array.Resize(ref _points, Math.Min(_points.Length * 2, MaxPoints));
        }

        _points[Count++] = new StatePoint(timeMs, state, subject);
    }

    /// <summary>The state in force at <paramref name="timeMs"/> (binary search).</summary>
    public StatePoint? At(double timeMs)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_points[mid].TimeMs <= timeMs)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : _points[found];
    }
}

/// <summary>From <see cref="TimeMs"/> on, the thread is in <see cref="State"/>; Subject is the lock id or object waited on.</summary>
public readonly record struct StatePoint(double TimeMs, ThreadState State, ulong Subject);

using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;

namespace Tracer.Cli.Tui.Screens;

/// <summary>
/// Per-column summaries of a lane: the state that takes most of each column's time span. One pass over the change
/// points in view (O(points + columns)); the screen caches the result until the view, width or data change.
/// </summary>
internal static class TimelineColumns
{
    public const byte NoState = byte.MaxValue;

    public static byte[] Summarize(ReadOnlySpan<StatePoint> points, double laneEndMs, double viewStartMs, double columnMs, int columns)
    {
        var result = new byte[columns];
        Array.Fill(result, NoState);
        if (points.Length == 0 || columns <= 0 || columnMs <= 0)
        {
            return result;
        }

        Span<double> time = stackalloc double[Enum.GetValues<ThreadState>().Length];
        int i = LastAtOrBefore(points, viewStartMs);
        if (i < 0)
        {
            i = 0;
        }

        for (int c = 0; c < columns; c++)
        {
            double a = viewStartMs + c * columnMs, b = a + columnMs;
            while (i + 1 < points.Length && points[i + 1].TimeMs <= a)
            {
                i++;
            }

            time.Clear();
            bool any = false;
            for (int j = i; j < points.Length && points[j].TimeMs < b; j++)
            {
                double segmentEnd = j + 1 < points.Length ? points[j + 1].TimeMs : laneEndMs;
                double overlap = Math.Min(segmentEnd, b) - Math.Max(points[j].TimeMs, a);
                if (overlap > 0 || (overlap == 0 && points[j].TimeMs >= a))
                {
                    // A zero-length state still shows when nothing else covers the column.
                    time[(int)points[j].State] += Math.Max(overlap, 1e-9);
                    any = true;
                }
            }

            if (any)
            {
                int best = 0;
                for (int s = 1; s < time.Length; s++)
                {
                    if (time[s] > time[best])
                    {
                        best = s;
                    }
                }

                result[c] = (byte)best;
            }
        }

        return result;
    }

    /// <summary>Index of the last point at or before <paramref name="timeMs"/>, -1 if none (binary search).</summary>
    public static int LastAtOrBefore(ReadOnlySpan<StatePoint> points, double timeMs)
    {
        int lo = 0, hi = points.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (points[mid].TimeMs <= timeMs)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}

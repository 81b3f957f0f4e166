namespace Tracer.Engine.Model;

/// <summary>
/// Wait durations in bounded memory: exact while there are few (percentiles from the sorted values), then a log-linear
/// histogram (32 sub-buckets per power of two: under 3 % relative error) so a lock contended for hours costs a fixed
/// ~16 KiB instead of 8 bytes per wait. Counts are order-independent, so live and replay agree.
/// </summary>
public sealed class WaitHistogram
{
    public const int ExactLimit = 10_000;
    private const int SubBuckets = 32;
    private const int Powers = 64;

    private List<double>? _exact = [];
    private double[] _sorted = [];
    private long[]? _buckets;

    public long Count { get; private set; }

    /// <summary>True while every value is kept (percentiles are exact).</summary>
    public bool IsExact => _exact is not null;

    public void Add(double valueNs)
    {
        Count++;
        if (_exact is not null)
        {
            _exact.Add(valueNs);
            if (_exact.Count <= ExactLimit)
            {
                return;
            }

            _buckets = new long[Powers * SubBuckets];
            foreach (double v in _exact)
            {
                _buckets[Bucket(v)]++;
            }

            _exact = null;
            _sorted = [];
            return;
        }

        _buckets![Bucket(valueNs)]++;
    }

    /// <summary>A copy to read on another thread while this one keeps growing (the sorted values, once sorted, are never
    /// changed in place, so they are shared).</summary>
    internal WaitHistogram Copy() => new()
    {
        Count = Count,
        _exact = _exact is null ? null : [.. _exact],
        _sorted = _exact is not null && _sorted.Length == _exact.Count ? _sorted : [],
        _buckets = (long[]?)_buckets?.Clone(),
    };

    /// <summary>The <paramref name="p"/>-th percentile (0–100), 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Clamp((long)Math.Ceiling(p / 100.0 * Count), 1, Count);
        if (_exact is not null)
        {
            if (_sorted.Length != _exact.Count)
            {
                _sorted = [.. _exact];
                Array.Sort(_sorted);
            }

            return _sorted[rank - 1];
        }

        long seen = 0;
        for (int i = 0; i < _buckets!.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                return Midpoint(i);
            }
        }

        return Midpoint(_buckets.Length - 1);
    }

    private static int Bucket(double valueNs)
    {
        if (valueNs < 1)
        {
            return 0;
        }

        // floor(log2) and 2^power from the double's exponent bits: Log2 and Pow were 2 % of a replay.
        int power = Math.Min(Powers - 1, (int)((BitConverter.DoubleToInt64Bits(valueNs) >> 52) & 0x7FF) - 1023);
        double low = BitConverter.Int64BitsToDouble((long)(power + 1023) << 52);
        int sub = Math.Clamp((int)((valueNs - low) / low * SubBuckets), 0, SubBuckets - 1);
        return (power * SubBuckets) + sub;
    }

    private static double Midpoint(int bucket)
    {
        int power = bucket / SubBuckets, sub = bucket % SubBuckets;
        double low = Math.Pow(2, power);
        return low + ((sub + 0.5) * low / SubBuckets);
    }
}

using Tracer.Engine.Model;

namespace Tracer.Engine.Tests.Model;

public sealed class WaitHistogramTests
{
    [Fact]
    public void Few_waits_give_exact_percentiles()
    {
        var h = new WaitHistogram();
        foreach (double v in new[] { 5.0, 1, 4, 2, 3 })
        {
            h.Add(v);
        }

        Assert.True(h.IsExact);
        Assert.Equal(3, h.Percentile(50));
        Assert.Equal(5, h.Percentile(99));
        Assert.Equal(1, h.Percentile(0));
    }

    [Fact]
    public void Many_waits_stay_within_three_percent_in_bounded_memory()
    {
        var h = new WaitHistogram();
        var random = new Random(7);
        var all = new List<double>();
        for (int i = 0; i < 200_000; i++)
        {
            double v = Math.Exp(random.NextDouble() * 16) * 100; // 100 ns .. ~0.9 s, log-uniform
            all.Add(v);
            h.Add(v);
        }

        Assert.False(h.IsExact);
        all.Sort();
        foreach (double p in new[] { 50.0, 90, 99, 99.9 })
        {
            double exact = all[(int)Math.Ceiling(p / 100 * all.Count) - 1];
            Assert.InRange(h.Percentile(p), exact * 0.97, exact * 1.03);
        }
    }

    [Fact]
    public void Order_does_not_matter()
    {
        double[] values = [.. Enumerable.Range(1, 30_000).Select(i => i * 1.7)];
        var forward = new WaitHistogram();
        var backward = new WaitHistogram();
        foreach (double v in values)
        {
            forward.Add(v);
        }

        foreach (double v in values.Reverse())
        {
            backward.Add(v);
        }

        Assert.Equal(forward.Percentile(50), backward.Percentile(50));
        Assert.Equal(forward.Percentile(99), backward.Percentile(99));
    }

    [Fact]
    public void Empty_is_zero() => Assert.Equal(0, new WaitHistogram().Percentile(99));
}

using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Tests.Model;

/// <summary>Percentiles stay exact when asked between batches of waits (the UI asks every refresh).</summary>
public sealed class LockPercentileTests
{
    [Fact]
    public void Percentiles_asked_while_waits_keep_arriving_equal_a_full_sort()
    {
        var model = new TraceModel();
        var random = new Random(7);
        var all = new List<double>();
        double time = 0;
        for (int batch = 0; batch < 5; batch++)
        {
            for (int i = 0; i < 200; i++)
            {
                double waitNs = random.Next(1, 1_000_000);
                all.Add(waitNs);
                model.Apply(TraceRecord.ContentionStart(time += 1, threadId: 1 + i % 3, lockId: 0x10, objectId: 0x20, ownerThreadId: 9));
                model.Apply(TraceRecord.ContentionStop(time += 1, threadId: 1 + i % 3, durationNs: waitNs));
            }

            LockInfo info = model.Locks[0x10];
            double[] sorted = [.. all.Order()];
            foreach (double p in new[] { 0.0, 50, 90, 99, 100 })
            {
                int index = Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
                Assert.Equal(sorted[index], info.PercentileWaitNs(p));
            }
        }
    }

    [Fact]
    public void Event_ring_keeps_the_most_recent_records_oldest_first()
    {
        var ring = new EventRing(3);
        for (int i = 1; i <= 5; i++)
        {
            ring.Add(TraceRecord.WaitStop(i, threadId: i));
        }

        Assert.Equal([3, 4, 5], ring.ToArray().Select(r => r.ThreadId));
        Assert.Equal(5, ring.Added);
    }
}

using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Tests.Snapshot;

public sealed class ThreadActivityTests
{
    [Fact]
    public void A_thread_never_scheduled_made_no_progress()
    {
        ThreadActivity.Activity a = Judge([5, 5, 5, 5, 5]);
        Assert.False(a.MadeProgress);
        Assert.Equal(0, a.Wakeups);
    }

    [Fact]
    public void A_polling_timed_wait_shows_a_few_bursts_and_is_still_stuck()
    {
        // Barrier-like: a spin burst of ~14 switches after 100, 200, 400 ms ... (one interval each).
        long[] counts = [0, 14, 14, 28, 28, 28, 28, 42, 42, 42, 42, 42, 42, 42, 42, 56, 56, 56, 56, 56, 56];
        ThreadActivity.Activity a = Judge(counts);
        Assert.False(a.MadeProgress);
        Assert.Equal(4, a.Bursts);
        Assert.Equal(56, a.Wakeups);
    }

    [Fact]
    public void A_working_thread_is_active_in_most_intervals()
    {
        Assert.True(Judge([0, 3, 9, 12, 12, 20, 25, 30, 31]).MadeProgress);
    }

    [Fact]
    public void A_thread_that_keeps_coming_back_to_work_made_progress()
    {
        // Short bursts, but many of them: a consumer getting items several times a second.
        long[] counts = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6];
        ThreadActivity.Activity a = Judge(counts);
        Assert.True(a.MadeProgress);
        Assert.Equal(6, a.Bursts);
    }

    [Fact]
    public void Threads_missing_from_the_first_or_last_sample_are_not_judged()
    {
        var samples = new List<IReadOnlyDictionary<int, long>>
        {
            new Dictionary<int, long> { [1] = 0, [2] = 0 },
            new Dictionary<int, long> { [1] = 0, [3] = 0 },
        };
        Assert.Equal([1], ThreadActivity.Judge(samples).Keys);
    }

    private static ThreadActivity.Activity Judge(long[] counts) =>
        ThreadActivity.Judge([.. counts.Select(c => (IReadOnlyDictionary<int, long>)new Dictionary<int, long> { [7] = c })])[7];
}

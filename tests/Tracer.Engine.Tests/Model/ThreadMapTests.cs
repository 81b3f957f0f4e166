using Tracer.Engine.Model;

namespace Tracer.Engine.Tests.Model;

public sealed class ThreadMapTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(28_059)] // beyond the initial array
    [InlineData(5_000_000)] // beyond the directly indexed ids: hashed
    [InlineData(-3)]
    public void A_thread_is_set_found_replaced_and_removed_like_in_a_dictionary(int threadId)
    {
        var map = new ThreadMap<(int A, double B)>();
        Assert.False(map.ContainsKey(threadId));
        Assert.False(map.Remove(threadId));

        map[threadId] = (1, 2.5);
        map[threadId] = (2, 3.5);
        map[threadId + 1] = (9, 9);

        Assert.Equal(2, map.Count);
        Assert.True(map.TryGetValue(threadId, out (int A, double B) value));
        Assert.Equal((2, 3.5), value);
        Assert.True(map.Remove(threadId, out value));
        Assert.Equal((2, 3.5), value);
        Assert.False(map.TryGetValue(threadId, out _));
        Assert.Throws<KeyNotFoundException>(() => map[threadId]);
        Assert.Equal((9, 9.0), map[threadId + 1]);
        Assert.Equal(1, map.Count);
    }

    [Fact]
    public void Many_threads_keep_their_own_values()
    {
        var map = new ThreadMap<long>();
        int[] ids = [.. Enumerable.Range(0, 300).Select(i => i * 997 % 300_000), 1 << 20, 1 << 18];
        foreach (int id in ids)
        {
            map[id] = id * 3L;
        }

        Assert.All(ids, id => Assert.Equal(id * 3L, map[id]));
        Assert.Equal(ids.Distinct().Count(), map.Count);
    }
}

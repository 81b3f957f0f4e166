using Tracer.Engine.Symbols;

namespace Tracer.Engine.Tests.Symbols;

public sealed class StackTableTests
{
    [Fact]
    public void Equal_stacks_share_an_id_and_different_ones_do_not()
    {
        var table = new StackTable();
        int a = table.Intern([1, 2, 3]);
        int b = table.Intern([1, 2, 4]);
        Assert.Equal(a, table.Intern([1, 2, 3]));
        Assert.NotEqual(a, b);
        Assert.Equal(2, table.Count);
        Assert.Equal([1ul, 2, 4], table.Get(b).ToArray());
    }

    [Fact]
    public void Empty_stacks_have_no_id() => Assert.Equal(-1, new StackTable().Intern([]));

    [Fact]
    public void Many_stacks_round_trip()
    {
        var table = new StackTable();
        var ids = Enumerable.Range(0, 5000).Select(i => table.Intern([(ulong)i, (ulong)(i * 7), 42])).ToArray();
        Assert.Equal(5000, ids.Distinct().Count());
        for (int i = 0; i < 5000; i++)
        {
            Assert.Equal(ids[i], table.Intern([(ulong)i, (ulong)(i * 7), 42]));
        }
    }
}

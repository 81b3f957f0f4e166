using Tracer.Engine.Analysis;

namespace Tracer.Engine.Tests.Analysis;

public sealed class LockOrderDetectorTests
{
    private const ulong A = 1, B = 2, C = 3, G = 9;

    [Fact]
    public void ABBA_that_completes_is_a_potential_deadlock_with_both_acquisition_sites()
    {
        var s = new ProbeStream();
        s.Acquire(1, A, "a").Acquire(1, B, "b", stack: 11).Release(1, B, "b").Release(1, A, "a");
        s.Acquire(2, B, "b").Acquire(2, A, "a", stack: 22).Release(2, A, "a").Release(2, B, "b");

        Finding f = Assert.Single(s.LockOrders());
        Assert.Equal(FindingKinds.PotentialDeadlock, f.Kind);
        Assert.Equal([1, 2], f.Threads.Select(t => t.ThreadId).Order());
        Assert.Equal([11, 22], f.Threads.Select(t => t.StackId).Order());
        Assert.Equal(["a", "b"], f.Locks.Select(l => l.Name!).Order());
    }

    [Fact]
    public void A_consistent_order_is_not_reported()
    {
        var s = new ProbeStream();
        for (int t = 1; t <= 3; t++)
        {
            s.Acquire(t, A).Acquire(t, B).Acquire(t, C).Release(t, C).Release(t, B).Release(t, A);
        }

        Assert.Empty(s.LockOrders());
    }

    [Fact]
    public void A_three_lock_cycle_is_reported_once_with_three_orders()
    {
        var s = new ProbeStream();
        s.Acquire(1, A).Acquire(1, B).Release(1, B).Release(1, A);
        s.Acquire(2, B).Acquire(2, C).Release(2, C).Release(2, B);
        Assert.Empty(s.LockOrders());
        s.Acquire(3, C).Acquire(3, A).Release(3, A).Release(3, C);
        s.Acquire(3, C).Acquire(3, A).Release(3, A).Release(3, C);

        Finding f = Assert.Single(s.LockOrders());
        Assert.Equal(3, f.Threads.Count);
        Assert.Equal(3, f.Details.Count);
    }

    [Fact]
    public void Re_entering_a_held_lock_adds_no_order()
    {
        var s = new ProbeStream();
        s.Acquire(1, A).Acquire(1, A).Release(1, A).Acquire(1, B).Release(1, B).Release(1, A);
        s.Acquire(2, B).Release(2, B).Acquire(2, A).Release(2, A);
        Assert.Empty(s.LockOrders());
    }

    [Fact]
    public void Inversion_always_taken_under_one_gate_lock_cannot_deadlock()
    {
        var s = new ProbeStream();
        s.Acquire(1, G).Acquire(1, A).Acquire(1, B).Release(1, B).Release(1, A).Release(1, G);
        s.Acquire(2, G).Acquire(2, B).Acquire(2, A).Release(2, A).Release(2, B).Release(2, G);
        Assert.Empty(s.LockOrders());
    }
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Symbols;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>Which hangs are waits without an owner (held for the heap's look live): set where the hang is built.</summary>
public sealed class HangGroupsTests
{
    private const int Pid = 100;
    private static readonly WaitClass Event = new(WaitKind.ManualResetEventSlim, "ManualResetEventSlim.Wait", 1, IdlePoint.None);
    private static readonly WaitClass Handle = new(WaitKind.WaitHandle, "WaitHandle.WaitOne", 1, IdlePoint.None);

    [Fact]
    public void A_thread_on_an_event_is_an_ownerless_wait()
    {
        Finding f = Assert.Single(Build(new HungThread(7, 0, 1, Pid, Event, null, 0xe0)));
        Assert.True(HangGroups.IsOwnerlessWait(f));
    }

    [Fact]
    public void A_lock_has_an_owner_and_several_threads_on_unnamed_handles_may_wait_on_each_other()
    {
        Assert.False(HangGroups.IsOwnerlessWait(Assert.Single(Build(new HungThread(7, 0, 1, Pid, Event, 0x10, 0)))));
        Finding likelyDeadlock = Assert.Single(Build(new HungThread(7, 0, 1, Pid, Handle, null, 0), new HungThread(8, 0, 1, Pid, Handle, null, 0)));
        Assert.StartsWith("likely deadlock", likelyDeadlock.Summary, StringComparison.Ordinal);
        Assert.False(HangGroups.IsOwnerlessWait(likelyDeadlock));
        // one thread on an unnamed handle, or two on a named event, still are
        Assert.True(HangGroups.IsOwnerlessWait(Assert.Single(Build(new HungThread(7, 0, 1, Pid, Handle, null, 0)))));
        Assert.True(HangGroups.IsOwnerlessWait(Assert.Single(Build(new HungThread(7, 0, 1, Pid, Event, null, 0xe0), new HungThread(8, 0, 1, Pid, Event, null, 0xe0)))));
    }

    private static List<Finding> Build(params HungThread[] hung) =>
        [.. HangGroups.Build([.. hung], new Dictionary<ulong, int>(), nowMs: 5000, thresholdMs: 2000)];
}

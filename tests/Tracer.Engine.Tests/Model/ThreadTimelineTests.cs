using Tracer.Engine.Events;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;

namespace Tracer.Engine.Tests.Model;

/// <summary>Timeline intervals built by the model from a thread's events.</summary>
public sealed class ThreadTimelineTests
{
    private const int T = 7;

    [Fact]
    public void A_lock_wait_with_inner_handle_waits_is_one_lock_interval_then_running_then_a_handle_wait_then_exit()
    {
        var model = new TraceModel();
        TraceRecord[] events =
        [
            TraceRecord.Thread(TraceEventKind.ThreadCreated, 1, T),
            TraceRecord.ContentionStart(10, T, 0x100, 0xa, ownerThreadId: 9),
            TraceRecord.WaitStart(11, T, WaitSource.Unknown, 0),   // the lock's own wait
            TraceRecord.WaitStop(19, T),
            TraceRecord.ContentionStop(20, T, 10e6),
            TraceRecord.WaitStart(30, T, WaitSource.MonitorWait, 0xb),
            TraceRecord.WaitStop(45, T),
            TraceRecord.Thread(TraceEventKind.ThreadExited, 50, T),
        ];
        foreach (TraceRecord e in events)
        {
            model.Apply(e);
        }

        StatePoint[] points = model.Threads[T].Timeline.Points.ToArray();
        Assert.Equal(
            [(1.0, ThreadState.Running, 0ul), (10, ThreadState.WaitingOnLock, 0x100), (20, ThreadState.Running, 0), (30, ThreadState.WaitingOnHandle, 0xb), (45, ThreadState.Running, 0), (50, ThreadState.Exited, 0)],
            points.Select(p => (p.TimeMs, p.State, p.Subject)));
        Assert.Equal(10, model.Threads[T].LockWaitMs, 3);
        Assert.Equal(15, model.Threads[T].HandleWaitMs, 3);
        Assert.Empty(model.OpenWaits());
    }

    [Fact]
    public void A_pool_worker_is_idle_between_wait_and_dequeue()
    {
        var model = new TraceModel();
        model.Apply(TraceRecord.Thread(TraceEventKind.PoolWorkerStart, 1, T));
        model.Apply(TraceRecord.Thread(TraceEventKind.PoolWorkerWait, 5, T));
        model.Apply(TraceRecord.Thread(TraceEventKind.PoolDequeue, 9, T));
        Assert.Equal([ThreadState.Running, ThreadState.PoolIdle, ThreadState.Running], model.Threads[T].Timeline.Points.ToArray().Select(p => p.State));
        Assert.Equal(ThreadState.PoolIdle, model.Threads[T].Timeline.At(6)!.Value.State);
    }
}

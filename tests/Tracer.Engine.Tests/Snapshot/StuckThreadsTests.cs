using Tracer.Engine.Snapshot;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Tests.Snapshot;

/// <summary>Which blocked threads the reachability mark defers: those only another thread can release, and on whom.</summary>
public sealed class StuckThreadsTests
{
    private const ulong Event = 0xe0, Gate = 0x10, ConsumerThread = 0x70;

    [Fact]
    public void Waits_on_objects_and_on_stuck_threads_are_stuck_waits_on_threads_that_run_are_not()
    {
        SnapshotThread consumer = new(21, 2, "consumer", ["System.Threading.ManualResetEventSlim.Wait", "App.Consumer.Run"],
            [new FrameObject(0, Event, "System.Threading.ManualResetEventSlim")]);
        // Holds Gate while it waits on the event; the lock waiter waits for it.
        SnapshotThread holder = consumer with { OsThreadId = 22, ManagedThreadId = 3, Objects = [new FrameObject(0, Event, "System.Threading.ManualResetEventSlim"), new FrameObject(1, Gate, "System.Object")] };
        SnapshotThread lockWaiter = new(23, 4, "waiter", ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Worker.Run"],
            [new FrameObject(0, Gate, "System.Object")]);
        SnapshotThread joiner = new(24, 1, "main", ["System.Threading.Thread.Join", "App.Program.Main"], [new FrameObject(0, ConsumerThread, "System.Threading.Thread")]);
        SnapshotThread sleeper = new(25, 5, "poller", ["System.Threading.Thread.Sleep", "App.Poller.Run"], []);
        SnapshotThread running = new(26, 6, "worker", ["App.Worker.Compute"], []);
        SnapshotThread runnerJoiner = joiner with { OsThreadId = 27, ManagedThreadId = 7, Objects = [new FrameObject(0, 0x71, "System.Threading.Thread")] };
        var snapshot = new ProcessSnapshot
        {
            ProcessId = 24,
            Threads = [consumer, holder, lockWaiter, joiner, sleeper, running, runnerJoiner],
            Locks = [new SnapshotLock(Gate, "System.Object", LockFlavor.Monitor, 22, 1, 1)],
            ThreadObjects = new Dictionary<ulong, int> { [ConsumerThread] = 21, [0x71] = 26 },
        };

        StuckThreads stuck = StuckThreads.From(snapshot);

        Assert.Equal([21, 22, 23, 24], new[] { 21, 22, 23, 24, 25, 26, 27 }.Where(stuck.IsStuck));
        Assert.Equal([21, 22], stuck.WaitingOn(Event));
        Assert.Equal([23], stuck.WaitingFor(22)); // released with the lock's holder
        Assert.Equal([24], stuck.WaitingFor(21)); // released with the thread it joins
    }
}

using Tracer.Engine.Analysis;
using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Tests.Snapshot;

/// <summary>Snapshot → findings on synthetic snapshots: deadlocks through the DeadlockDetector, ownerless waits as hang.</summary>
public sealed class SnapshotAnalysisTests
{
    private const int Pid = 100;

    [Fact]
    public void A_cycle_of_lock_waits_is_one_deadlock_naming_each_waiter_its_lock_and_its_holder()
    {
        // Thread i holds lock i and waits for lock (i+1) % 3.
        ulong[] locks = [0xa0, 0xb0, 0xc0];
        SnapshotThread[] threads = [.. Enumerable.Range(0, 3).Select(i => LockWaiter(10 + i, $"worker-{i}", locks[(i + 1) % 3], holding: locks[i]))];
        ProcessSnapshot snapshot = Snapshot(threads, [.. Enumerable.Range(0, 3).Select(i => Held(locks[i], 10 + i))]);

        IReadOnlyList<Finding> findings = Findings(snapshot);

        Finding deadlock = Assert.Single(findings, f => f.Kind == FindingKinds.Deadlock);
        Assert.Equal(3, deadlock.Threads.Count);
        foreach (FindingThread t in deadlock.Threads)
        {
            int i = t.ThreadId - 10;
            Assert.Equal(locks[(i + 1) % 3], t.WaitsForLock);
            Assert.Equal(10 + ((i + 1) % 3), t.HeldBy);
        }

        Assert.All(deadlock.Locks, l => Assert.Contains("taken in App.Bank.Transfer", l.Name, StringComparison.Ordinal));
        Assert.Contains(deadlock.Details, d => d.StartsWith("worker-1 (tid 11) holds System.Object 0xb0", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Kind == FindingKinds.Hang); // the cycle says it all
    }

    [Fact]
    public void A_lock_held_by_a_thread_blocked_on_a_semaphore_is_two_hangs_and_no_deadlock()
    {
        SnapshotThread waiter = LockWaiter(10, "waiter", 0xa0, holding: null) with { MadeProgress = false };
        SnapshotThread holder = Blocked(11, "holder", "System.Threading.SemaphoreSlim.Wait", new FrameObject(0, 0x500, "System.Threading.SemaphoreSlim")) with { MadeProgress = false };
        ProcessSnapshot snapshot = Snapshot([waiter, holder], [Held(0xa0, 11)]);

        IReadOnlyList<Finding> findings = Findings(snapshot);

        Assert.DoesNotContain(findings, f => f.Kind == FindingKinds.Deadlock);
        Finding onLock = Assert.Single(findings, f => f.Threads.Any(t => t.ThreadId == 10));
        Assert.Equal(FindingKinds.Hang, onLock.Kind);
        Assert.Equal(11, Assert.Single(onLock.Threads).HeldBy);
        Assert.Contains(onLock.Details, d => d.Contains("holder (tid 11) is itself blocked in SemaphoreSlim.Wait", StringComparison.Ordinal));

        Finding onSemaphore = Assert.Single(findings, f => f.Threads.Any(t => t.ThreadId == 11));
        Assert.Equal(FindingKinds.Hang, onSemaphore.Kind);
        Assert.Null(Assert.Single(onSemaphore.Threads).HeldBy); // no owner invented
        Assert.Contains("SemaphoreSlim.Wait on System.Threading.SemaphoreSlim 0x500", onSemaphore.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_waiting_on_the_same_barrier_are_one_grouped_hang()
    {
        var barrier = new FrameObject(0, 0x700, "System.Threading.Barrier");
        SnapshotThread[] threads = [.. Enumerable.Range(0, 3).Select(i => Blocked(20 + i, $"phase-{i}", "System.Threading.Barrier.SignalAndWait", barrier) with { MadeProgress = false })];

        Finding hang = Assert.Single(Findings(Snapshot(threads, [])));

        Assert.Equal(FindingKinds.Hang, hang.Kind);
        Assert.Equal([20, 21, 22], hang.Threads.Select(t => t.ThreadId));
        Assert.StartsWith("3 threads blocked in Barrier.SignalAndWait", hang.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_that_ran_while_watched_or_sleep_are_not_hung()
    {
        SnapshotThread busy = Blocked(30, "busy", "System.Threading.SemaphoreSlim.Wait", new FrameObject(0, 0x800, "System.Threading.SemaphoreSlim")) with { MadeProgress = true };
        SnapshotThread sleeper = Blocked(31, "sleeper", "System.Threading.Thread.Sleep", null) with { MadeProgress = false };
        SnapshotThread reader = new(32, 3, "main", ["System.IO.StreamReader.ReadLine", "System.Console.ReadLine", "App.Program.Main"], []) { MadeProgress = false };

        Assert.Empty(Findings(Snapshot([busy, sleeper, reader], [])));
    }

    [Fact]
    public void Waits_on_locks_whose_owner_the_runtime_did_not_give_make_no_deadlock_and_say_so()
    {
        SnapshotThread[] threads = [LockWaiter(10, "a", 0xa0, holding: null), LockWaiter(11, "b", 0xb0, holding: null)];
        var analyzer = SnapshotAnalysis.Analyze(Snapshot(threads, [new SnapshotLock(0xa0, "System.Object", LockFlavor.Monitor, null, 1, 1)]));

        Assert.False(analyzer.Findings.Any(FindingKinds.Deadlock));
        Assert.Contains(analyzer.Model.Notes, n => n.Contains("did not name the owner", StringComparison.Ordinal));
    }

    [Fact]
    public void A_join_on_a_deadlocked_thread_is_listed_under_the_deadlock_and_says_which_thread_it_joins()
    {
        SnapshotThread a = LockWaiter(10, "a", 0xb0, holding: 0xa0);
        SnapshotThread b = LockWaiter(11, "b", 0xa0, holding: 0xb0);
        SnapshotThread main = Blocked(1, "main", "System.Threading.Thread.Join", new FrameObject(0, 0x900, "System.Threading.Thread")) with { MadeProgress = false };
        ProcessSnapshot snapshot = Snapshot([a, b, main], [Held(0xa0, 10), Held(0xb0, 11)]) with { ThreadObjects = new Dictionary<ulong, int> { [0x900] = 10 } };

        IReadOnlyList<Finding> findings = Findings(snapshot);

        // One finding per cause: the join is listed under the deadlock it waits on, with what it joins.
        Finding deadlock = Assert.Single(findings);
        Assert.Equal(FindingKinds.Deadlock, deadlock.Kind);
        Assert.Contains(deadlock.Threads, t => t.ThreadId == 1);
        Assert.Contains("it joins a (tid 10), which is in a deadlock", deadlock.Details);
    }

    [Fact]
    public void The_host_lifetime_wait_and_a_lone_task_wait_are_no_hang()
    {
        SnapshotThread asyncMain = new(40, 40, "main",
            ["System.Threading.ManualResetEventSlim.Wait", "System.Threading.Tasks.Task.InternalWaitCore", "System.Runtime.CompilerServices.TaskAwaiter.GetResult", "App.Program.<Main>(System.String[])"], [])
        { MadeProgress = false };
        SnapshotThread webHost = new(41, 41, "host",
            ["System.Threading.ManualResetEventSlim.Wait", "System.Runtime.CompilerServices.TaskAwaiter.GetResult", "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run",
             "Microsoft.AspNetCore.Builder.WebApplication.Run", "Program.<Main>$"], [])
        { MadeProgress = false };
        SnapshotThread waiter = Blocked(42, "waiter", "System.Threading.Tasks.Task.Wait", null) with { MadeProgress = false };

        Assert.Empty(Findings(Snapshot([asyncMain, webHost, waiter], [])));
    }

    [Fact]
    public void Consumers_on_an_empty_queue_are_idle_but_the_same_threads_on_a_semaphore_are_hung()
    {
        SnapshotThread[] idle = [.. Enumerable.Range(0, 2).Select(i =>
            Blocked(10 + i, $"worker-{i}", "System.Collections.Concurrent.BlockingCollection`1[System.Int32].TryTake", null) with { MadeProgress = false })];
        SnapshotThread[] stuck = [.. Enumerable.Range(0, 2).Select(i =>
            Blocked(10 + i, $"worker-{i}", "System.Threading.SemaphoreSlim.Wait", null) with { MadeProgress = false })];

        Assert.Empty(Findings(Snapshot(idle, [])));
        Assert.Equal(FindingKinds.Hang, Assert.Single(Findings(Snapshot(stuck, []))).Kind);
    }

    private static IReadOnlyList<Finding> Findings(ProcessSnapshot snapshot) => SnapshotAnalysis.Analyze(snapshot).Findings.Snapshot();

    private static ProcessSnapshot Snapshot(SnapshotThread[] threads, SnapshotLock[] locks) =>
        new() { ProcessId = Pid, ProcessName = "app", Threads = threads, Locks = locks, ObservedMs = 2000 };

    private static SnapshotLock Held(ulong obj, int owner) => new(obj, "System.Object", LockFlavor.Monitor, owner, 1, 1);

    private static SnapshotThread LockWaiter(int tid, string name, ulong waitsFor, ulong? holding)
    {
        string[] frames = ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Bank.Transfer", "App.Bank.Run"];
        List<FrameObject> objects = [new(0, waitsFor, "System.Object"), new(2, waitsFor, "System.Object")];
        if (holding is ulong held)
        {
            objects.Add(new FrameObject(3, held, "System.Object"));
        }

        return new SnapshotThread(tid, tid, name, frames, objects);
    }

    private static SnapshotThread Blocked(int tid, string name, string api, FrameObject? subject) =>
        new(tid, tid, name, [api, "App.Worker.Run", "System.Threading.Thread.StartCallback"], subject is null ? [] : [subject]);
}

using System.Collections.Concurrent;
using Tracer.Probes;

namespace Tracer.Demos.RaceCases;

/// <summary>Pairs about publishing data to another thread: each racy case has a race-free twin.</summary>
internal static class PublicationCases
{
    public static IEnumerable<RaceCase> All() =>
    [
        RaceCase.Racy("unprotected-counter", "count", () => TwoThreads(new Shared<int>("unprotected-counter.count"), (c, _) => c.Update(v => v + 1))),
        RaceCase.Clean("locked-counter", () =>
        {
            var gate = new TracedLock("locked-counter.gate");
            TwoThreads(new Shared<int>("locked-counter.count"), (c, _) =>
            {
                using (gate.Enter())
                {
                    c.Update(v => v + 1);
                }
            });
        }),
        RaceCase.Clean("interlocked-flag", () => FlagPublication("interlocked-flag", signal: true)),
        RaceCase.Racy("unsignalled-flag", "data", () => FlagPublication("unsignalled-flag", signal: false)),
        RaceCase.Clean("event-publish", () => EventPublication("event-publish", readBeforeWait: false)),
        RaceCase.Racy("read-before-event", "data", () => EventPublication("read-before-event", readBeforeWait: true)),
        RaceCase.Clean("semaphore-publish", () => SemaphorePublication("semaphore-publish", writeAfterRelease: false)),
        RaceCase.Racy("write-after-release", "data", () => SemaphorePublication("write-after-release", writeAfterRelease: true)),
        RaceCase.Clean("barrier-phase", () => BarrierPhases("barrier-phase", useBarrier: true)),
        RaceCase.Racy("no-barrier", "slot", () => BarrierPhases("no-barrier", useBarrier: false)),
        RaceCase.Clean("task-continuation", () =>
        {
            var data = new Shared<int>("task-continuation.data");
            Task first = TracedTask.Run(() => data.Write(1));
            first.ContinueWith(t => { TracedTask.Continued(t); data.Write(data.Read() + 1); }, TaskScheduler.Default).Wait();
        }),
        RaceCase.Racy("read-before-task-join", "data", () =>
        {
            var data = new Shared<int>("read-before-task-join.data");
            using var written = new ManualResetEventSlim(); // harness only: makes sure both accesses happen
            Task task = TracedTask.Run(() => { data.Write(1); written.Set(); });
            written.Wait();
            _ = data.Read();
            TracedTask.Join(task);
        }),
        RaceCase.Clean("thread-join", () =>
        {
            var data = new Shared<int>("thread-join.data");
            data.Write(1);
            TracedThread worker = TracedThread.Start(() => data.Write(data.Read() + 1), "thread-join");
            worker.Join();
            _ = data.Read();
        }),
        RaceCase.Racy("read-before-thread-join", "data", () =>
        {
            var data = new Shared<int>("read-before-thread-join.data");
            using var written = new ManualResetEventSlim();
            TracedThread worker = TracedThread.Start(() => { data.Write(1); written.Set(); }, "early-reader");
            written.Wait();
            _ = data.Read();
            worker.Join();
        }),
        RaceCase.Clean("queue-handoff", () => QueueHandoff("queue-handoff", reuseAfterAdd: false)),
        RaceCase.Racy("reuse-after-enqueue", "item", () => QueueHandoff("reuse-after-enqueue", reuseAfterAdd: true)),
    ];

    private static void TwoThreads<T>(T state, Action<T, int> body)
    {
        TracedThread a = TracedThread.Start(() => { for (int i = 0; i < 3; i++) { body(state, i); } }, "case-a");
        TracedThread b = TracedThread.Start(() => { for (int i = 0; i < 3; i++) { body(state, i); } }, "case-b");
        a.Join();
        b.Join();
    }

    private static void FlagPublication(string name, bool signal)
    {
        var data = new Shared<int>($"{name}.data");
        var flagBox = new object();
        int flag = 0;
        TracedThread writer = TracedThread.Start(() =>
        {
            data.Write(42);
            if (signal)
            {
                Probe.Signal(flagBox, $"{name}.flag"); // the Interlocked write is a release
            }

            Interlocked.Exchange(ref flag, 1);
        }, "writer");
        TracedThread reader = TracedThread.Start(() =>
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref flag) == 1);
            if (signal)
            {
                Probe.Wait(flagBox, $"{name}.flag"); // ... and the volatile read that saw it an acquire
            }

            _ = data.Read();
        }, "reader");
        writer.Join();
        reader.Join();
    }

    private static void EventPublication(string name, bool readBeforeWait)
    {
        var data = new Shared<int>($"{name}.data");
        using var ready = new ManualResetEventSlim();
        using var written = new ManualResetEventSlim(); // harness only
        TracedThread reader = TracedThread.Start(() =>
        {
            if (readBeforeWait)
            {
                written.Wait();
                _ = data.Read();
            }

            ready.Wait();
            Probe.Wait(ready, $"{name}.ready");
            _ = data.Read();
        }, "reader");
        data.Write(7);
        written.Set();
        Probe.Signal(ready, $"{name}.ready");
        ready.Set();
        reader.Join();
    }

    private static void SemaphorePublication(string name, bool writeAfterRelease)
    {
        var data = new Shared<int>($"{name}.data");
        using var items = new SemaphoreSlim(0);
        TracedThread consumer = TracedThread.Start(() =>
        {
            items.Wait();
            Probe.Wait(items, $"{name}.items");
            _ = data.Read();
        }, "consumer");
        data.Write(1);
        Probe.Signal(items, $"{name}.items");
        items.Release();
        if (writeAfterRelease)
        {
            data.Write(2);
        }

        consumer.Join();
    }

    private static void BarrierPhases(string name, bool useBarrier)
    {
        var slots = new[] { new Shared<int>($"{name}.slot"), new Shared<int>($"{name}.slot") };
        using var barrier = new Barrier(2);
        using var bothWrote = new CountdownEvent(2); // harness only (no-barrier case)
        TracedThread[] workers = [.. Enumerable.Range(0, 2).Select(i => TracedThread.Start(() =>
        {
            slots[i].Write(i);
            if (useBarrier)
            {
                Probe.Signal(barrier, $"{name}.barrier");
                barrier.SignalAndWait();
                Probe.Wait(barrier, $"{name}.barrier");
            }
            else
            {
                bothWrote.Signal();
                bothWrote.Wait();
            }

            _ = slots[1 - i].Read();
        }, $"phase-{i}"))];
        foreach (TracedThread w in workers)
        {
            w.Join();
        }
    }

    private static void QueueHandoff(string name, bool reuseAfterAdd)
    {
        using var queue = new BlockingCollection<Shared<int>>();
        var item = new Shared<int>($"{name}.item");
        TracedThread consumer = TracedThread.Start(() =>
        {
            Shared<int> taken = queue.Take();
            Probe.Wait(queue, $"{name}.queue");
            taken.Write(taken.Read() + 1);
        }, "consumer");
        item.Write(1);
        Probe.Signal(queue, $"{name}.queue");
        queue.Add(item);
        if (reuseAfterAdd)
        {
            item.Write(5); // the producer still touches what it handed off
        }

        consumer.Join();
    }
}

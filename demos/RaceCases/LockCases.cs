using Tracer.Probes;

namespace Tracer.Demos.RaceCases;

/// <summary>Pairs about lock order, double-checked locking and timers.</summary>
internal static class LockCases
{
    public static IEnumerable<RaceCase> All() =>
    [
        RaceCase.Inversion("abba", "a,b", () =>
        {
            var a = new TracedLock("abba.a");
            var b = new TracedLock("abba.b");
            Sequential(() => Nested(a, b), () => Nested(b, a)); // one after the other: completes, still an inversion
        }),
        RaceCase.Clean("consistent-order", () =>
        {
            var a = new TracedLock("consistent-order.a");
            var b = new TracedLock("consistent-order.b");
            Sequential(() => Nested(a, b), () => Nested(a, b));
        }),
        RaceCase.Inversion("three-lock-cycle", "a,b,c", () =>
        {
            var a = new TracedLock("three-lock-cycle.a");
            var b = new TracedLock("three-lock-cycle.b");
            var c = new TracedLock("three-lock-cycle.c");
            Sequential(() => Nested(a, b), () => Nested(b, c), () => Nested(c, a));
        }),
        RaceCase.Clean("nested-same-lock", () =>
        {
            var a = new TracedLock("nested-same-lock.a");
            var b = new TracedLock("nested-same-lock.b");
            Sequential(() => { using (a.Enter()) { Nested(a, b); } }, () => Nested(a, b));
        }),
        RaceCase.Clean("gated-inversion", () =>
        {
            var gate = new TracedLock("gated-inversion.gate");
            var a = new TracedLock("gated-inversion.a");
            var b = new TracedLock("gated-inversion.b");
            Sequential(() => { using (gate.Enter()) { Nested(a, b); } }, () => { using (gate.Enter()) { Nested(b, a); } });
        }),
        RaceCase.Racy("broken-double-checked", "instance", () => DoubleChecked("broken-double-checked", correct: false)),
        RaceCase.Clean("volatile-double-checked", () => DoubleChecked("volatile-double-checked", correct: true)),
        RaceCase.Racy("timer-callback", "state", () => TimerCallbacks("timer-callback", locked: false)),
        RaceCase.Clean("locked-timer-callback", () => TimerCallbacks("locked-timer-callback", locked: true)),
    ];

    private static void Nested(TracedLock outer, TracedLock inner)
    {
        using (outer.Enter())
        {
            using (inner.Enter())
            {
            }
        }
    }

    private static void Sequential(params Action[] steps)
    {
        foreach (Action step in steps)
        {
            TracedThread.Start(step, "orderer").Join();
        }
    }

    private static void DoubleChecked(string name, bool correct)
    {
        var instance = new Shared<object?>($"{name}.instance");
        var contents = new Shared<int>($"{name}.contents"); // what the constructor of the lazily made object writes
        var cell = new object();
        object? published = null;
        var gate = new TracedLock($"{name}.gate");
        using var initialised = new ManualResetEventSlim(); // harness only: the second caller takes the fast path
        object Get()
        {
            if (correct)
            {
                if (Volatile.Read(ref published) is { } fast)
                {
                    Probe.Wait(cell, $"{name}.cell"); // a volatile read that sees the object acquires it
                    return fast;
                }
            }
            else if (instance.Read() is { } fast)
            {
                return fast; // plain read outside the lock: races with the write below
            }

            using (gate.Enter())
            {
                if (correct ? published is null : instance.Read() is null)
                {
                    var created = new object();
                    contents.Write(42);
                    if (correct)
                    {
                        Probe.Signal(cell, $"{name}.cell");
                        Volatile.Write(ref published, created);
                    }
                    else
                    {
                        instance.Write(created);
                    }
                }

                return correct ? published! : instance.Read()!;
            }
        }

        TracedThread first = TracedThread.Start(() => { Get(); _ = contents.Read(); initialised.Set(); }, "first-caller");
        TracedThread second = TracedThread.Start(() => { initialised.Wait(); Get(); _ = contents.Read(); }, "second-caller");
        first.Join();
        second.Join();
    }

    private static void TimerCallbacks(string name, bool locked)
    {
        var state = new Shared<int>($"{name}.state");
        var gate = new TracedLock($"{name}.gate");
        using var done = new ManualResetEventSlim(); // harness only: the case ends after the callback
        var owner = new object();
        void Touch(int value)
        {
            if (locked)
            {
                using (gate.Enter())
                {
                    state.Write(state.Read() + value);
                }
            }
            else
            {
                state.Write(state.Read() + value);
            }
        }

        Probe.Signal(owner, $"{name}.timer"); // what came before the timer was created is visible to its callback
        using var timer = new Timer(_ =>
        {
            Probe.Wait(owner, $"{name}.timer");
            Touch(1);
            done.Set();
        }, null, 0, Timeout.Infinite);
        Touch(10); // the main thread updates state the callback touches at the same time
        done.Wait();
    }
}

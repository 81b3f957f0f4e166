using Tracer.Probes;

namespace Tracer.Demos.TimerRace;

/// <summary>
/// A System.Threading.Timer fires every 10 ms, but its callback takes 30 ms: callbacks overlap on pool threads and
/// update the same statistics without a lock. Then the timer is cancelled with a plain Dispose(), which does not
/// wait for a callback that is already running: the "final" read races with it (the cancel comes too late).
/// Fixed: a non-reentrant timer (one-shot, re-armed at the end of each callback) and Dispose(WaitHandle), whose
/// handle is set only once no callback runs any more.
/// </summary>
public static class TimerRaceDemo
{
    private const int PeriodMs = 10;
    private const int CallbackMs = 30;

    public static int Run(bool fixedVariant) => fixedVariant ? RunFixed() : RunBuggy();

    private static int RunBuggy()
    {
        var stats = new TickStats();
        using var enough = new CountdownEvent(4);
        Probe.Signal(stats, "timer"); // the set-up before the timer exists is visible to every callback
        var timer = new Timer(_ =>
        {
            Probe.Wait(stats, "timer");
            stats.Tick();
            Thread.Sleep(CallbackMs);
            stats.Tick();
            if (!enough.IsSet)
            {
                enough.Signal();
            }
        }, null, 0, PeriodMs);
        enough.Wait();
        timer.Dispose(); // returns at once: a callback may still be running
        Console.WriteLine($"ticks counted: {stats.Read()} (a callback may still be adding)");
        return 0;
    }

    private static int RunFixed()
    {
        var stats = new TickStats();
        using var enough = new CountdownEvent(4);
        Timer? timer = null;
        Probe.Signal(stats, "timer");
        timer = new Timer(_ =>
        {
            Probe.Wait(stats, "timer"); // ordered after the previous callback, which re-armed the timer
            stats.Tick();
            Thread.Sleep(CallbackMs);
            stats.Tick();
            if (!enough.IsSet)
            {
                enough.Signal();
            }

            Probe.Signal(stats, "timer");
            try
            {
                timer!.Change(PeriodMs, Timeout.Infinite); // one callback at a time
            }
            catch (ObjectDisposedException)
            {
                // cancelled meanwhile: do not re-arm
            }
        }, null, Timeout.Infinite, Timeout.Infinite);
        timer.Change(0, Timeout.Infinite);
        enough.Wait();
        using var stopped = new ManualResetEvent(false);
        timer.Dispose(stopped);
        stopped.WaitOne(); // no callback runs after this
        Probe.Wait(stats, "timer");
        Console.WriteLine($"ticks counted: {stats.Read()} (final)");
        return 0;
    }

    /// <summary>Statistics the callbacks update; probe location "tick-count".</summary>
    private sealed class TickStats
    {
        private readonly Shared<int> _ticks = new("tick-count");

        public void Tick() => _ticks.Write(_ticks.Read() + 1);

        public int Read() => _ticks.Read();
    }
}

using Tracer.Probes;

namespace Tracer.Demos.DoubleChecked;

/// <summary>
/// Broken double-checked locking: the fast path reads the instance field without the lock and without a volatile
/// read, so a caller can see the reference before the object's fields (nothing orders the constructor's writes
/// before that read). Fixed: Volatile.Read / Volatile.Write publication (what Lazy&lt;T&gt; does for you).
/// </summary>
public static class DoubleCheckedDemo
{
    private const int Callers = 4;

    public static int Run(bool fixedVariant)
    {
        var holder = new SettingsHolder(fixedVariant);
        // All callers start together: whoever loses the race to the lock takes the fast path while (or after) the
        // winner publishes, and nothing but the fast path's own read orders them (the barrier orders only what came
        // before it).
        using var together = new Barrier(Callers);
        TracedThread[] callers = [.. Enumerable.Range(0, Callers).Select(i => TracedThread.Start(() =>
        {
            together.SignalAndWait();
            Console.WriteLine($"caller-{i} sees retries = {holder.Get().Retries}");
        }, $"caller-{i}"))];
        foreach (TracedThread t in callers)
        {
            t.Join();
        }

        return 0;
    }

    private sealed class Settings
    {
        private readonly Shared<int> _retries = new("settings.retries");

        public Settings() => _retries.Write(3);

        public int Retries => _retries.Read();
    }

    /// <summary>The lazily created singleton; probe location "instance" for the broken field.</summary>
    private sealed class SettingsHolder(bool useVolatile)
    {
        private readonly TracedLock _gate = new("settings-gate");
        private readonly Shared<Settings?> _instance = new("instance");
        private Settings? _published;

        public Settings Get() => useVolatile ? GetVolatile() : GetBroken();

        private Settings GetBroken()
        {
            if (_instance.Read() is { } fast)
            {
                return fast; // plain read outside the lock
            }

            using (_gate.Enter())
            {
                if (_instance.Read() is null)
                {
                    _instance.Write(new Settings());
                }

                return _instance.Read()!;
            }
        }

        private Settings GetVolatile()
        {
            if (Volatile.Read(ref _published) is { } fast)
            {
                Probe.Wait(this, "instance"); // a volatile read that sees the reference acquires it
                return fast;
            }

            using (_gate.Enter())
            {
                if (_published is null)
                {
                    var made = new Settings();
                    Probe.Signal(this, "instance");
                    Volatile.Write(ref _published, made);
                }

                return _published;
            }
        }
    }
}
